// Reference Conv2D, ConvTranspose2D and FullyConnected.
//
// The convolutions gather the input into NHWC order and re-order the weights so
// that the innermost loop runs over output channels with unit stride: the code
// stays a plain direct convolution but is fast enough to run whole models.
#include <string>

#include "graph/reference_ops.h"

namespace garden {
namespace reference {
namespace {

struct ConvShape {
  int64_t groups, in_per_group, out_per_group, kernel_h, kernel_w;
};

ConvShape conv_shape(const OpContext& context, const ImageView& in, const ImageView& out) {
  const Tensor& weight = *context.input_tensors[1];
  check(context, weight.shape.size() == 4, "weight must be 4-D [O, kH, kW, I/groups]");
  ConvShape s{context.node.attrs.groups, weight.shape[3], 0, weight.shape[1], weight.shape[2]};
  check(context, s.groups >= 1 && weight.shape[0] % s.groups == 0, "output channels not divisible by groups");
  s.out_per_group = weight.shape[0] / s.groups;
  check(context, in.c == s.groups * s.in_per_group, "input channels do not match weight and groups");
  check(context, out.c == weight.shape[0], "output channels do not match weight");
  check(context, out.n == in.n, "batch sizes differ");
  for (int i = 0; i < 2; ++i)
    check(context, context.node.attrs.stride[i] >= 1 && context.node.attrs.dilation[i] >= 1,
          "stride and dilation must be positive");
  if (context.inputs.size() == 3)
    check(context, context.inputs[2]->size() == static_cast<size_t>(out.c), "bias must have one value per output channel");
  return s;
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

}  // namespace

Values conv2d(const OpContext& context) {
  const Attributes& a = context.node.attrs;
  const ImageView in = image_view(context, *context.input_tensors[0]);
  const ImageView out = image_view(context, context.output_tensor);
  const ConvShape s = conv_shape(context, in, out);
  const int64_t expected_h = (in.h + a.pad[0] + a.pad[2] - a.dilation[0] * (s.kernel_h - 1) - 1) / a.stride[0] + 1;
  const int64_t expected_w = (in.w + a.pad[1] + a.pad[3] - a.dilation[1] * (s.kernel_w - 1) - 1) / a.stride[1] + 1;
  check(context, out.h == expected_h && out.w == expected_w,
        "output is " + std::to_string(out.h) + "x" + std::to_string(out.w) + ", expected " +
            std::to_string(expected_h) + "x" + std::to_string(expected_w));

  const std::vector<float> x = gather_nhwc(*context.inputs[0], in);
  const std::vector<float> w = weights_by_output_channel(*context.inputs[1], s);
  const std::vector<float> bias = bias_or_zero(context, out.c);
  const int64_t tap_size = s.groups * s.in_per_group * s.out_per_group;
  std::vector<float> y(static_cast<size_t>(out.n * out.h * out.w * out.c));
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t oh = 0; oh < out.h; ++oh)
      for (int64_t ow = 0; ow < out.w; ++ow) {
        float* acc = &y[static_cast<size_t>(((n * out.h + oh) * out.w + ow) * out.c)];
        for (int64_t o = 0; o < out.c; ++o) acc[o] = bias[static_cast<size_t>(o)];
        for (int64_t kh = 0; kh < s.kernel_h; ++kh) {
          const int64_t ih = oh * a.stride[0] - a.pad[0] + kh * a.dilation[0];
          if (ih < 0 || ih >= in.h) continue;
          for (int64_t kw = 0; kw < s.kernel_w; ++kw) {
            const int64_t iw = ow * a.stride[1] - a.pad[1] + kw * a.dilation[1];
            if (iw < 0 || iw >= in.w) continue;
            accumulate_tap(&x[static_cast<size_t>(((n * in.h + ih) * in.w + iw) * in.c)],
                           &w[static_cast<size_t>((kh * s.kernel_w + kw) * tap_size)], s, acc);
          }
        }
      }
  Values result(y.size());
  scatter_from_nhwc(y, out, result);
  return result;
}

Values conv_transpose2d(const OpContext& context) {
  const Attributes& a = context.node.attrs;
  const ImageView in = image_view(context, *context.input_tensors[0]);
  const ImageView out = image_view(context, context.output_tensor);
  const ConvShape s = conv_shape(context, in, out);
  const int64_t expected_h = (in.h - 1) * a.stride[0] - a.pad[0] - a.pad[2] + a.dilation[0] * (s.kernel_h - 1) + 1 +
                             a.output_padding[0];
  const int64_t expected_w = (in.w - 1) * a.stride[1] - a.pad[1] - a.pad[3] + a.dilation[1] * (s.kernel_w - 1) + 1 +
                             a.output_padding[1];
  check(context, out.h == expected_h && out.w == expected_w,
        "output is " + std::to_string(out.h) + "x" + std::to_string(out.w) + ", expected " +
            std::to_string(expected_h) + "x" + std::to_string(expected_w));

  const std::vector<float> x = gather_nhwc(*context.inputs[0], in);
  const std::vector<float> w = weights_by_output_channel(*context.inputs[1], s);
  const std::vector<float> bias = bias_or_zero(context, out.c);
  const int64_t tap_size = s.groups * s.in_per_group * s.out_per_group;
  std::vector<float> y(static_cast<size_t>(out.n * out.h * out.w * out.c));
  for (size_t i = 0; i < y.size(); ++i) y[i] = bias[i % static_cast<size_t>(out.c)];
  // Each input pixel scatters its contribution to the output pixels it reaches.
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t ih = 0; ih < in.h; ++ih)
      for (int64_t iw = 0; iw < in.w; ++iw)
        for (int64_t kh = 0; kh < s.kernel_h; ++kh) {
          const int64_t oh = ih * a.stride[0] - a.pad[0] + kh * a.dilation[0];
          if (oh < 0 || oh >= out.h) continue;
          for (int64_t kw = 0; kw < s.kernel_w; ++kw) {
            const int64_t ow = iw * a.stride[1] - a.pad[1] + kw * a.dilation[1];
            if (ow < 0 || ow >= out.w) continue;
            accumulate_tap(&x[static_cast<size_t>(((n * in.h + ih) * in.w + iw) * in.c)],
                           &w[static_cast<size_t>((kh * s.kernel_w + kw) * tap_size)], s,
                           &y[static_cast<size_t>(((n * out.h + oh) * out.w + ow) * out.c)]);
          }
        }
  Values result(y.size());
  scatter_from_nhwc(y, out, result);
  return result;
}

Values fully_connected(const OpContext& context) {
  const Tensor& weight = *context.input_tensors[1];
  check(context, weight.shape.size() == 2, "weight must be 2-D [O, I]");
  const int64_t outputs = weight.shape[0];
  const int64_t inputs = weight.shape[1];
  const Values& x = *context.inputs[0];
  check(context, inputs > 0 && x.size() % static_cast<size_t>(inputs) == 0,
        "input size is not a multiple of the weight's input size");
  const int64_t rows = static_cast<int64_t>(x.size()) / inputs;
  check(context, element_count(context.output_tensor.shape) == rows * outputs, "output size must be rows x O");
  if (context.inputs.size() == 3)
    check(context, context.inputs[2]->size() == static_cast<size_t>(outputs), "bias must have O values");
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

}  // namespace reference
}  // namespace garden
