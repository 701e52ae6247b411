// Import-time evaluation of ONNX nodes whose inputs are all known: shape
// subgraphs (Shape -> Gather -> Unsqueeze -> Concat -> Reshape ...) and
// arithmetic on constants. Their results become constants, so none of these
// ops reaches the graph.
#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "import/common/folding.h"
#include "import/onnx/onnx_import_context.h"
#include "import/onnx/onnx_shapes.h"

namespace garden {
namespace onnx {
namespace {

using importer::box_offsets;
using importer::broadcast_offsets;
using importer::gather_elements;
using importer::join_constants;
using importer::permute_constant;
using importer::with_shape;

using Folder = Constant (*)(ImportContext&, const Node&);

void require_no_overflow(bool overflow, const Node& node) {
  require(!overflow, ErrorCode::kInvalidModel, describe(node) + ": integer overflow while folding");
}

// Min, Max, the comparisons and the logic ops, alike on integers and floats
// (comparisons and logic give 0 or 1); nothing for any other op.
template <typename T>
std::optional<T> order_or_logic(const std::string& op, T a, T b) {
  if (op == "Min") return std::min(a, b);
  if (op == "Max") return std::max(a, b);
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "LessOrEqual") return a <= b;
  if (op == "GreaterOrEqual") return a >= b;
  if (op == "And") return (a != 0) && (b != 0);
  if (op == "Or") return (a != 0) || (b != 0);
  return std::nullopt;
}

int64_t int_binary(const std::string& op, int64_t a, int64_t b, const Node& node) {
  int64_t r = 0;
  if (op == "Add") {
    require_no_overflow(__builtin_add_overflow(a, b, &r), node);
    return r;
  }
  if (op == "Sub") {
    require_no_overflow(__builtin_sub_overflow(a, b, &r), node);
    return r;
  }
  if (op == "Mul") {
    require_no_overflow(__builtin_mul_overflow(a, b, &r), node);
    return r;
  }
  if (op == "Div" || op == "Mod") {
    require(b != 0, ErrorCode::kInvalidModel, describe(node) + ": integer division by zero");
    require(!(a == INT64_MIN && b == -1), ErrorCode::kInvalidModel, describe(node) + ": integer overflow");
    if (op == "Div") return a / b;
    int64_t m = a % b;  // ONNX Mod (fmod=0) takes the sign of the divisor
    return (m != 0 && ((m < 0) != (b < 0))) ? m + b : m;
  }
  if (std::optional<int64_t> ordered = order_or_logic(op, a, b)) return *ordered;
  fail(ErrorCode::kUnsupportedOp, describe(node) + ": cannot fold on integers");
}

bool is_comparison(const std::string& op) {
  return op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" || op == "GreaterOrEqual" ||
         op == "And" || op == "Or";
}

double float_binary(const std::string& op, double a, double b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Pow") return std::pow(a, b);
  if (op == "Mod") return std::fmod(a, b);
  return order_or_logic(op, a, b).value_or(0.0);  // the folders table admits no other op
}

Constant fold_binary(ImportContext& context, const Node& node) {
  require(node.inputs.size() == 2, ErrorCode::kInvalidModel, describe(node) + " needs 2 inputs");
  const Constant& a = context.constant_input(node, 0);
  const Constant& b = context.constant_input(node, 1);
  Shape shape = broadcast_shapes(a.shape, b.shape, describe(node));
  checked_folded_count(shape, describe(node));
  std::vector<size_t> ia = broadcast_offsets(shape, a.shape), ib = broadcast_offsets(shape, b.shape);
  const std::string& op = node.op_type;
  if (!a.is_float() && !b.is_float()) {
    std::vector<int64_t> out(ia.size());
    for (size_t n = 0; n < out.size(); ++n) out[n] = int_binary(op, a.i[ia[n]], b.i[ib[n]], node);
    return Constant::ints(shape, std::move(out));
  }
  if (is_comparison(op)) {
    std::vector<int64_t> out(ia.size());
    for (size_t n = 0; n < out.size(); ++n) out[n] = float_binary(op, a.as_double(ia[n]), b.as_double(ib[n])) != 0;
    return Constant::ints(shape, std::move(out));
  }
  require(op != "And" && op != "Or", ErrorCode::kInvalidModel, describe(node) + ": logic op on floats");
  std::vector<float> out(ia.size());
  for (size_t n = 0; n < out.size(); ++n)
    out[n] = static_cast<float>(float_binary(op, a.as_double(ia[n]), b.as_double(ib[n])));
  return Constant::floats(shape, std::move(out));
}

Constant fold_where(ImportContext& context, const Node& node) {
  const Constant& c = context.constant_input(node, 0);
  const Constant& x = context.constant_input(node, 1);
  const Constant& y = context.constant_input(node, 2);
  Shape shape = broadcast_shapes(broadcast_shapes(c.shape, x.shape, describe(node)), y.shape, describe(node));
  checked_folded_count(shape, describe(node));
  std::vector<size_t> ic = broadcast_offsets(shape, c.shape), ix = broadcast_offsets(shape, x.shape),
                      iy = broadcast_offsets(shape, y.shape);
  if (!x.is_float() && !y.is_float()) {
    std::vector<int64_t> out(ic.size());
    for (size_t n = 0; n < out.size(); ++n) out[n] = c.as_double(ic[n]) != 0 ? x.i[ix[n]] : y.i[iy[n]];
    return Constant::ints(shape, std::move(out));
  }
  std::vector<float> out(ic.size());
  for (size_t n = 0; n < out.size(); ++n)
    out[n] = static_cast<float>(c.as_double(ic[n]) != 0 ? x.as_double(ix[n]) : y.as_double(iy[n]));
  return Constant::floats(shape, std::move(out));
}

Constant fold_unary(ImportContext& context, const Node& node) {
  const Constant& x = context.constant_input(node, 0);
  const std::string& op = node.op_type;
  if (!x.is_float()) {
    std::vector<int64_t> out(x.i);
    for (int64_t& v : out) {
      if (op == "Not") { v = v == 0; continue; }
      if (op == "Floor" || op == "Ceil" || op == "Identity") continue;
      require(v != INT64_MIN, ErrorCode::kInvalidModel, describe(node) + ": integer overflow");
      if (op == "Neg") v = -v;
      else if (op == "Abs") v = v < 0 ? -v : v;
      else if (op == "Relu") v = std::max<int64_t>(v, 0);
      else fail(ErrorCode::kUnsupportedOp, describe(node) + ": cannot fold on integers");
    }
    return Constant::ints(x.shape, std::move(out));
  }
  std::vector<float> out(x.f);
  for (float& v : out) {
    if (op == "Floor") v = std::floor(v);
    else if (op == "Ceil") v = std::ceil(v);
    else if (op == "Neg") v = -v;
    else if (op == "Abs") v = std::fabs(v);
    else if (op == "Sqrt") v = std::sqrt(v);
    else if (op == "Relu") v = std::max(v, 0.f);
    else if (op == "Sigmoid") v = 1.f / (1.f + std::exp(-v));
    else if (op == "Exp") v = std::exp(v);
    else if (op == "Reciprocal") v = 1.f / v;
    else if (op == "Round") v = std::nearbyint(v);
    else if (op == "Not") v = v == 0.f;
  }
  return Constant::floats(x.shape, std::move(out));
}

bool is_float_type(int64_t type) { return type == kFloat || type == kFloat16 || type == kDouble; }

Constant fold_cast(ImportContext& context, const Node& node) {
  const Constant& x = context.constant_input(node, 0);
  int64_t to = NodeAttributes(node).get_int("to", kFloat);
  if (is_float_type(to)) {
    std::vector<float> out(x.size());
    for (size_t n = 0; n < out.size(); ++n) out[n] = static_cast<float>(x.as_double(n));
    return Constant::floats(x.shape, std::move(out));
  }
  require(to != kString && to != kUndefined, ErrorCode::kUnsupportedModel, describe(node) + ": cast to string");
  std::vector<int64_t> out(x.size());
  for (size_t n = 0; n < out.size(); ++n)
    out[n] = to == kBool ? (x.as_double(n) != 0) : x.as_int(n, describe(node));
  return Constant::ints(x.shape, std::move(out));
}

Constant fold_reshape(ImportContext& context, const Node& node) {
  const Constant& x = context.constant_input(node, 0);
  const std::string& op = node.op_type;
  NodeAttributes attrs(node);
  if (op == "Reshape") {
    std::vector<int64_t> target = context.constant_input(node, 1).to_ints(describe(node) + " shape");
    return with_shape(x, reshape_shape(node, x.shape, target, attrs.get_int("allowzero", 0) != 0));
  }
  if (op == "Flatten") return with_shape(x, flatten_shape(node, x.shape, attrs.get_int("axis", 1)));
  if (op == "Squeeze") return with_shape(x, squeeze_shape(node, x.shape, squeeze_axes(context, node)));
  if (op == "Unsqueeze") return with_shape(x, unsqueeze_shape(node, x.shape, squeeze_axes(context, node)));
  return x;  // Identity, Dropout
}

Constant fold_shape(ImportContext& context, const Node& node) {
  const Shape& shape = context.input(node, 0).shape;
  if (node.op_type == "Size") return Constant::ints({}, {checked_element_count(shape, describe(node))});
  int64_t rank = static_cast<int64_t>(shape.size());
  NodeAttributes attrs(node);
  auto clamp_index = [rank](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
  int64_t start = clamp_index(attrs.get_int("start", 0));
  int64_t end = clamp_index(attrs.get_int("end", rank));
  std::vector<int64_t> dims;
  for (int64_t k = start; k < end; ++k) dims.push_back(shape[static_cast<size_t>(k)]);
  Shape shape_of_dims{static_cast<int64_t>(dims.size())};
  return Constant::ints(std::move(shape_of_dims), std::move(dims));
}

Constant fold_slice(ImportContext& context, const Node& node) {
  const Constant& x = context.constant_input(node, 0);
  std::vector<SliceAxis> ranges = slice_ranges(context, node, x.shape);
  Shape shape;
  for (const SliceAxis& r : ranges) shape.push_back(r.count);
  return gather_elements(x, shape, box_offsets(x.shape, ranges));
}

Constant fold_gather(ImportContext& context, const Node& node) {
  const Constant& data = context.constant_input(node, 0);
  const Constant& indices = context.constant_input(node, 1);
  require(!data.shape.empty(), ErrorCode::kInvalidModel, describe(node) + ": gathers from a scalar");
  const int64_t axis_attribute = NodeAttributes(node).get_int("axis", 0);
  size_t axis = static_cast<size_t>(normalize_axis(axis_attribute, data.shape.size(), describe(node)));
  Shape shape(data.shape.begin(), data.shape.begin() + static_cast<int64_t>(axis));
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), data.shape.begin() + static_cast<int64_t>(axis) + 1, data.shape.end());
  require(shape.size() <= 8, ErrorCode::kLimitExceeded, describe(node) + ": result rank above 8");
  checked_folded_count(shape, describe(node));
  int64_t outer = element_count(Shape(data.shape.begin(), data.shape.begin() + static_cast<int64_t>(axis)));
  int64_t inner = element_count(Shape(data.shape.begin() + static_cast<int64_t>(axis) + 1, data.shape.end()));
  int64_t dim = data.shape[axis];
  std::vector<int64_t> picks = indices.to_ints(describe(node) + " indices");
  for (int64_t& p : picks) {
    require(p >= -dim && p < dim, ErrorCode::kInvalidModel,
            describe(node) + ": index " + std::to_string(p) + " out of range for dimension " + std::to_string(dim));
    if (p < 0) p += dim;
  }
  std::vector<size_t> offsets;
  offsets.reserve(static_cast<size_t>(element_count(shape)));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t p : picks)
      for (int64_t i = 0; i < inner; ++i) offsets.push_back(static_cast<size_t>((o * dim + p) * inner + i));
  return gather_elements(data, shape, offsets);
}

Constant fold_concat(ImportContext& context, const Node& node) {
  std::vector<const Constant*> parts;
  std::vector<Shape> shapes;
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    parts.push_back(&context.constant_input(node, k));
    shapes.push_back(parts.back()->shape);
  }
  int64_t axis = NodeAttributes(node).get_int("axis", 0);
  Shape shape = concat_shape(node, shapes, axis);
  checked_folded_count(shape, describe(node));
  size_t a = static_cast<size_t>(normalize_axis(axis, shape.size(), describe(node)));
  return join_constants(parts, a, shape);
}

Constant fold_transpose(ImportContext& context, const Node& node) {
  const Constant& x = context.constant_input(node, 0);
  return permute_constant(x, transpose_permutation(node, x.shape.size()));
}

Constant fold_range(ImportContext& context, const Node& node) {
  const Constant& start = context.constant_input(node, 0);
  const Constant& limit = context.constant_input(node, 1);
  const Constant& delta = context.constant_input(node, 2);
  require(start.size() == 1 && limit.size() == 1 && delta.size() == 1, ErrorCode::kInvalidModel,
          describe(node) + ": start, limit and delta must be scalars");
  double s = start.as_double(0), l = limit.as_double(0), d = delta.as_double(0);
  require(d != 0 && std::isfinite(s) && std::isfinite(l) && std::isfinite(d), ErrorCode::kInvalidModel,
          describe(node) + ": invalid range");
  double count = std::max(std::ceil((l - s) / d), 0.0);
  require(count <= static_cast<double>(kMaxFoldedElements), ErrorCode::kLimitExceeded, describe(node) + ": range too long");
  size_t n = static_cast<size_t>(count);
  if (start.is_float() || limit.is_float() || delta.is_float()) {
    std::vector<float> out(n);
    for (size_t k = 0; k < n; ++k) out[k] = static_cast<float>(s + static_cast<double>(k) * d);
    return Constant::floats({static_cast<int64_t>(n)}, std::move(out));
  }
  std::vector<int64_t> out(n);
  for (size_t k = 0; k < n; ++k) {
    int64_t step = 0;
    require_no_overflow(__builtin_mul_overflow(static_cast<int64_t>(k), delta.i[0], &step) ||
                            __builtin_add_overflow(start.i[0], step, &out[k]),
                        node);
  }
  return Constant::ints({static_cast<int64_t>(n)}, std::move(out));
}

Constant fold_constant_of_shape(ImportContext& context, const Node& node) {
  Shape shape = context.constant_input(node, 0).to_ints(describe(node) + " shape");
  require(shape.size() <= 8, ErrorCode::kLimitExceeded, describe(node) + ": rank above 8");
  size_t count = static_cast<size_t>(checked_folded_count(shape, describe(node)));
  const TensorProto* proto = NodeAttributes(node).get_tensor("value");
  if (proto == nullptr) return Constant::floats(shape, std::vector<float>(count, 0.f));
  Constant value = constant_from_proto(*proto, describe(node) + " value");
  require(value.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": value must hold one element");
  if (value.is_float()) return Constant::floats(shape, std::vector<float>(count, value.f[0]));
  return Constant::ints(shape, std::vector<int64_t>(count, value.i[0]));
}

Constant fold_expand(ImportContext& context, const Node& node) {
  const Constant& x = context.constant_input(node, 0);
  Shape target = context.constant_input(node, 1).to_ints(describe(node) + " shape");
  Shape shape = broadcast_shapes(x.shape, target, describe(node));
  checked_folded_count(shape, describe(node));
  return gather_elements(x, shape, broadcast_offsets(shape, x.shape));
}

Constant constant_from_attributes(const Node& node) {
  NodeAttributes attrs(node);
  if (const TensorProto* proto = attrs.get_tensor("value")) return constant_from_proto(*proto, describe(node));
  if (attrs.has("value_float")) return Constant::floats({}, {attrs.get_float("value_float", 0.f)});
  if (attrs.has("value_floats")) {
    std::vector<float> v = attrs.get_floats("value_floats");
    return Constant::floats({static_cast<int64_t>(v.size())}, v);
  }
  if (attrs.has("value_int")) return Constant::ints({}, {attrs.get_int("value_int", 0)});
  if (attrs.has("value_ints")) {
    std::vector<int64_t> v = attrs.get_ints("value_ints");
    return Constant::ints({static_cast<int64_t>(v.size())}, v);
  }
  fail(ErrorCode::kUnsupportedModel, describe(node) + " has no supported value attribute");
}

const std::unordered_map<std::string, Folder>& folders() {
  static const std::unordered_map<std::string, Folder> table = {
      {"Add", fold_binary}, {"Sub", fold_binary}, {"Mul", fold_binary}, {"Div", fold_binary},
      {"Pow", fold_binary}, {"Min", fold_binary}, {"Max", fold_binary}, {"Mod", fold_binary},
      {"Equal", fold_binary}, {"Less", fold_binary}, {"Greater", fold_binary},
      {"LessOrEqual", fold_binary}, {"GreaterOrEqual", fold_binary}, {"And", fold_binary},
      {"Or", fold_binary}, {"Where", fold_where},
      {"Floor", fold_unary}, {"Ceil", fold_unary}, {"Neg", fold_unary}, {"Abs", fold_unary},
      {"Sqrt", fold_unary}, {"Relu", fold_unary}, {"Sigmoid", fold_unary}, {"Exp", fold_unary},
      {"Reciprocal", fold_unary}, {"Round", fold_unary}, {"Not", fold_unary},
      {"Cast", fold_cast}, {"Reshape", fold_reshape}, {"Flatten", fold_reshape},
      {"Squeeze", fold_reshape}, {"Unsqueeze", fold_reshape}, {"Identity", fold_reshape},
      {"Dropout", fold_reshape}, {"Slice", fold_slice}, {"Gather", fold_gather},
      {"Concat", fold_concat}, {"Transpose", fold_transpose}, {"Range", fold_range},
      {"ConstantOfShape", fold_constant_of_shape}, {"Expand", fold_expand},
  };
  return table;
}

bool all_inputs_constant(const ImportContext& context, const Node& node) {
  for (size_t k = 0; k < node.inputs.size(); ++k)
    if (context.has_input(node, k) && !context.input(node, k).constant) return false;
  return !node.inputs.empty();
}

}  // namespace

bool folds(const std::string& op) {
  return op == "Constant" || op == "Shape" || op == "Size" || folders().count(op) != 0;
}

bool try_fold(ImportContext& context, const Node& node) {
  const std::string& op = node.op_type;
  if (op == "Constant") {
    context.set_constant(context.output_name(node), constant_from_attributes(node));
    return true;
  }
  if (op == "Shape" || op == "Size") {
    context.set_constant(context.output_name(node), fold_shape(context, node));
    return true;
  }
  auto it = folders().find(op);
  if (it == folders().end() || !all_inputs_constant(context, node)) return false;
  Constant folded = it->second(context, node);
  context.charge_folded_elements(static_cast<int64_t>(folded.size()), describe(node));
  context.set_constant(context.output_name(node), std::move(folded));
  return true;
}

}  // namespace onnx
}  // namespace garden
