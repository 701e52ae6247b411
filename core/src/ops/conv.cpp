// The cards of Conv2D, ConvTranspose2D, FullyConnected and BatchMatMul.
//
// The reference convolutions gather the input into NHWC order and re-order the
// weights so that the innermost loop runs over output channels with unit
// stride: the code stays a plain direct convolution but is fast enough to run
// whole models.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/cards.h"

namespace garden {
namespace ops {
namespace {

struct ConvShape {
  int64_t groups, in_per_group, out_per_group, kernel_h, kernel_w;
};

ConvShape conv_shape(const NodeTensors& node, const ImageView& in, const ImageView& out) {
  const Tensor& weight = *node.input_tensors[1];
  check(node, weight.shape.size() == 4, "weight must be 4-D [O, kH, kW, I/groups]");
  ConvShape s{node.node.attrs.groups, weight.shape[3], 0, weight.shape[1], weight.shape[2]};
  check(node, s.groups >= 1 && weight.shape[0] % s.groups == 0, "output channels not divisible by groups");
  s.out_per_group = weight.shape[0] / s.groups;
  check(node, in.c == s.groups * s.in_per_group, "input channels do not match weight and groups");
  check(node, out.c == weight.shape[0], "output channels do not match weight");
  check(node, out.n == in.n, "batch sizes differ");
  if (node.input_tensors.size() == 3)
    check(node, element_count(node.input_tensors[2]->shape) == out.c, "bias must have one value per output channel");
  return s;
}

void check_output_size(const NodeTensors& node, const ImageView& out, int64_t expected_h, int64_t expected_w) {
  check(node, out.h == expected_h && out.w == expected_w,
        "output is " + std::to_string(out.h) + "x" + std::to_string(out.w) + ", expected " +
            std::to_string(expected_h) + "x" + std::to_string(expected_w));
}

// The window's attributes, groups and output padding.
void check_convolution_attributes(const NodeTensors& node) {
  const Attributes& a = node.node.attrs;
  check_window(node);
  check(node, a.groups >= 1, "groups must be >= 1");
  check_window_values(node, a.output_padding.data(), a.output_padding.size(), 0, "output padding");
}

void check_conv2d(const NodeTensors& node) {
  check_convolution_attributes(node);
  const Attributes& a = node.node.attrs;
  const ImageView in = image_view(node, *node.input_tensors[0]);
  const ImageView out = image_view(node, node.output_tensor);
  const ConvShape s = conv_shape(node, in, out);
  check_output_size(node, out,
                    (in.h + a.pad[0] + a.pad[2] - a.dilation[0] * (s.kernel_h - 1) - 1) / a.stride[0] + 1,
                    (in.w + a.pad[1] + a.pad[3] - a.dilation[1] * (s.kernel_w - 1) - 1) / a.stride[1] + 1);
}

void check_conv_transpose2d(const NodeTensors& node) {
  check_convolution_attributes(node);
  const Attributes& a = node.node.attrs;
  const ImageView in = image_view(node, *node.input_tensors[0]);
  const ImageView out = image_view(node, node.output_tensor);
  const ConvShape s = conv_shape(node, in, out);
  check_output_size(
      node, out,
      (in.h - 1) * a.stride[0] - a.pad[0] - a.pad[2] + a.dilation[0] * (s.kernel_h - 1) + 1 + a.output_padding[0],
      (in.w - 1) * a.stride[1] - a.pad[1] - a.pad[3] + a.dilation[1] * (s.kernel_w - 1) + 1 + a.output_padding[1]);
}

void check_fully_connected(const NodeTensors& node) {
  const Tensor& weight = *node.input_tensors[1];
  check(node, weight.shape.size() == 2, "weight must be 2-D [O, I]");
  const int64_t outputs = weight.shape[0];
  const int64_t inputs = weight.shape[1];
  const int64_t x_count = element_count(node.input_tensors[0]->shape);
  check(node, inputs > 0 && x_count % inputs == 0, "input size is not a multiple of the weight's input size");
  check(node, element_count(node.output_tensor.shape) == x_count / inputs * outputs, "output size must be rows x O");
  if (node.input_tensors.size() == 3)
    check(node, element_count(node.input_tensors[2]->shape) == outputs, "bias must have O values");
}

// a [..., M, K] x b [..., K, N] -> [..., M, N]: the matrix sizes, and the
// batch dimensions of each (which broadcast like an element-wise op's).
struct MatMulShape {
  int64_t m, k, n;
  Shape a_batch, b_batch, out_batch;
};

MatMulShape matmul_shape(const NodeTensors& node) {
  const Shape& a = node.input_tensors[0]->shape;
  const Shape& b = node.input_tensors[1]->shape;
  const Shape& out = node.output_tensor.shape;
  check(node, a.size() >= 2 && b.size() >= 2 && out.size() >= 2, "operands and output need rank 2 or more");
  MatMulShape s{a[a.size() - 2], a.back(), b.back(),
                Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2), Shape(out.begin(), out.end() - 2)};
  check(node, b[b.size() - 2] == s.k, "inner dimensions differ");
  check(node, out[out.size() - 2] == s.m && out.back() == s.n, "output shape must be [batch..., M, N]");
  check_broadcast_shapes(node, s.a_batch, s.b_batch, s.out_batch);
  return s;
}

void check_batch_matmul(const NodeTensors& node) { matmul_shape(node); }

Values batch_matmul(const OpContext& context) {
  const MatMulShape s = matmul_shape(context);
  const Values& a = *context.inputs[0];
  const Values& b = *context.inputs[1];
  Values y(static_cast<size_t>(element_count(s.out_batch) * s.m * s.n));
  // Each output matrix multiplies the a and b matrices its batch index reads.
  for_each_broadcast(s.a_batch, s.b_batch, s.out_batch, [&](int64_t i, int64_t a_matrix, int64_t b_matrix) {
    const float* am = a.data() + a_matrix * s.m * s.k;
    const float* bm = b.data() + b_matrix * s.k * s.n;
    float* ym = y.data() + i * s.m * s.n;
    for (int64_t r = 0; r < s.m; ++r)
      for (int64_t c = 0; c < s.n; ++c) {
        double sum = 0.0;
        for (int64_t j = 0; j < s.k; ++j) sum += static_cast<double>(am[r * s.k + j]) * bm[j * s.n + c];
        ym[r * s.n + c] = static_cast<float>(sum);
      }
  });
  return y;
}

// The input values in NHWC order (a copy only when the tensor is NCHW).
std::vector<float> gather_nhwc(const Values& values, const ImageView& view) {
  std::vector<float> nhwc(values.size());
  size_t i = 0;
  for (int64_t n = 0; n < view.n; ++n)
    for (int64_t h = 0; h < view.h; ++h)
      for (int64_t w = 0; w < view.w; ++w)
        for (int64_t c = 0; c < view.c; ++c) nhwc[i++] = values[static_cast<size_t>(view.at(n, h, w, c))];
  return nhwc;
}

void scatter_from_nhwc(const std::vector<float>& nhwc, const ImageView& view, Values& values) {
  size_t i = 0;
  for (int64_t n = 0; n < view.n; ++n)
    for (int64_t h = 0; h < view.h; ++h)
      for (int64_t w = 0; w < view.w; ++w)
        for (int64_t c = 0; c < view.c; ++c) values[static_cast<size_t>(view.at(n, h, w, c))] = nhwc[i++];
}

// Weights [g*Og + og, kh, kw, i] re-ordered to [kh][kw][g][i][og].
std::vector<float> weights_by_output_channel(const Values& weight, const ConvShape& s) {
  std::vector<float> result(weight.size());
  size_t index = 0;
  for (int64_t kh = 0; kh < s.kernel_h; ++kh)
    for (int64_t kw = 0; kw < s.kernel_w; ++kw)
      for (int64_t g = 0; g < s.groups; ++g)
        for (int64_t i = 0; i < s.in_per_group; ++i)
          for (int64_t og = 0; og < s.out_per_group; ++og) {
            const int64_t o = g * s.out_per_group + og;
            result[index++] = weight[static_cast<size_t>(((o * s.kernel_h + kh) * s.kernel_w + kw) * s.in_per_group + i)];
          }
  return result;
}

std::vector<float> bias_or_zero(const OpContext& context, int64_t channels) {
  if (context.inputs.size() == 3) return *context.inputs[2];
  return std::vector<float>(static_cast<size_t>(channels), 0.f);
}

// acc[g*Og + og] += x[g*Ig + i] * w[g][i][og] for one input pixel and kernel tap.
void accumulate_tap(const float* x, const float* w, const ConvShape& s, float* acc) {
  for (int64_t g = 0; g < s.groups; ++g) {
    float* acc_g = acc + g * s.out_per_group;
    for (int64_t i = 0; i < s.in_per_group; ++i) {
      const float xv = x[g * s.in_per_group + i];
      const float* w_row = w + (g * s.in_per_group + i) * s.out_per_group;
      for (int64_t og = 0; og < s.out_per_group; ++og) acc_g[og] += xv * w_row[og];
    }
  }
}

// Both convolutions in NHWC: the input, weights by output channel, and an
// output that starts as the bias, each addressed by pixel and kernel tap.
struct NhwcConv {
  ImageView in, out;
  ConvShape s;
  std::vector<float> x, w, y;

  explicit NhwcConv(const OpContext& context)
      : in(image_view(context, *context.input_tensors[0])),
        out(image_view(context, context.output_tensor)),
        s(conv_shape(context, in, out)),
        x(gather_nhwc(*context.inputs[0], in)),
        w(weights_by_output_channel(*context.inputs[1], s)),
        y(static_cast<size_t>(out.n * out.h * out.w * out.c)) {
    const std::vector<float> bias = bias_or_zero(context, out.c);
    for (size_t i = 0; i < y.size(); ++i) y[i] = bias[i % static_cast<size_t>(out.c)];
  }
  const float* input_pixel(int64_t n, int64_t h, int64_t w_) const {
    return &x[static_cast<size_t>(((n * in.h + h) * in.w + w_) * in.c)];
  }
  const float* tap(int64_t kh, int64_t kw) const {
    return &w[static_cast<size_t>((kh * s.kernel_w + kw) * s.groups * s.in_per_group * s.out_per_group)];
  }
  float* output_pixel(int64_t n, int64_t h, int64_t w_) {
    return &y[static_cast<size_t>(((n * out.h + h) * out.w + w_) * out.c)];
  }
  Values result() const {
    Values values(y.size());
    scatter_from_nhwc(y, out, values);
    return values;
  }
};

// The pixels a convolution connects: for each pixel (n, y, x) of `from` and
// kernel tap (kh, kw), the pixel (y * stride - pad + kh * dilation, likewise
// for x) of `to`, when it lies inside. A convolution gathers from its input
// this way; a transposed one scatters to its output.
template <typename Visit>
void for_each_connection(const Attributes& a, const ImageView& from, const ImageView& to, const ConvShape& s,
                         Visit visit) {
  for (int64_t n = 0; n < from.n; ++n)
    for (int64_t fy = 0; fy < from.h; ++fy)
      for (int64_t fx = 0; fx < from.w; ++fx)
        for (int64_t kh = 0; kh < s.kernel_h; ++kh) {
          const int64_t ty = fy * a.stride[0] - a.pad[0] + kh * a.dilation[0];
          if (ty < 0 || ty >= to.h) continue;
          for (int64_t kw = 0; kw < s.kernel_w; ++kw) {
            const int64_t tx = fx * a.stride[1] - a.pad[1] + kw * a.dilation[1];
            if (tx < 0 || tx >= to.w) continue;
            visit(n, fy, fx, ty, tx, kh, kw);
          }
        }
}

Values conv2d(const OpContext& context) {
  NhwcConv c(context);
  for_each_connection(context.node.attrs, c.out, c.in, c.s,
                      [&](int64_t n, int64_t oh, int64_t ow, int64_t ih, int64_t iw, int64_t kh, int64_t kw) {
                        accumulate_tap(c.input_pixel(n, ih, iw), c.tap(kh, kw), c.s, c.output_pixel(n, oh, ow));
                      });
  return c.result();
}

Values conv_transpose2d(const OpContext& context) {
  NhwcConv c(context);
  for_each_connection(context.node.attrs, c.in, c.out, c.s,
                      [&](int64_t n, int64_t ih, int64_t iw, int64_t oh, int64_t ow, int64_t kh, int64_t kw) {
                        accumulate_tap(c.input_pixel(n, ih, iw), c.tap(kh, kw), c.s, c.output_pixel(n, oh, ow));
                      });
  return c.result();
}

Values fully_connected(const OpContext& context) {
  const Tensor& weight = *context.input_tensors[1];
  const int64_t outputs = weight.shape[0];
  const int64_t inputs = weight.shape[1];
  const Values& x = *context.inputs[0];
  const int64_t rows = static_cast<int64_t>(x.size()) / inputs;
  const Values& w = *context.inputs[1];
  Values y(static_cast<size_t>(rows * outputs));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < outputs; ++o) {
      double sum = context.inputs.size() == 3 ? (*context.inputs[2])[static_cast<size_t>(o)] : 0.0;
      for (int64_t i = 0; i < inputs; ++i)
        sum += static_cast<double>(x[static_cast<size_t>(r * inputs + i)]) * w[static_cast<size_t>(o * inputs + i)];
      y[static_cast<size_t>(r * outputs + o)] = static_cast<float>(sum);
    }
  return y;
}

}  // namespace

const OpCard kConv2DCard{OpType::kConv2D, "Conv2D", 2, 3, AttrTable::kConv2D, LayoutRule::kLayoutAware,
                         true, check_conv2d, conv2d};
const OpCard kConvTranspose2DCard{OpType::kConvTranspose2D, "ConvTranspose2D", 2, 3, AttrTable::kConv2D,
                                  LayoutRule::kLayoutAware, true, check_conv_transpose2d, conv_transpose2d};
const OpCard kFullyConnectedCard{OpType::kFullyConnected, "FullyConnected", 2, 3, AttrTable::kActivation,
                                 LayoutRule::kNchwMemoryOrder, true, check_fully_connected, fully_connected};
const OpCard kBatchMatMulCard{OpType::kBatchMatMul, "BatchMatMul", 2, 2, AttrTable::kNone,
                              LayoutRule::kNchwMemoryOrder, false, check_batch_matmul, batch_matmul};

}  // namespace ops
}  // namespace garden
