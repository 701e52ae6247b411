// The cards of the spatial ops on 4-D activations: pooling, global average
// pooling, resize and depth-to-space. Each reference kernel reads and writes
// through an ImageView, so NCHW and NHWC tensors share one code path.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "ops/cards.h"

namespace garden {
namespace ops {
namespace {

struct Images {
  ImageView in, out;
};

Images images_of(const NodeTensors& node) {
  return {image_view(node, *node.input_tensors[0]), image_view(node, node.output_tensor)};
}

// Both tensors are 4-D with the same batch and channels.
Images same_batch_and_channels(const NodeTensors& node) {
  const Images images = images_of(node);
  check(node, images.in.n == images.out.n && images.in.c == images.out.c,
        "input and output differ in batch or channels");
  return images;
}

// Source coordinate of output row/column `dst` for an input of size `in` and
// an output of size `out` (see CoordinateMode).
float source_coordinate(CoordinateMode mode, int64_t dst, int64_t in, int64_t out) {
  switch (mode) {
    case CoordinateMode::kHalfPixel:
      return (static_cast<float>(dst) + 0.5f) * static_cast<float>(in) / static_cast<float>(out) - 0.5f;
    case CoordinateMode::kAlignCorners:
      if (out <= 1) return 0.f;
      return static_cast<float>(dst) * static_cast<float>(in - 1) / static_cast<float>(out - 1);
    case CoordinateMode::kAsymmetric:
      return static_cast<float>(dst) * static_cast<float>(in) / static_cast<float>(out);
  }
  return 0.f;
}

int64_t clamp_index(int64_t i, int64_t size) { return std::min(std::max<int64_t>(i, 0), size - 1); }

int64_t nearest_index(CoordinateMode mode, float src, int64_t size) {
  const float rounded = mode == CoordinateMode::kAsymmetric ? std::floor(src) : std::floor(src + 0.5f);
  return clamp_index(static_cast<int64_t>(rounded), size);
}

// The two neighbours of a bilinear sample and the weight of the second one.
struct LinearTap {
  int64_t low, high;
  float weight_high;
};

LinearTap linear_tap(float src, int64_t size) {
  src = std::max(src, 0.f);
  const int64_t low = std::min(static_cast<int64_t>(std::floor(src)), size - 1);
  const int64_t high = std::min(low + 1, size - 1);
  const float weight_high = low == size - 1 ? 0.f : src - static_cast<float>(low);
  return {low, high, weight_high};
}

void check_pool(const NodeTensors& node) {
  const Attributes& a = node.node.attrs;
  check_window(node);
  check_window_values(node, a.kernel.data(), a.kernel.size(), 1, "kernel size");
  const Images images = same_batch_and_channels(node);
  // Output size as with floor or ceil rounding (ONNX ceil_mode): both are fine.
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t in_size = axis == 0 ? images.in.h : images.in.w;
    const int64_t out_size = axis == 0 ? images.out.h : images.out.w;
    const int64_t span = in_size + a.pad[axis] + a.pad[axis + 2] - int64_t{a.dilation[axis]} * (a.kernel[axis] - 1) - 1;
    const int64_t floor_size = span / a.stride[axis] + 1;
    const int64_t ceil_size = (span + a.stride[axis] - 1) / a.stride[axis] + 1;
    check(node, span >= 0 && (out_size == floor_size || out_size == ceil_size),
          "output size does not follow from kernel, stride and pads");
  }
}

template <bool is_max>
Values pool2d(const OpContext& context) {
  const Attributes& a = context.node.attrs;
  const auto [in, out] = images_of(context);
  const Values& x = *context.inputs[0];
  Values y(static_cast<size_t>(out.n * out.h * out.w * out.c));
  for (int64_t n = 0; n < out.n; ++n)
    for (int64_t c = 0; c < out.c; ++c)
      for (int64_t oh = 0; oh < out.h; ++oh)
        for (int64_t ow = 0; ow < out.w; ++ow) {
          float max_value = -std::numeric_limits<float>::infinity();
          double sum = 0.0;
          int64_t real_count = 0, padded_count = 0;
          for (int64_t kh = 0; kh < a.kernel[0]; ++kh) {
            const int64_t ih = oh * a.stride[0] - a.pad[0] + kh * a.dilation[0];
            if (ih < -a.pad[0] || ih >= in.h + a.pad[2]) continue;
            for (int64_t kw = 0; kw < a.kernel[1]; ++kw) {
              const int64_t iw = ow * a.stride[1] - a.pad[1] + kw * a.dilation[1];
              if (iw < -a.pad[1] || iw >= in.w + a.pad[3]) continue;
              ++padded_count;
              if (ih < 0 || ih >= in.h || iw < 0 || iw >= in.w) continue;
              const float v = x[static_cast<size_t>(in.at(n, ih, iw, c))];
              max_value = std::max(max_value, v);
              sum += v;
              ++real_count;
            }
          }
          const int64_t divisor = a.count_include_pad ? padded_count : real_count;
          y[static_cast<size_t>(out.at(n, oh, ow, c))] =
              is_max ? max_value : (divisor > 0 ? static_cast<float>(sum / static_cast<double>(divisor)) : 0.f);
        }
  return y;
}

void check_global_average_pool(const NodeTensors& node) {
  const Images images = same_batch_and_channels(node);
  check(node, images.out.h == 1 && images.out.w == 1, "output must be 1x1");
}

Values global_average_pool(const OpContext& context) {
  const auto [in, out] = images_of(context);
  const Values& x = *context.inputs[0];
  Values y(static_cast<size_t>(out.n * out.c));
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t c = 0; c < in.c; ++c) {
      double sum = 0.0;
      for (int64_t h = 0; h < in.h; ++h)
        for (int64_t w = 0; w < in.w; ++w) sum += x[static_cast<size_t>(in.at(n, h, w, c))];
      y[static_cast<size_t>(out.at(n, 0, 0, c))] = static_cast<float>(sum / static_cast<double>(in.h * in.w));
    }
  return y;
}

// The output size is the output tensor's: any size is a resize.
void check_resize(const NodeTensors& node) {
  const Attributes& a = node.node.attrs;
  check(node, a.resize_mode <= ResizeMode::kNearest, "unknown resize mode");
  check(node, a.coordinate_mode <= CoordinateMode::kAsymmetric, "unknown coordinate mode");
  const Images images = same_batch_and_channels(node);
  check(node, images.in.h > 0 && images.in.w > 0, "input must not be empty");
}

Values resize2d(const OpContext& context) {
  const Attributes& a = context.node.attrs;
  const Images images = images_of(context);
  const ImageView& in = images.in;  // named, not bound: the bilinear lambda captures it
  const ImageView& out = images.out;
  const Values& x = *context.inputs[0];
  Values y(static_cast<size_t>(out.n * out.h * out.w * out.c));
  for (int64_t oh = 0; oh < out.h; ++oh) {
    const float src_h = source_coordinate(a.coordinate_mode, oh, in.h, out.h);
    for (int64_t ow = 0; ow < out.w; ++ow) {
      const float src_w = source_coordinate(a.coordinate_mode, ow, in.w, out.w);
      for (int64_t n = 0; n < out.n; ++n)
        for (int64_t c = 0; c < out.c; ++c) {
          float value;
          if (a.resize_mode == ResizeMode::kNearest) {
            value = x[static_cast<size_t>(in.at(n, nearest_index(a.coordinate_mode, src_h, in.h),
                                                nearest_index(a.coordinate_mode, src_w, in.w), c))];
          } else {
            const LinearTap th = linear_tap(src_h, in.h);
            const LinearTap tw = linear_tap(src_w, in.w);
            auto at = [&](int64_t h, int64_t w) { return x[static_cast<size_t>(in.at(n, h, w, c))]; };
            const float top = at(th.low, tw.low) * (1.f - tw.weight_high) + at(th.low, tw.high) * tw.weight_high;
            const float bottom = at(th.high, tw.low) * (1.f - tw.weight_high) + at(th.high, tw.high) * tw.weight_high;
            value = top * (1.f - th.weight_high) + bottom * th.weight_high;
          }
          y[static_cast<size_t>(out.at(n, oh, ow, c))] = value;
        }
    }
  }
  return y;
}

void check_depth_to_space(const NodeTensors& node) {
  const int64_t b = node.node.attrs.block_size;
  check(node, b >= 1 && b <= kMaxWindow, "block size must be in [1, " + std::to_string(kMaxWindow) + "]");
  const ImageView in = image_view(node, *node.input_tensors[0]);
  const ImageView out = image_view(node, node.output_tensor);
  // Dimensions are at most 2^31 and b at most 2^16: these products fit in int64.
  check(node, in.n == out.n && out.h == in.h * b && out.w == in.w * b && in.c % (b * b) == 0 && out.c == in.c / (b * b),
        "output must be [N, H*b, W*b, C/(b*b)]");
}

Values depth_to_space(const OpContext& context) {
  const int64_t b = context.node.attrs.block_size;
  const auto [in, out] = images_of(context);
  const Values& x = *context.inputs[0];
  Values y(x.size());
  // DCR order: input channel (bh * b + bw) * C_out + c.
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t h = 0; h < in.h; ++h)
      for (int64_t w = 0; w < in.w; ++w)
        for (int64_t bh = 0; bh < b; ++bh)
          for (int64_t bw = 0; bw < b; ++bw)
            for (int64_t c = 0; c < out.c; ++c)
              y[static_cast<size_t>(out.at(n, h * b + bh, w * b + bw, c))] =
                  x[static_cast<size_t>(in.at(n, h, w, (bh * b + bw) * out.c + c))];
  return y;
}

constexpr OpCard spatial_card(OpType op, const char* name, AttrTable attrs, void (*check)(const NodeTensors&),
                              Values (*evaluate)(const OpContext&)) {
  return {op, name, 1, 1, attrs, LayoutRule::kLayoutAware, false, check, evaluate};
}

}  // namespace

const OpCard kAveragePool2DCard =
    spatial_card(OpType::kAveragePool2D, "AveragePool2D", AttrTable::kPool, check_pool, pool2d<false>);
const OpCard kMaxPool2DCard = spatial_card(OpType::kMaxPool2D, "MaxPool2D", AttrTable::kPool, check_pool, pool2d<true>);
const OpCard kGlobalAveragePool2DCard = spatial_card(OpType::kGlobalAveragePool2D, "GlobalAveragePool2D",
                                                     AttrTable::kNone, check_global_average_pool, global_average_pool);
const OpCard kResize2DCard = spatial_card(OpType::kResize2D, "Resize2D", AttrTable::kResize, check_resize, resize2d);
const OpCard kDepthToSpaceCard = spatial_card(OpType::kDepthToSpace, "DepthToSpace", AttrTable::kDepthToSpace,
                                              check_depth_to_space, depth_to_space);

}  // namespace ops
}  // namespace garden
