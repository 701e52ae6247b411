// Kernels of the reference evaluator (see reference.h), one function per op
// family. Each takes the node, its input and output tensors and their values.
#pragma once

#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"

namespace garden {
namespace reference {

using Values = std::vector<float>;

// What a kernel sees: the node, the tensors it reads and writes (for shapes and
// layouts) and the values of its inputs.
struct OpContext {
  const Node& node;
  std::vector<const Tensor*> input_tensors;
  std::vector<const Values*> inputs;
  const Tensor& output_tensor;
};

// Throws Error(kInvalidModel) naming the node when `condition` is false.
void check(const OpContext& context, bool condition, const std::string& what);

// A 4-D activation's dimensions and element strides, per its layout.
struct ImageView {
  int64_t n = 0, h = 0, w = 0, c = 0;
  int64_t stride_n = 0, stride_h = 0, stride_w = 0, stride_c = 0;
  int64_t at(int64_t in, int64_t ih, int64_t iw, int64_t ic) const {
    return in * stride_n + ih * stride_h + iw * stride_w + ic * stride_c;
  }
};
ImageView image_view(const OpContext& context, const Tensor& tensor);

Values conv2d(const OpContext& context);
Values conv_transpose2d(const OpContext& context);
Values fully_connected(const OpContext& context);

Values binary(const OpContext& context);
Values unary(const OpContext& context);
Values batch_norm(const OpContext& context);

Values pool2d(const OpContext& context);
Values global_average_pool(const OpContext& context);
Values resize2d(const OpContext& context);
Values depth_to_space(const OpContext& context);

Values concat(const OpContext& context);
Values reshape(const OpContext& context);
Values transpose(const OpContext& context);
Values softmax(const OpContext& context);
Values pad(const OpContext& context);
Values slice(const OpContext& context);
Values mean(const OpContext& context);

}  // namespace reference
}  // namespace garden
