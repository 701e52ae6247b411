// Index arithmetic on activations, as models that decode their own outputs
// use it (MoveNet: the heatmap's ArgMax, its row and column by FloorDiv, the
// offsets at that cell by GatherNd). Activations are float32, so indices are
// float32 whole numbers, exact below 2^24; each op is a short chain of graph
// ops that stays exact on them:
//   ArgMax(x, a)      N - max over a of (x == max(x)) * (N - i): the first maximum
//   FloorDiv(a, b)    floor(a / b); FloorMod(a, b) = a - floor(a / b) * b
//   Pack              each input with a size-1 axis, concatenated
//   GatherNd(p, idx)  a one-hot matrix of the flat indices times p as a matrix
//                     (one term of each sum is non-zero, so the product is exact);
//                     GatherV2 likewise, on one axis
//   comparisons       1 or 0 from the sign of a - b (Equal: 1 - |sign(a - b)|),
//                     LogicalAnd a product, Select c * a + (1 - c) * b
//   Cast to int32     truncation, sign(x) * floor(|x|); to bool, |sign(x)|
//   TopKV2 (k <= 16)  k rounds of ArgMax, each round's winner lowered to
//                     -FLT_MAX before the next (ties: the lower index first)
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include "import/tfjs/tfjs_translators.h"

namespace garden {
namespace tfjs {
namespace {

// Emits the graph ops computing one node's output `index`: each step writes
// an intermediate named after the node, the last writes the output.
class Steps {
 public:
  Steps(ImportContext& context, const TfNode& node) : context_(context), node_(node) {}

  TensorId constant(Shape shape, std::vector<float> values) {
    return context_.constant_tensor(node_.name + "/c" + std::to_string(constants_++),
                                    Constant::floats(std::move(shape), std::move(values)));
  }
  TensorId scalar(float value) { return constant({1}, {value}); }
  TensorId step(OpType op, std::vector<TensorId> inputs, const Shape& shape, Attributes attrs = {}) {
    const TensorId out = context_.define_intermediate(node_.name + "/" + std::to_string(steps_++), shape);
    context_.emit(op, node_, std::move(inputs), {out}, std::move(attrs));
    return out;
  }
  void finish(OpType op, std::vector<TensorId> inputs, const Shape& shape, Attributes attrs = {}, int index = 0) {
    context_.emit(op, node_, std::move(inputs), {context_.define_output(node_, shape, index)}, std::move(attrs));
  }

 private:
  ImportContext& context_;
  const TfNode& node_;
  int steps_ = 0, constants_ = 0;
};

Attributes axes_attrs(std::vector<int64_t> axes) {
  Attributes a;
  a.ints = std::move(axes);
  return a;
}

Attributes clamp_attrs(float minimum, float maximum) {
  Attributes a;
  a.activation_min = minimum;
  a.activation_max = maximum;
  return a;
}

// A constant operand as float32 values of its own shape.
std::vector<float> float_values(const Constant& c) {
  return c.is_float() ? c.f : std::vector<float>(c.i.begin(), c.i.end());
}

TensorId operand(ImportContext& context, const TfNode& node, size_t index) {
  const Value& v = context.input(node, index);
  if (!v.constant || v.constant->is_float()) return context.input_tensor(node, index);
  return context.constant_tensor(node.inputs[index].node + "/float", Constant::floats(v.shape, float_values(*v.constant)));
}

// 1 - min(|column - position|, 1): one-hot rows of the whole numbers in
// `column` ([rows, 1]) over `positions` values.
TensorId one_hot_of(Steps& s, TensorId column, int64_t rows, int64_t positions) {
  std::vector<float> iota(static_cast<size_t>(positions));
  for (int64_t p = 0; p < positions; ++p) iota[static_cast<size_t>(p)] = static_cast<float>(p);
  const Shape shape{rows, positions};
  const TensorId distance = s.step(OpType::kAbs, {s.step(OpType::kSub, {column, s.constant({positions}, iota)}, shape)}, shape);
  const TensorId far = s.step(OpType::kClamp, {distance}, shape, clamp_attrs(-INFINITY, 1.f));
  return s.step(OpType::kSub, {s.scalar(1.f), far}, shape);
}

// The constant one-hot matrix with a 1 at (r, flat[r]).
TensorId one_hot_constant(Steps& s, const std::vector<int64_t>& flat, int64_t positions) {
  const int64_t rows = static_cast<int64_t>(flat.size());
  std::vector<float> matrix(static_cast<size_t>(rows * positions), 0.f);
  for (int64_t r = 0; r < rows; ++r) matrix[static_cast<size_t>(r * positions + flat[static_cast<size_t>(r)])] = 1.f;
  return s.constant({rows, positions}, std::move(matrix));
}

}  // namespace

// The index of the first maximum of x (shape `shape`) along `axis`, as a
// tensor of `kept` (that axis 1), given max(x) along it.
TensorId first_max_index(Steps& s, TensorId x, TensorId max, const Shape& shape, const Shape& kept, size_t axis) {
  const int64_t n = shape[axis];
  Shape along(shape.size(), 1);  // [1.., n, 1..]: the reversed positions, broadcast
  along[axis] = n;
  std::vector<float> reversed(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) reversed[static_cast<size_t>(i)] = static_cast<float>(n - i);
  const TensorId below = s.step(OpType::kSign, {s.step(OpType::kSub, {max, x}, shape)}, shape);  // 0 at a maximum, else 1
  const TensorId is_max = s.step(OpType::kSub, {s.scalar(1.f), below}, shape);
  const TensorId score = s.step(OpType::kMul, {is_max, s.constant(along, reversed)}, shape);
  const TensorId best = s.step(OpType::kReduceMax, {score}, kept, axes_attrs({static_cast<int64_t>(axis)}));
  return s.step(OpType::kSub, {s.scalar(static_cast<float>(n)), best}, kept);
}

void translate_argmax(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Shape x = context.input(node, 0).shape;
  const std::vector<int64_t> axis = context.constant_input(node, 1, "axis").to_ints(describe(node));
  require(axis.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": axis must be one value");
  const size_t a = static_cast<size_t>(normalize_axis(axis[0], x.size(), describe(node)));
  const int64_t n = x[a];
  require(n > 0 && n < (int64_t{1} << 24), ErrorCode::kUnsupportedModel,
          describe(node) + ": more values than float32 indexes exactly");
  Shape kept = x, dropped = x;
  kept[a] = 1;
  dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(a));
  Steps s(context, node);
  const TensorId input = context.input_tensor(node, 0);
  const TensorId max = s.step(OpType::kReduceMax, {input}, kept, axes_attrs({static_cast<int64_t>(a)}));
  s.finish(OpType::kReshape, {first_max_index(s, input, max, x, kept, a)}, dropped);
}

// Each round costs two reductions over the whole input, so large k is refused.
constexpr int64_t kMaxTopK = 16;

void translate_top_k(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Shape x = context.input(node, 0).shape;
  require(!x.empty(), ErrorCode::kInvalidModel, describe(node) + ": input must have a last axis");
  const std::vector<int64_t> k_value = context.constant_input(node, 1, "k").to_ints(describe(node));
  require(k_value.size() == 1 && k_value[0] >= 1 && k_value[0] <= x.back(), ErrorCode::kInvalidModel,
          describe(node) + ": k must be one value in [1, the last axis]");
  const int64_t k = k_value[0], n = x.back();
  require(k <= kMaxTopK, ErrorCode::kUnsupportedModel,
          describe(node) + ": k = " + std::to_string(k) + " (TopK runs as k rounds of ArgMax, up to " +
              std::to_string(kMaxTopK) + ")");
  require(n < (int64_t{1} << 24), ErrorCode::kUnsupportedModel, describe(node) + ": more values than float32 indexes exactly");
  const size_t last = x.size() - 1;
  Shape kept = x, out = x;
  kept[last] = 1;
  out[last] = k;
  std::vector<float> iota(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) iota[static_cast<size_t>(i)] = static_cast<float>(i);
  Steps s(context, node);
  TensorId remaining = context.input_tensor(node, 0);
  std::vector<TensorId> values, indices;
  const TensorId positions = s.constant({n}, iota);
  for (int64_t round = 0; round < k; ++round) {
    const TensorId max = s.step(OpType::kReduceMax, {remaining}, kept, axes_attrs({static_cast<int64_t>(last)}));
    const TensorId index = first_max_index(s, remaining, max, x, kept, last);
    values.push_back(max);
    indices.push_back(index);
    if (round + 1 == k) break;
    // -FLT_MAX at the winner, +FLT_MAX elsewhere (both exact), as a ceiling.
    const TensorId far = s.step(OpType::kClamp, {s.step(OpType::kAbs, {s.step(OpType::kSub, {index, positions}, x)}, x)}, x,
                                clamp_attrs(-INFINITY, 1.f));
    const TensorId sign = s.step(OpType::kSub, {s.step(OpType::kMul, {far, s.scalar(2.f)}, x), s.scalar(1.f)}, x);
    const TensorId ceiling = s.step(OpType::kMul, {sign, s.scalar(FLT_MAX)}, x);
    remaining = s.step(OpType::kMinimum, {remaining, ceiling}, x);
  }
  Attributes concat;
  concat.axis = static_cast<int32_t>(last);
  if (k == 1) {
    s.finish(OpType::kClamp, {values[0]}, out);
    s.finish(OpType::kClamp, {indices[0]}, out, {}, 1);
    return;
  }
  s.finish(OpType::kConcat, values, out, concat);
  s.finish(OpType::kConcat, indices, out, concat, 1);
}

void translate_floor_div(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Shape shape =
      broadcast_shapes(context.input(node, 0).shape, context.input(node, 1).shape, describe(node));
  Steps s(context, node);
  const TensorId a = operand(context, node, 0), b = operand(context, node, 1);
  if (node.op == "FloorDiv") return s.finish(OpType::kFloor, {s.step(OpType::kDiv, {a, b}, shape)}, shape);
  const TensorId quotient = s.step(OpType::kFloor, {s.step(OpType::kDiv, {a, b}, shape)}, shape);
  s.finish(OpType::kSub, {a, s.step(OpType::kMul, {quotient, b}, shape)}, shape);
}

void translate_pack(ImportContext& context, const TfNode& node) {
  const size_t count = context.input_count(node);
  require(count >= 1, ErrorCode::kInvalidModel, describe(node) + " has no inputs");
  const Shape x = context.input(node, 0).shape;
  const size_t a = static_cast<size_t>(normalize_axis(attr_int(node, "axis", 0), x.size() + 1, describe(node)));
  Shape part = x;
  part.insert(part.begin() + static_cast<std::ptrdiff_t>(a), 1);
  Shape out = part;
  out[a] = static_cast<int64_t>(count);
  Steps s(context, node);
  std::vector<TensorId> parts;
  for (size_t k = 0; k < count; ++k) {
    const Value& v = context.input(node, k);
    require(v.shape == x, ErrorCode::kInvalidModel, describe(node) + ": inputs differ in shape");
    if (v.constant) parts.push_back(s.constant(part, float_values(*v.constant)));
    else parts.push_back(s.step(OpType::kReshape, {context.input_tensor(node, k)}, part));
  }
  Attributes concat;
  concat.axis = static_cast<int32_t>(a);
  if (count == 1) return s.finish(OpType::kReshape, {context.input_tensor(node, 0)}, out);
  s.finish(OpType::kConcat, parts, out, concat);
}

void translate_gather_nd(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Shape params = context.input(node, 0).shape;
  const Value& indices = context.input(node, 1);
  require(!indices.shape.empty(), ErrorCode::kInvalidModel, describe(node) + ": indices must have a last axis");
  const int64_t depth = indices.shape.back();
  require(depth >= 1 && depth <= static_cast<int64_t>(params.size()), ErrorCode::kInvalidModel,
          describe(node) + ": indices' last axis is longer than params' rank");
  int64_t rows = 1, positions = 1, width = 1;
  for (size_t k = 0; k + 1 < indices.shape.size(); ++k) rows *= indices.shape[k];
  for (size_t k = 0; k < static_cast<size_t>(depth); ++k) positions *= params[k];
  for (size_t k = static_cast<size_t>(depth); k < params.size(); ++k) width *= params[k];
  require(positions < (int64_t{1} << 24) && rows * positions <= importer::kMaxTensorElements,
          ErrorCode::kUnsupportedModel, describe(node) + ": too many positions to gather from");
  Shape out(indices.shape.begin(), indices.shape.end() - 1);
  out.insert(out.end(), params.begin() + depth, params.end());
  std::vector<float> strides(static_cast<size_t>(depth), 1.f);
  for (int64_t k = depth - 1; k > 0; --k) strides[static_cast<size_t>(k - 1)] = strides[static_cast<size_t>(k)] * static_cast<float>(params[static_cast<size_t>(k)]);

  Steps s(context, node);
  TensorId one_hot;
  if (indices.constant) {  // known positions: the one-hot matrix is a constant
    const std::vector<float> values = float_values(*indices.constant);
    std::vector<int64_t> flat(static_cast<size_t>(rows), 0);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t k = 0; k < depth; ++k) {
        const int64_t i = static_cast<int64_t>(values[static_cast<size_t>(r * depth + k)]);
        require(i >= 0 && i < params[static_cast<size_t>(k)], ErrorCode::kInvalidModel, describe(node) + ": index out of range");
        flat[static_cast<size_t>(r)] = flat[static_cast<size_t>(r)] * params[static_cast<size_t>(k)] + i;
      }
    }
    one_hot = one_hot_constant(s, flat, positions);
  } else {  // the flat index of each row, sum_k index_k * stride_k, exact in float32
    const TensorId table = s.step(OpType::kReshape, {context.input_tensor(node, 1)}, {rows, depth});
    const TensorId flat = s.step(OpType::kFullyConnected, {table, s.constant({1, depth}, strides)}, {rows, 1});
    one_hot = one_hot_of(s, flat, rows, positions);
  }
  const TensorId matrix = s.step(OpType::kReshape, {context.input_tensor(node, 0)}, {positions, width});
  const TensorId gathered = s.step(OpType::kBatchMatMul, {one_hot, matrix}, {rows, width});
  s.finish(OpType::kReshape, {gathered}, out);
}

// GatherV2(params, indices, axis), batch_dims 0: params' `axis` moved first
// and flattened with the rest into a matrix, the one-hot rows times it, and
// the result's axes put back.
void translate_gather(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 3);
  require(attr_int(node, "batch_dims", 0) == 0, ErrorCode::kUnsupportedModel, describe(node) + ": batch_dims is not supported");
  const Shape params = context.input(node, 0).shape;
  const Shape indices = context.input(node, 1).shape;
  const std::vector<int64_t> axis_value = context.constant_input(node, 2, "axis").to_ints(describe(node));
  require(axis_value.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": axis must be one value");
  const size_t axis = static_cast<size_t>(normalize_axis(axis_value[0], params.size(), describe(node)));
  const int64_t positions = params[axis], rows = element_count(indices);
  const int64_t width = element_count(params) / std::max<int64_t>(positions, 1);
  require(rows * positions <= importer::kMaxTensorElements && positions < (int64_t{1} << 24),
          ErrorCode::kUnsupportedModel, describe(node) + ": too many positions to gather from");
  Steps s(context, node);
  TensorId matrix = context.input_tensor(node, 0);
  std::vector<int64_t> to_front{static_cast<int64_t>(axis)};
  Shape front{positions};
  for (size_t k = 0; k < params.size(); ++k)
    if (k != axis) to_front.push_back(static_cast<int64_t>(k)), front.push_back(params[k]);
  if (axis != 0) matrix = s.step(OpType::kTranspose, {matrix}, front, axes_attrs(to_front));
  matrix = s.step(OpType::kReshape, {matrix}, {positions, width});
  TensorId one_hot;
  if (const Value& v = context.input(node, 1); v.constant) {
    const std::vector<float> values = float_values(*v.constant);
    std::vector<int64_t> flat;
    for (float value : values) {
      int64_t i = static_cast<int64_t>(value);
      if (i < 0) i += positions;  // counted from the end
      require(i >= 0 && i < positions, ErrorCode::kInvalidModel, describe(node) + ": index out of range");
      flat.push_back(i);
    }
    one_hot = one_hot_constant(s, flat, positions);
  } else {
    one_hot = one_hot_of(s, s.step(OpType::kReshape, {context.input_tensor(node, 1)}, {rows, 1}), rows, positions);
  }
  const TensorId gathered = s.step(OpType::kBatchMatMul, {one_hot, matrix}, {rows, width});
  // [indices..., params without axis...] -> params[:axis] + indices + params[axis+1:]
  Shape stacked(indices.begin(), indices.end());
  for (size_t k = 0; k < params.size(); ++k)
    if (k != axis) stacked.push_back(params[k]);
  Shape out(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(axis));
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), params.begin() + static_cast<std::ptrdiff_t>(axis) + 1, params.end());
  if (axis == 0) return s.finish(OpType::kReshape, {gathered}, out);
  const TensorId unflat = s.step(OpType::kReshape, {gathered}, stacked);
  std::vector<int64_t> back;  // output dim -> stacked dim
  const int64_t n_indices = static_cast<int64_t>(indices.size());
  for (int64_t k = 0; k < static_cast<int64_t>(axis); ++k) back.push_back(n_indices + k);
  for (int64_t k = 0; k < n_indices; ++k) back.push_back(k);
  for (int64_t k = static_cast<int64_t>(axis); k + 1 < static_cast<int64_t>(params.size()); ++k)
    back.push_back(n_indices + k);
  s.finish(OpType::kTranspose, {unflat}, out, axes_attrs(back));
}

void translate_comparison(ImportContext& context, const TfNode& node) {
  const std::string& op = node.op;
  if (op == "Select" || op == "SelectV2") {
    context.require_inputs(node, 3);
    Shape shape = broadcast_shapes(context.input(node, 0).shape, context.input(node, 1).shape, describe(node));
    shape = broadcast_shapes(shape, context.input(node, 2).shape, describe(node));
    Steps s(context, node);
    const TensorId c = operand(context, node, 0);
    const TensorId chosen = s.step(OpType::kMul, {c, operand(context, node, 1)}, shape);
    const TensorId other = s.step(OpType::kMul, {s.step(OpType::kSub, {s.scalar(1.f), c}, context.input(node, 0).shape),
                                                 operand(context, node, 2)}, shape);
    return s.finish(OpType::kAdd, {chosen, other}, shape);
  }
  context.require_inputs(node, 2);
  const Shape shape = broadcast_shapes(context.input(node, 0).shape, context.input(node, 1).shape, describe(node));
  Steps s(context, node);
  const TensorId a = operand(context, node, 0), b = operand(context, node, 1);
  if (op == "LogicalAnd") return s.finish(OpType::kMul, {a, b}, shape);
  const bool swap = op == "Less" || op == "GreaterEqual";
  const TensorId sign = s.step(OpType::kSign, {s.step(OpType::kSub, {swap ? b : a, swap ? a : b}, shape)}, shape);
  if (op == "Equal") return s.finish(OpType::kSub, {s.scalar(1.f), s.step(OpType::kAbs, {sign}, shape)}, shape);
  if (op == "NotEqual") return s.finish(OpType::kAbs, {sign}, shape);
  // Greater (a - b > 0), Less (b - a > 0); GreaterEqual and LessEqual are 1 minus those.
  const bool complement = op == "GreaterEqual" || op == "LessEqual";
  if (!complement) return s.finish(OpType::kClamp, {sign}, shape, clamp_attrs(0.f, INFINITY));
  const TensorId strict = s.step(OpType::kClamp, {sign}, shape, clamp_attrs(0.f, INFINITY));
  s.finish(OpType::kSub, {s.scalar(1.f), strict}, shape);
}

void translate_integer_cast(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 1);
  const Shape shape = context.input(node, 0).shape;
  Steps s(context, node);
  const TensorId x = context.input_tensor(node, 0);
  const TensorId sign = s.step(OpType::kSign, {x}, shape);
  const AttrValue* target = find_attr(node, "DstT");
  if (target != nullptr && target->s == "DT_BOOL") return s.finish(OpType::kAbs, {sign}, shape);
  s.finish(OpType::kMul, {sign, s.step(OpType::kFloor, {s.step(OpType::kAbs, {x}, shape)}, shape)}, shape);
}

}  // namespace tfjs
}  // namespace garden
