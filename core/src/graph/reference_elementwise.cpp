// Reference element-wise ops: binary with numpy broadcasting, unary
// activations, and BatchNorm (per channel, channel axis from the layout).
#include <algorithm>
#include <cmath>

#include "graph/graph_utils.h"
#include "graph/reference_ops.h"

namespace garden {
namespace reference {
namespace {

// Strides of `shape` aligned to the right of an output of rank `rank`, with 0
// for broadcast dimensions (numpy rules).
std::vector<int64_t> broadcast_strides(const OpContext& context, const Shape& shape, const Shape& out) {
  check(context, shape.size() <= out.size(), "an input has a higher rank than the output");
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t k = 0; k < shape.size(); ++k) {
    const size_t in_axis = shape.size() - 1 - k;
    const size_t out_axis = out.size() - 1 - k;
    check(context, shape[in_axis] == out[out_axis] || shape[in_axis] == 1,
          "input shapes do not broadcast to the output shape");
    strides[out_axis] = shape[in_axis] == 1 ? 0 : stride;
    stride *= shape[in_axis];
  }
  return strides;
}

float apply_binary(OpType op, float a, float b) {
  switch (op) {
    case OpType::kAdd: return a + b;
    case OpType::kSub: return a - b;
    case OpType::kMul: return a * b;
    default: return a / b;
  }
}

float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

}  // namespace

Values binary(const OpContext& context) {
  const Shape& out = context.output_tensor.shape;
  const Shape& shape_a = context.input_tensors[0]->shape;
  const Shape& shape_b = context.input_tensors[1]->shape;
  // The output must be exactly the broadcast of the two inputs.
  const size_t rank = std::max(shape_a.size(), shape_b.size());
  check(context, out.size() == rank, "output rank is not the broadcast rank");
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < shape_a.size() ? shape_a[shape_a.size() - 1 - k] : 1;
    const int64_t db = k < shape_b.size() ? shape_b[shape_b.size() - 1 - k] : 1;
    check(context, out[rank - 1 - k] == std::max(da, db) || (da == 0 || db == 0),
          "output shape is not the broadcast of the input shapes");
  }
  const std::vector<int64_t> strides_a = broadcast_strides(context, shape_a, out);
  const std::vector<int64_t> strides_b = broadcast_strides(context, shape_b, out);
  const Values& a = *context.inputs[0];
  const Values& b = *context.inputs[1];
  const OpType op = context.node.op;
  Values y(static_cast<size_t>(element_count(out)));
  std::vector<int64_t> index(rank, 0);
  int64_t offset_a = 0, offset_b = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    y[i] = apply_binary(op, a[static_cast<size_t>(offset_a)], b[static_cast<size_t>(offset_b)]);
    // Advance the multi-index like an odometer, keeping both offsets in step.
    for (size_t axis = rank; axis-- > 0;) {
      ++index[axis];
      offset_a += strides_a[axis];
      offset_b += strides_b[axis];
      if (index[axis] < out[axis]) break;
      offset_a -= strides_a[axis] * index[axis];
      offset_b -= strides_b[axis] * index[axis];
      index[axis] = 0;
    }
  }
  return y;
}

Values unary(const OpContext& context) {
  const Values& x = *context.inputs[0];
  check(context, context.output_tensor.shape == context.input_tensors[0]->shape, "output shape differs from input");
  const Attributes& a = context.node.attrs;
  Values y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const float v = x[i];
    switch (context.node.op) {
      case OpType::kClamp: y[i] = v; break;  // the clamp itself is the node's activation range
      case OpType::kSigmoid: y[i] = sigmoid(v); break;
      case OpType::kHardSigmoid: y[i] = std::min(std::max(a.alpha * v + a.beta, 0.f), 1.f); break;
      case OpType::kHardSwish: y[i] = v * std::min(std::max(v + 3.f, 0.f), 6.f) / 6.f; break;
      case OpType::kSwish: y[i] = v * sigmoid(v); break;
      default: y[i] = std::tanh(v); break;
    }
  }
  return y;
}

Values batch_norm(const OpContext& context) {
  const Tensor& x_tensor = *context.input_tensors[0];
  check(context, context.output_tensor.shape == x_tensor.shape, "output shape differs from input");
  check(context, !x_tensor.shape.empty(), "input must have at least one dimension");
  const int axis = channel_axis(x_tensor);
  const int64_t channels = x_tensor.shape[static_cast<size_t>(axis)];
  for (size_t i = 1; i < 5; ++i)
    check(context, context.inputs[i]->size() == static_cast<size_t>(channels),
          "scale, bias, mean and var need one value per channel");
  int64_t inner = 1;
  for (size_t k = static_cast<size_t>(axis) + 1; k < x_tensor.shape.size(); ++k) inner *= x_tensor.shape[k];
  const Values& x = *context.inputs[0];
  const Values& scale = *context.inputs[1];
  const Values& bias = *context.inputs[2];
  const Values& mean = *context.inputs[3];
  const Values& var = *context.inputs[4];
  Values y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t c = (i / static_cast<size_t>(inner)) % static_cast<size_t>(channels);
    y[i] = (x[i] - mean[c]) / std::sqrt(var[c] + context.node.attrs.epsilon) * scale[c] + bias[c];
  }
  return y;
}

}  // namespace reference
}  // namespace garden
