// ONNX ops the graph has no single op for, each spelled with a few
// element-wise ops and reductions: the activations XNNPACK lacks (Softplus,
// Softsign, Selu, Celu, ThresholdedRelu, Shrink, Tan, Sinh, Cosh, Asinh,
// Acosh, Atanh, Erf; Atan, Asin and Acos through Atan2), LogSoftmax,
// GlobalMaxPool, LRN, InstanceNormalization and MeanVarianceNormalization. Where
// ONNX's own function body loses precision in float32, the spelling is the
// stable one (Softplus as relu(x) + log(1 + e^-|x|), LogSoftmax shifted by
// the maximum).
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "import/common/windows.h"
#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {
namespace {

// Emits the graph ops that compute one node's output: every step but the last
// writes an intermediate named after the output; the last writes the output.
class Chain {
 public:
  Chain(ImportContext& context, const Node& node)
      : context_(context), node_(node), name_(context.output_name(node)), shape_(context.input(node, 0).shape),
        x_(context.input_tensor(node, 0)) {}

  TensorId x() const { return x_; }
  const Shape& shape() const { return shape_; }

  TensorId constant(Shape shape, std::vector<float> values) {
    return context_.constant_tensor(name_ + "_c" + std::to_string(constants_++),
                                    Constant::floats(std::move(shape), std::move(values)));
  }
  TensorId scalar(float value) { return constant({1}, {value}); }

  // An intermediate of `shape` (the input's unless given).
  TensorId step(OpType op, std::vector<TensorId> inputs, Attributes attrs = {}, std::optional<Shape> shape = {}) {
    const TensorId out = context_.define_intermediate(name_ + "_" + std::to_string(steps_++), shape ? *shape : shape_);
    context_.emit(op, node_, std::move(inputs), {out}, std::move(attrs));
    return out;
  }
  // The node's output, of `shape` (the input's unless given).
  void finish(OpType op, std::vector<TensorId> inputs, Attributes attrs = {}, std::optional<Shape> shape = {}) {
    const TensorId out = context_.define_output(node_, shape ? *shape : shape_);
    context_.emit(op, node_, std::move(inputs), {out}, std::move(attrs));
  }

 private:
  ImportContext& context_;
  const Node& node_;
  std::string name_;
  Shape shape_;
  TensorId x_;
  int steps_ = 0, constants_ = 0;
};

Attributes clamp_below(float minimum) {
  Attributes a;
  a.activation_min = minimum;
  return a;
}

Attributes with_alpha(float alpha) {
  Attributes a;
  a.alpha = alpha;
  return a;
}

Attributes with_axes(std::vector<int64_t> axes) {
  Attributes a;
  a.ints = std::move(axes);
  return a;
}

// `shape` with the listed axes set to 1.
Shape reduced_shape(Shape shape, const std::vector<int64_t>& axes) {
  for (int64_t a : axes) shape[static_cast<size_t>(a)] = 1;
  return shape;
}

// 1 where x > 0, else 0: Sign clamped below at 0.
TensorId positive_mask(Chain& c, TensorId x) {
  return c.step(OpType::kClamp, {c.step(OpType::kSign, {x})}, clamp_below(0.f));
}

// The spatial axes of an [N, C, ...] activation; kUnsupportedModel below rank 3.
std::vector<int64_t> spatial_axes(const Node& node, const Shape& x) {
  require(x.size() >= 3, ErrorCode::kUnsupportedModel, describe(node) + ": input must be [N, C, spatial...]");
  std::vector<int64_t> axes;
  for (size_t k = 2; k < x.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  return axes;
}

// x - mean and sqrt(mean((x - mean)^2) + epsilon_inside) + epsilon_outside
// over `axes`: the quotient both normalizations start from.
struct Normalization {
  TensorId centered, spread;
};

Normalization normalization(Chain& c, const std::vector<int64_t>& axes, float epsilon_inside, float epsilon_outside) {
  const Shape kept = reduced_shape(c.shape(), axes);
  const TensorId mean = c.step(OpType::kMean, {c.x()}, with_axes(axes), kept);
  const TensorId centered = c.step(OpType::kSub, {c.x(), mean});
  const TensorId squares = c.step(OpType::kMul, {centered, centered});
  TensorId spread = c.step(OpType::kMean, {squares}, with_axes(axes), kept);
  if (epsilon_inside != 0.f) spread = c.step(OpType::kAdd, {spread, c.scalar(epsilon_inside)}, {}, kept);
  spread = c.step(OpType::kSqrt, {spread}, {}, kept);
  if (epsilon_outside != 0.f) spread = c.step(OpType::kAdd, {spread, c.scalar(epsilon_outside)}, {}, kept);
  return {centered, spread};
}

}  // namespace

// x - max - log(sum(e^(x - max))) over the axis; the sum is the mean times
// the count, so its log is log(mean) + log(count).
void translate_log_softmax(ImportContext& context, const Node& node) {
  const int64_t axis = softmax_axis(context, node);
  Chain c(context, node);
  const Shape kept = reduced_shape(c.shape(), {axis});
  const TensorId max = c.step(OpType::kReduceMax, {c.x()}, with_axes({axis}), kept);
  const TensorId shifted = c.step(OpType::kSub, {c.x(), max});
  const TensorId mean = c.step(OpType::kMean, {c.step(OpType::kExp, {shifted})}, with_axes({axis}), kept);
  const float log_count = std::log(static_cast<float>(c.shape()[static_cast<size_t>(axis)]));
  const TensorId log_sum = c.step(OpType::kAdd, {c.step(OpType::kLog, {mean}, {}, kept), c.scalar(log_count)}, {}, kept);
  c.finish(OpType::kSub, {shifted, log_sum});
}

void translate_activation_chain(ImportContext& context, const Node& node) {
  const std::string& op = node.op_type;
  const NodeAttributes attrs(node);
  Chain c(context, node);
  const TensorId x = c.x();
  if (op == "Softplus") {  // relu(x) + log(1 + e^-|x|)
    const TensorId tail = c.step(OpType::kExp, {c.step(OpType::kNeg, {c.step(OpType::kAbs, {x})})});
    const TensorId log = c.step(OpType::kLog, {c.step(OpType::kAdd, {tail, c.scalar(1.f)})});
    return c.finish(OpType::kAdd, {c.step(OpType::kClamp, {x}, clamp_below(0.f)), log});
  }
  if (op == "Softsign") {  // x / (1 + |x|)
    return c.finish(OpType::kDiv, {x, c.step(OpType::kAdd, {c.step(OpType::kAbs, {x}), c.scalar(1.f)})});
  }
  if (op == "Selu") {  // gamma * elu(x, alpha)
    const float alpha = attrs.get_float("alpha", 1.67326319217681884765625f);
    const float gamma = attrs.get_float("gamma", 1.05070102214813232421875f);
    return c.finish(OpType::kMul, {c.step(OpType::kElu, {x}, with_alpha(alpha)), c.scalar(gamma)});
  }
  if (op == "Celu") {  // alpha * elu(x / alpha, 1)
    const float alpha = attrs.get_float("alpha", 1.f);
    require(alpha != 0.f && std::isfinite(alpha), ErrorCode::kInvalidModel, describe(node) + ": alpha must be non-zero");
    const TensorId scaled = c.step(OpType::kMul, {x, c.scalar(1.f / alpha)});
    return c.finish(OpType::kMul, {c.step(OpType::kElu, {scaled}, with_alpha(1.f)), c.scalar(alpha)});
  }
  if (op == "ThresholdedRelu") {  // x where x > alpha, else 0
    const TensorId over = c.step(OpType::kSub, {x, c.scalar(attrs.get_float("alpha", 1.f))});
    return c.finish(OpType::kMul, {x, positive_mask(c, over)});
  }
  if (op == "Shrink") {  // x - bias * sign(x) where |x| > lambd, else 0
    const float bias = attrs.get_float("bias", 0.f), lambd = attrs.get_float("lambd", 0.5f);
    const TensorId outside = positive_mask(c, c.step(OpType::kSub, {c.step(OpType::kAbs, {x}), c.scalar(lambd)}));
    TensorId shifted = x;
    if (bias != 0.f)
      shifted = c.step(OpType::kSub, {x, c.step(OpType::kMul, {c.step(OpType::kSign, {x}), c.scalar(bias)})});
    return c.finish(OpType::kMul, {shifted, outside});
  }
  if (op == "Tan") return c.finish(OpType::kDiv, {c.step(OpType::kSin, {x}), c.step(OpType::kCos, {x})});
  if (op == "Atan") return c.finish(OpType::kAtan2, {x, c.scalar(1.f)});
  if (op == "Asin" || op == "Acos") {  // the angle whose sine (cosine) is x, from sqrt(1 - x^2)
    const TensorId other = c.step(OpType::kSqrt, {c.step(OpType::kSub, {c.scalar(1.f), c.step(OpType::kMul, {x, x})})});
    return c.finish(OpType::kAtan2, op == "Asin" ? std::vector<TensorId>{x, other} : std::vector<TensorId>{other, x});
  }
  if (op == "Asinh" || op == "Acosh") {  // log(x + sqrt(x^2 +- 1))
    const TensorId square = c.step(OpType::kMul, {x, x});
    const TensorId root = c.step(OpType::kSqrt, {c.step(OpType::kAdd, {square, c.scalar(op == "Asinh" ? 1.f : -1.f)})});
    return c.finish(OpType::kLog, {c.step(OpType::kAdd, {x, root})});
  }
  if (op == "Atanh") {  // log((1 + x) / (1 - x)) / 2
    const TensorId ratio = c.step(OpType::kDiv, {c.step(OpType::kAdd, {x, c.scalar(1.f)}),
                                                 c.step(OpType::kSub, {c.scalar(1.f), x})});
    return c.finish(OpType::kMul, {c.step(OpType::kLog, {ratio}), c.scalar(0.5f)});
  }
  if (op == "Erf") {  // Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), odd in x
    static constexpr float kP = 0.3275911f;
    static constexpr float kA[] = {1.061405429f, -1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f};
    const TensorId magnitude = c.step(OpType::kAbs, {x});
    const TensorId t = c.step(OpType::kReciprocal, {c.step(OpType::kAdd, {c.step(OpType::kMul, {magnitude, c.scalar(kP)}), c.scalar(1.f)})});
    TensorId poly = c.step(OpType::kMul, {t, c.scalar(kA[0])});
    for (size_t k = 1; k < std::size(kA); ++k) poly = c.step(OpType::kMul, {c.step(OpType::kAdd, {poly, c.scalar(kA[k])}), t});
    const TensorId gauss = c.step(OpType::kExp, {c.step(OpType::kNeg, {c.step(OpType::kMul, {x, x})})});
    const TensorId tail = c.step(OpType::kSub, {c.scalar(1.f), c.step(OpType::kMul, {poly, gauss})});
    return c.finish(OpType::kMul, {tail, c.step(OpType::kSign, {x})});
  }
  if (op == "Sinh" || op == "Cosh") {  // (e^x -+ e^-x) / 2
    const TensorId up = c.step(OpType::kExp, {x}), down = c.step(OpType::kExp, {c.step(OpType::kNeg, {x})});
    const TensorId both = c.step(op == "Sinh" ? OpType::kSub : OpType::kAdd, {up, down});
    return c.finish(OpType::kMul, {both, c.scalar(0.5f)});
  }
  fail(ErrorCode::kUnsupportedOp, "unsupported ONNX op '" + op + "' (node '" + node.name + "')");
}

// Local response normalization across channels:
//   y = x * (bias + alpha / size * sum of x^2 over `size` channels around c)^-beta.
// In NCHW memory [N, C, H, W] is [N, 1, C, H*W]: the channel window is an
// average pool of size x 1 there (its zero padding counted, as the sum's
// missing terms), and the power is exp(-beta * log(.)).
void translate_lrn(ImportContext& context, const Node& node) {
  Chain c(context, node);
  const Shape& x = c.shape();
  require(x.size() >= 3, ErrorCode::kUnsupportedModel, describe(node) + ": input has rank " + std::to_string(x.size()));
  const NodeAttributes attrs(node);
  const int64_t size = attrs.get_int("size", 0);
  const float alpha = attrs.get_float("alpha", 1e-4f), beta = attrs.get_float("beta", 0.75f), bias = attrs.get_float("bias", 1.f);
  require(size >= 1 && size <= importer::kMaxWindow, ErrorCode::kInvalidModel, describe(node) + ": size out of range");
  require(std::isfinite(alpha) && std::isfinite(beta) && std::isfinite(bias), ErrorCode::kInvalidModel,
          describe(node) + ": alpha, beta and bias must be finite");
  int64_t spatial = 1;
  for (size_t d = 2; d < x.size(); ++d) spatial *= x[d];
  const Shape rows{x[0], 1, x[1], spatial};
  importer::Window window;
  window.kernel[0] = size;
  window.pad[0] = (size - 1) / 2;
  window.pad[2] = size - 1 - (size - 1) / 2;
  Attributes pool = importer::window_attributes(window, describe(node));
  pool.count_include_pad = true;
  const TensorId square = c.step(OpType::kReshape, {c.step(OpType::kMul, {c.x(), c.x()})}, {}, rows);
  const TensorId mean = c.step(OpType::kReshape, {c.step(OpType::kAveragePool2D, {square}, pool, rows)});
  const TensorId base = c.step(OpType::kAdd, {c.step(OpType::kMul, {mean, c.scalar(alpha)}), c.scalar(bias)});
  const TensorId scale = c.step(OpType::kExp, {c.step(OpType::kMul, {c.step(OpType::kLog, {base}), c.scalar(-beta)})});
  c.finish(OpType::kMul, {c.x(), scale});
}

void translate_global_max_pool(ImportContext& context, const Node& node) {
  Chain c(context, node);
  const std::vector<int64_t> axes = spatial_axes(node, c.shape());
  c.finish(OpType::kReduceMax, {c.x()}, with_axes(axes), reduced_shape(c.shape(), axes));
}

// Per image and channel: normalized over the spatial axes, then scale * x + bias per channel.
void translate_instance_norm(ImportContext& context, const Node& node) {
  Chain c(context, node);
  const std::vector<int64_t> axes = spatial_axes(node, c.shape());
  const int64_t channels = c.shape()[1];
  Shape per_channel(c.shape().size() - 1, 1);  // [C, 1, ...]: broadcasts onto [N, C, ...]
  per_channel[0] = channels;
  std::vector<TensorId> parameters;
  for (size_t k = 1; k <= 2; ++k) {
    const Constant& p = context.constant_input(node, k);
    require(p.is_float() && p.size() == static_cast<size_t>(channels), ErrorCode::kInvalidModel,
            describe(node) + ": scale and B must hold one float per channel");
    parameters.push_back(c.constant(per_channel, p.f));
  }
  const float epsilon = NodeAttributes(node).get_float("epsilon", 1e-5f);
  require(epsilon >= 0.f, ErrorCode::kInvalidModel, describe(node) + ": negative epsilon");
  const Normalization n = normalization(c, axes, epsilon, 0.f);
  const TensorId scaled = c.step(OpType::kMul, {c.step(OpType::kDiv, {n.centered, n.spread}), parameters[0]});
  c.finish(OpType::kAdd, {scaled, parameters[1]});
}

// (x - mean) / (standard deviation + 1e-9) over `axes` (default N, H, W), as ONNX's function body.
void translate_mean_variance_norm(ImportContext& context, const Node& node) {
  Chain c(context, node);
  std::vector<int64_t> axes = NodeAttributes(node).get_ints("axes", {0, 2, 3});
  std::vector<bool> seen(c.shape().size(), false);
  for (int64_t& a : axes) {
    a = normalize_axis(a, c.shape().size(), describe(node));
    require(!seen[static_cast<size_t>(a)], ErrorCode::kInvalidModel, describe(node) + ": axis listed twice");
    seen[static_cast<size_t>(a)] = true;
  }
  const Normalization n = normalization(c, axes, 0.f, 1e-9f);
  c.finish(OpType::kDiv, {n.centered, n.spread});
}

}  // namespace onnx
}  // namespace garden
