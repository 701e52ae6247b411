// Import-time evaluation of TensorFlow ops whose inputs are all known (the
// shape arithmetic converters leave in graphs: Shape -> StridedSlice -> Pack ->
// Reshape), and the shape rules those ops share with translation. Folding
// spends the budget the ONNX importer spends too (graph/folding_budget.h):
// each result's size is checked before it is allocated.
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "import/tfjs/tfjs_translators.h"

namespace garden {
namespace tfjs {
namespace {

using importer::box_offsets;
using importer::broadcast_offsets;
using importer::gather_elements;
using importer::join_constants;
using importer::with_shape;

int64_t count_of(const Shape& shape, const TfNode& node) {
  return importer::checked_element_count(shape, describe(node));
}

// The element count of a result about to be folded, within the per-result budget.
int64_t folded_count_of(const Shape& shape, const TfNode& node) {
  return checked_folded_count(shape, describe(node));
}

// Element-wise on two constants with broadcasting; ints stay ints except for RealDiv.
Constant fold_binary(const TfNode& node, const Constant& a, const Constant& b) {
  const Shape out = broadcast_shapes(a.shape, b.shape, describe(node));
  folded_count_of(out, node);
  const std::vector<size_t> ia = broadcast_offsets(out, a.shape), ib = broadcast_offsets(out, b.shape);
  const std::string& op = node.op;
  const bool ints = !a.is_float() && !b.is_float() && op != "RealDiv";
  auto apply = [&](double x, double y) -> double {
    if (op == "Sub") return x - y;
    if (op == "Mul") return x * y;
    if (op == "RealDiv") return x / y;
    if (op == "FloorDiv") return y == 0 ? 0 : std::floor(x / y);
    if (op == "Maximum") return std::max(x, y);
    if (op == "Minimum") return std::min(x, y);
    return x + y;  // Add, AddV2, BiasAdd
  };
  std::vector<double> values(ia.size());
  for (size_t k = 0; k < values.size(); ++k) values[k] = apply(a.as_double(ia[k]), b.as_double(ib[k]));
  if (ints) return Constant::ints(out, std::vector<int64_t>(values.begin(), values.end()));
  return Constant::floats(out, std::vector<float>(values.begin(), values.end()));
}

Constant fold_pack(const ImportContext& context, const TfNode& node) {
  std::vector<const Constant*> parts;
  for (size_t k = 0; k < context.input_count(node); ++k) parts.push_back(&context.input(node, k).constant.value());
  require(!parts.empty(), ErrorCode::kInvalidModel, describe(node) + " has no inputs");
  for (const Constant* p : parts)
    require(p->shape == parts[0]->shape && p->is_float() == parts[0]->is_float(), ErrorCode::kInvalidModel,
            describe(node) + ": inputs differ in shape or type");
  Shape out = parts[0]->shape;
  const int64_t axis = normalize_axis(attr_int(node, "axis", 0), out.size() + 1, describe(node));
  out.insert(out.begin() + axis, static_cast<int64_t>(parts.size()));
  folded_count_of(out, node);
  return join_constants(parts, static_cast<size_t>(axis), out);
}

Constant fold_concat(const ImportContext& context, const TfNode& node) {
  const size_t count = context.input_count(node);
  const std::vector<int64_t> axis_values = context.input(node, count - 1).constant->to_ints(describe(node));
  require(axis_values.size() == 1 && count >= 2, ErrorCode::kInvalidModel, describe(node) + ": bad axis");
  std::vector<Shape> shapes;
  for (size_t k = 0; k + 1 < count; ++k) shapes.push_back(context.input(node, k).shape);
  const int64_t axis = normalize_axis(axis_values[0], shapes[0].size(), describe(node));
  const Shape out = concat_target(node, shapes, axis);
  folded_count_of(out, node);
  std::vector<const Constant*> parts;
  for (size_t k = 0; k + 1 < count; ++k) parts.push_back(&*context.input(node, k).constant);
  for (const Constant* p : parts)
    require(p->is_float() == parts[0]->is_float(), ErrorCode::kInvalidModel,
            describe(node) + ": inputs differ in type");
  return join_constants(parts, static_cast<size_t>(axis), out);
}

Constant fold_strided_slice(const ImportContext& context, const TfNode& node) {
  const Constant& x = *context.input(node, 0).constant;
  const StridedSlice slice = strided_slice(context, node, x.shape);
  folded_count_of(slice.out, node);
  return gather_elements(x, slice.out, box_offsets(x.shape, slice.ranges));
}

Constant fold_cast(const TfNode& node, const Constant& x) {
  const AttrValue* type = find_attr(node, "DstT");
  const std::string dst = type ? type->s : "DT_FLOAT";
  if (dst == "DT_FLOAT" || dst == "DT_HALF" || dst == "DT_DOUBLE") {  // TF.js computes float64 as float32
    std::vector<float> values(x.size());
    for (size_t k = 0; k < values.size(); ++k) values[k] = static_cast<float>(x.as_double(k));
    return Constant::floats(x.shape, std::move(values));
  }
  require(dst == "DT_INT32" || dst == "DT_INT64" || dst == "DT_BOOL", ErrorCode::kUnsupportedModel,
          describe(node) + ": cast to " + dst + " is not supported");
  std::vector<int64_t> values(x.size());
  for (size_t k = 0; k < values.size(); ++k)
    values[k] = dst == "DT_BOOL" ? x.as_double(k) != 0 : static_cast<int64_t>(std::trunc(x.as_double(k)));
  return Constant::ints(x.shape, std::move(values));
}

// SparseToDense(indices [N] or [N, rank], output_shape [rank], values [N] or
// a scalar, default scalar): a dense tensor of `default` with the listed
// elements set (converters emit it for shape arithmetic).
Constant fold_sparse_to_dense(const ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 4);
  const std::string what = describe(node);
  const Constant& indices = *context.input(node, 0).constant;
  const std::vector<int64_t> shape = context.input(node, 1).constant->to_ints(what + " output_shape");
  const Constant& values = *context.input(node, 2).constant;
  const Constant& fallback = *context.input(node, 3).constant;
  require(fallback.size() == 1, ErrorCode::kInvalidModel, what + ": default_value must be a scalar");
  const Shape out(shape.begin(), shape.end());
  const int64_t total = count_of(out, node);
  const size_t rank = out.size();
  const size_t count = indices.shape.size() <= 1 ? indices.size() : static_cast<size_t>(indices.shape[0]);
  require(indices.size() == count * std::max<size_t>(rank, 1) && (values.size() == 1 || values.size() == count),
          ErrorCode::kInvalidModel, what + ": indices and values do not match");
  std::vector<double> dense(static_cast<size_t>(total), fallback.as_double(0));
  for (size_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d) {
      const int64_t i = static_cast<int64_t>(indices.as_double(n * rank + d));
      require(i >= 0 && i < out[d], ErrorCode::kInvalidModel, what + ": index out of range");
      offset = offset * out[d] + i;
    }
    dense[static_cast<size_t>(offset)] = values.as_double(values.size() == 1 ? 0 : n);
  }
  if (values.is_float()) return Constant::floats(out, std::vector<float>(dense.begin(), dense.end()));
  return Constant::ints(out, std::vector<int64_t>(dense.begin(), dense.end()));
}

// Range(start, limit, delta): whole numbers or floats as the inputs are.
Constant fold_range(const ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 3);
  double v[3];
  for (size_t k = 0; k < 3; ++k) {
    const Constant& c = *context.input(node, k).constant;
    require(c.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": start, limit and delta must be scalars");
    v[k] = c.as_double(0);
  }
  require(v[2] != 0 && std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]), ErrorCode::kInvalidModel,
          describe(node) + ": delta must be a non-zero finite number");
  const double span = std::ceil((v[1] - v[0]) / v[2]);
  const int64_t count = span > 0 ? static_cast<int64_t>(std::min(span, 1e12)) : 0;
  folded_count_of({count}, node);
  const bool floats = context.input(node, 0).constant->is_float();
  std::vector<double> values(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = v[0] + static_cast<double>(i) * v[2];
  if (floats) return Constant::floats({count}, std::vector<float>(values.begin(), values.end()));
  return Constant::ints({count}, std::vector<int64_t>(values.begin(), values.end()));
}

// Fill(dims, value); ZerosLike / OnesLike(x).
Constant fold_fill(const ImportContext& context, const TfNode& node, const Shape& shape, const Constant& value) {
  require(value.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": the fill value must be a scalar");
  const int64_t count = folded_count_of(shape, node);
  if (value.is_float()) return Constant::floats(shape, std::vector<float>(static_cast<size_t>(count), value.f[0]));
  return Constant::ints(shape, std::vector<int64_t>(static_cast<size_t>(count), value.i[0]));
}

// Tile(x, multiples): x repeated along each axis.
// The elements of x (read as `source`, of x's size) repeated cyclically along
// each axis to fill `out`: Tile and BroadcastTo.
Constant repeat_elements(const TfNode& node, const Constant& x, const Shape& source, const Shape& out) {
  const int64_t count = folded_count_of(out, node);
  std::vector<size_t> offsets(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {  // the source element of each output element
    int64_t rest = i, offset = 0, stride = 1;
    for (size_t d = out.size(); d-- > 0;) {
      offset += (rest % out[d]) % source[d] * stride;
      rest /= out[d];
      stride *= source[d];
    }
    offsets[static_cast<size_t>(i)] = static_cast<size_t>(offset);
  }
  return gather_elements(x, out, offsets);
}

Constant fold_tile(const ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Constant& x = *context.input(node, 0).constant;
  const std::vector<int64_t> multiples = context.input(node, 1).constant->to_ints(describe(node));
  require(multiples.size() == x.shape.size(), ErrorCode::kInvalidModel, describe(node) + ": one multiple per axis");
  Shape out = x.shape;
  for (size_t d = 0; d < out.size(); ++d) {
    require(multiples[d] >= 0, ErrorCode::kInvalidModel, describe(node) + ": negative multiple");
    out[d] *= multiples[d];
  }
  return repeat_elements(node, x, x.shape, out);
}

// BroadcastTo(x, shape): x repeated along its size-1 and missing leading axes.
Constant fold_broadcast_to(const ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Constant& x = *context.input(node, 0).constant;
  const std::vector<int64_t> target = context.input(node, 1).constant->to_ints(describe(node));
  const Shape out(target.begin(), target.end());
  require(out.size() >= x.shape.size() && broadcast_shapes(x.shape, out, describe(node)) == out,
          ErrorCode::kInvalidModel, describe(node) + ": the input does not broadcast to the shape");
  Shape source(out.size() - x.shape.size(), 1);
  source.insert(source.end(), x.shape.begin(), x.shape.end());
  return repeat_elements(node, x, source, out);
}

bool all_inputs_constant(const ImportContext& context, const TfNode& node) {
  for (size_t k = 0; k < context.input_count(node); ++k)
    if (!context.is_constant(node, k)) return false;
  return context.input_count(node) > 0;
}

}  // namespace

Shape reshape_target(const TfNode& node, const Shape& input, const std::vector<int64_t>& target) {
  const int64_t total = count_of(input, node);
  Shape out(target.begin(), target.end());
  int64_t known = 1, inferred = -1;
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k] == -1) {
      require(inferred < 0, ErrorCode::kInvalidModel, describe(node) + ": more than one -1 in the shape");
      inferred = static_cast<int64_t>(k);
      continue;
    }
    require(out[k] >= 0, ErrorCode::kInvalidModel, describe(node) + ": negative dimension in the shape");
    known *= std::max<int64_t>(out[k], 1);
    require(known <= importer::kMaxTensorElements, ErrorCode::kInvalidModel, describe(node) + ": shape is too large");
  }
  if (inferred >= 0) {
    require(known > 0 && total % known == 0, ErrorCode::kInvalidModel, describe(node) + ": cannot infer the -1");
    out[static_cast<size_t>(inferred)] = total / known;
  }
  require(count_of(out, node) == total, ErrorCode::kInvalidModel,
          describe(node) + ": reshape changes the element count");
  return out;
}

Shape squeeze_target(const TfNode& node, const Shape& input) {
  std::vector<int64_t> axes = attr_ints(node, "squeeze_dims", {});
  for (int64_t& a : axes) a = normalize_axis(a, input.size(), describe(node));
  Shape out;
  for (size_t d = 0; d < input.size(); ++d) {
    const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (listed) require(input[d] == 1, ErrorCode::kInvalidModel, describe(node) + ": squeezed dim is not 1");
    if (listed || (axes.empty() && input[d] == 1)) continue;
    out.push_back(input[d]);
  }
  return out;
}

Shape expand_dims_target(const TfNode& node, const Shape& input, int64_t axis) {
  Shape out = input;
  out.insert(out.begin() + normalize_axis(axis, input.size() + 1, describe(node)), 1);
  return out;
}

Shape concat_target(const TfNode& node, const std::vector<Shape>& inputs, int64_t axis) {
  Shape out = inputs.at(0);
  for (size_t k = 1; k < inputs.size(); ++k) {
    require(inputs[k].size() == out.size(), ErrorCode::kInvalidModel, describe(node) + ": inputs differ in rank");
    for (size_t d = 0; d < out.size(); ++d) {
      if (static_cast<int64_t>(d) == axis) out[d] += inputs[k][d];
      else require(inputs[k][d] == out[d], ErrorCode::kInvalidModel, describe(node) + ": inputs differ in shape");
    }
  }
  return out;
}

StridedSlice strided_slice(const ImportContext& context, const TfNode& node, const Shape& input) {
  const std::string what = describe(node);
  const std::vector<int64_t> begin = context.constant_input(node, 1, "begin").to_ints(what);
  const std::vector<int64_t> end = context.constant_input(node, 2, "end").to_ints(what);
  const std::vector<int64_t> steps = context.constant_input(node, 3, "strides").to_ints(what);
  const int64_t ellipsis_mask = attr_int(node, "ellipsis_mask", 0);
  const int64_t begin_mask = attr_int(node, "begin_mask", 0), end_mask = attr_int(node, "end_mask", 0);
  const int64_t shrink_mask = attr_int(node, "shrink_axis_mask", 0), new_axis_mask = attr_int(node, "new_axis_mask", 0);
  // Spec entries that read an input dimension each; an ellipsis (TensorFlow
  // honours the first) stands for as many full dimensions as they leave.
  int64_t reading = 0, ellipses = 0;
  for (size_t s = 0; s < begin.size() && s < 63; ++s) {
    if ((ellipsis_mask >> s) & 1) ++ellipses;
    else if (!((new_axis_mask >> s) & 1)) ++reading;
  }
  require(ellipses <= 1, ErrorCode::kInvalidModel, what + ": more than one ellipsis");
  require(begin.size() == end.size() && begin.size() == steps.size() && reading <= static_cast<int64_t>(input.size()),
          ErrorCode::kInvalidModel, what + ": begin, end and strides differ in length or exceed the input's rank");
  StridedSlice slice;
  slice.ranges.resize(input.size());
  for (size_t d = 0; d < input.size(); ++d) slice.ranges[d].count = input[d];
  size_t d = 0;  // the input dimension spec entry s reads
  for (size_t s = 0; s < begin.size(); ++s) {
    if (s < 63 && ((ellipsis_mask >> s) & 1)) {  // the dimensions no other entry reads, whole
      for (size_t e = 0; e < input.size() - static_cast<size_t>(reading); ++e) slice.out.push_back(input[d++]);
      continue;
    }
    if ((new_axis_mask >> s) & 1) {  // a size-1 axis of the output, reading nothing
      slice.out.push_back(1);
      continue;
    }
    SliceAxis& r = slice.ranges[d];
    const int64_t dim = input[d++];
    const int64_t step = steps[s];
    require(step != 0, ErrorCode::kInvalidModel, what + ": stride 0");
    const auto clamp = [&](int64_t v) {
      if (v < 0) v += dim;
      return step > 0 ? std::min(std::max<int64_t>(v, 0), dim) : std::min(std::max<int64_t>(v, -1), dim - 1);
    };
    if ((shrink_mask >> s) & 1) {
      const int64_t at = begin[s] < 0 ? begin[s] + dim : begin[s];
      require(at >= 0 && at < dim, ErrorCode::kInvalidModel, what + ": index out of range");
      r.start = at, r.count = 1, r.shrink = true;
      continue;
    }
    const int64_t start = ((begin_mask >> s) & 1) ? (step > 0 ? 0 : dim - 1) : clamp(begin[s]);
    const int64_t stop = ((end_mask >> s) & 1) ? (step > 0 ? dim : -1) : clamp(end[s]);
    const int64_t span = step > 0 ? stop - start : start - stop;
    const int64_t magnitude = step > 0 ? step : -step;
    r.start = start;
    r.step = step;
    r.count = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
    slice.out.push_back(r.count);
  }
  for (; d < input.size(); ++d) slice.out.push_back(input[d]);
  return slice;
}

namespace {

bool is_binary_op(const std::string& op) {
  static const char* const kBinary[] = {"Add", "AddV2", "BiasAdd", "Sub", "Mul", "RealDiv", "FloorDiv", "Maximum", "Minimum"};
  for (const char* name : kBinary)
    if (op == name) return true;
  return false;
}

// The value of `node` computed from its constant inputs, or nothing when its
// op is not one folding evaluates.
std::optional<Constant> fold(const ImportContext& context, const TfNode& node) {
  const std::string& op = node.op;
  const Constant& x = *context.input(node, 0).constant;
  if (is_binary_op(op)) {
    context.require_inputs(node, 2);
    return fold_binary(node, x, *context.input(node, 1).constant);
  }
  if (op == "Identity" || op == "StopGradient" || op == "Snapshot") return x;
  if (op == "Cast") return fold_cast(node, x);
  if (op == "Reshape" && context.input_count(node) == 2) {
    const std::vector<int64_t> target = context.input(node, 1).constant->to_ints(describe(node));
    return with_shape(x, reshape_target(node, x.shape, target));
  }
  if (op == "Squeeze") return with_shape(x, squeeze_target(node, x.shape));
  if (op == "ExpandDims" && context.input_count(node) == 2) {
    const std::vector<int64_t> dim = context.input(node, 1).constant->to_ints(describe(node));
    require(dim.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": dim must be one value");
    return with_shape(x, expand_dims_target(node, x.shape, dim[0]));
  }
  if (op == "Pack") return fold_pack(context, node);
  if (op == "ConcatV2") return fold_concat(context, node);
  if (op == "StridedSlice" && context.input_count(node) == 4) return fold_strided_slice(context, node);
  if (op == "SparseToDense") return fold_sparse_to_dense(context, node);
  if (op == "Range") return fold_range(context, node);
  if (op == "Tile") return fold_tile(context, node);
  if (op == "BroadcastTo") return fold_broadcast_to(context, node);
  if (op == "Floor" || op == "Ceil") {  // shape arithmetic (padding to a multiple of a size)
    std::vector<float> values(x.size());
    for (size_t k = 0; k < values.size(); ++k)
      values[k] = static_cast<float>(op == "Floor" ? std::floor(x.as_double(k)) : std::ceil(x.as_double(k)));
    return Constant::floats(x.shape, std::move(values));
  }
  if (op == "Fill") {
    context.require_inputs(node, 2);
    const std::vector<int64_t> dims = x.to_ints(describe(node));
    return fold_fill(context, node, Shape(dims.begin(), dims.end()), *context.input(node, 1).constant);
  }
  return std::nullopt;
}

}  // namespace

bool folds(const std::string& op) {
  static const char* const kFolded[] = {"Shape",   "Identity",   "StopGradient", "Snapshot",     "Cast",
                                        "Reshape", "Squeeze",    "ExpandDims",   "Pack",         "ConcatV2",
                                        "StridedSlice", "SparseToDense", "Range", "Tile", "BroadcastTo", "Fill", "Size",
                                        "ZerosLike", "OnesLike", "Floor", "Ceil"};
  if (is_binary_op(op)) return true;
  for (const char* name : kFolded)
    if (op == name) return true;
  return false;
}

bool try_fold(ImportContext& context, const TfNode& node) {
  const std::string key = value_key(node.name, 0);
  if (node.op == "Shape" && context.input_count(node) == 1) {
    const Shape& x = context.input(node, 0).shape;
    context.set_constant(key, Constant::ints({static_cast<int64_t>(x.size())}, std::vector<int64_t>(x.begin(), x.end())));
    return true;
  }
  // Size, ZerosLike and OnesLike need only the (static) shape.
  if (node.op == "Size" && context.input_count(node) == 1) {
    context.set_constant(key, Constant::ints({}, {element_count(context.input(node, 0).shape)}));
    return true;
  }
  if ((node.op == "ZerosLike" || node.op == "OnesLike") && context.input_count(node) == 1) {
    const Value& x = context.input(node, 0);
    const float value = node.op == "OnesLike" ? 1.f : 0.f;
    const bool ints = x.constant && !x.constant->is_float();
    const Constant scalar = ints ? Constant::ints({}, {static_cast<int64_t>(value)}) : Constant::floats({}, {value});
    Constant filled = fold_fill(context, node, x.shape, scalar);
    context.charge_folded_elements(static_cast<int64_t>(filled.size()), describe(node));
    context.set_constant(key, std::move(filled));
    return true;
  }
  if (!all_inputs_constant(context, node)) return false;
  if (node.op == "Unpack") {  // of a shape: one constant per slice along `axis`
    const Constant& x = *context.input(node, 0).constant;
    const size_t axis = normalize_axis(attr_int(node, "axis", 0), x.shape.size(), describe(node));
    std::vector<SliceAxis> ranges(x.shape.size());
    Shape out;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      ranges[d].count = d == axis ? 1 : x.shape[d];
      ranges[d].shrink = d == axis;
      if (d != axis) out.push_back(x.shape[d]);
    }
    for (int64_t k = 0; k < x.shape[axis]; ++k) {
      ranges[axis].start = k;
      Constant slice = gather_elements(x, out, box_offsets(x.shape, ranges));
      context.charge_folded_elements(static_cast<int64_t>(slice.size()), describe(node));
      context.set_constant(value_key(node.name, static_cast<int>(k)), std::move(slice));
    }
    return true;
  }
  std::optional<Constant> folded = fold(context, node);
  if (!folded) return false;
  // Every result counts, copies too: a chain of Identity nodes on one large
  // weight would otherwise hold a copy per node.
  context.charge_folded_elements(static_cast<int64_t>(folded->size()), describe(node));
  context.set_constant(key, std::move(*folded));
  return true;
}

}  // namespace tfjs
}  // namespace garden
