// Bilinear resize with half-pixel centers + normalization, written straight
// into a model's input tensor (see garden/image.h).
//
// Two passes per output row: a vertical blend of two source rows into a float
// row buffer (contiguous, so the compiler vectorizes it for SSE/AVX and wasm
// SIMD128 alike), then a horizontal blend + normalization per output pixel.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "garden/image.h"

namespace garden {
namespace {

struct TapPair {
  int first;
  int second;
  float weight;  // of `second`
};

// Source sample positions of `out_size` outputs covering `in_size` inputs:
// src = (dst + 0.5) * in / out - 0.5, clamped to the image like cv2.resize.
// Computed in double: a float position would be off by ~1e-4 pixel on wide
// images, which shows in the normalized values.
TapPair tap_for(int dst, int in_size, int out_size) {
  const double src = (dst + 0.5) * static_cast<double>(in_size) / out_size - 0.5;
  if (src <= 0.0) return {0, 0, 0.f};
  const int first = static_cast<int>(std::floor(src));
  if (first >= in_size - 1) return {in_size - 1, in_size - 1, 0.f};
  return {first, first + 1, static_cast<float>(src - first)};
}

void check_tensor(const Letterbox& box, int tensor_width, int tensor_height, Layout layout,
                  const float* out) {
  require(out != nullptr, ErrorCode::kInvalidArgument, "resize_normalize: output is null");
  require(layout == Layout::kNCHW || layout == Layout::kNHWC, ErrorCode::kInvalidArgument,
          "resize_normalize: layout must be NCHW or NHWC");
  require(tensor_width > 0 && tensor_height > 0, ErrorCode::kInvalidArgument,
          "resize_normalize: tensor size must be positive");
  require(tensor_width <= kMaxImageSide && tensor_height <= kMaxImageSide,
          ErrorCode::kLimitExceeded, "resize_normalize: tensor size exceeds the size limit");
  require(box.content_width > 0 && box.content_height > 0 && box.pad_x >= 0 && box.pad_y >= 0 &&
              box.pad_x + box.content_width <= tensor_width &&
              box.pad_y + box.content_height <= tensor_height,
          ErrorCode::kInvalidArgument,
          "resize_normalize: letterbox content area does not fit in the " +
              std::to_string(tensor_width) + "x" + std::to_string(tensor_height) + " tensor");
}

void check_normalization(const Normalization& norm) {
  for (float s : norm.std) {
    require(std::isfinite(s) && s != 0.f, ErrorCode::kInvalidArgument,
            "normalization: std must be finite and non-zero");
  }
  for (float m : norm.mean) {
    require(std::isfinite(m), ErrorCode::kInvalidArgument, "normalization: mean must be finite");
  }
}

// Blends two RGBA rows into `row` (4 floats per pixel): a + (b - a) * w.
void blend_rows(const uint8_t* a, const uint8_t* b, float w, int count, float* row) {
  for (int i = 0; i < count; ++i) {
    const float fa = static_cast<float>(a[i]);
    const float fb = static_cast<float>(b[i]);
    row[i] = fa + (fb - fa) * w;
  }
}

}  // namespace

void Resizer::plan(int source_width, int source_height, int content_width, int content_height) {
  const int key[4] = {source_width, source_height, content_width, content_height};
  if (std::equal(key, key + 4, planned_)) return;
  auto fill = [](std::vector<Tap>& taps, int in_size, int out_size) {
    taps.resize(static_cast<size_t>(out_size) * 2);
    for (int d = 0; d < out_size; ++d) {
      const TapPair pair = tap_for(d, in_size, out_size);
      // Stored as (first, weight) then (second, unused) to keep one vector.
      taps[2 * d] = {pair.first, pair.weight};
      taps[2 * d + 1] = {pair.second, 0.f};
    }
  };
  fill(column_taps_, source_width, content_width);
  fill(row_taps_, source_height, content_height);
  row_buffer_.resize(static_cast<size_t>(source_width) * 4);
  std::copy(key, key + 4, planned_);
}

void Resizer::resize_normalize(const ImageView& image, const Letterbox& box, int tensor_width,
                               int tensor_height, Layout layout, const Normalization& norm,
                               float* out) {
  validate_image(image);
  check_tensor(box, tensor_width, tensor_height, layout, out);
  check_normalization(norm);
  plan(image.width, image.height, box.content_width, box.content_height);

  const size_t plane = static_cast<size_t>(tensor_width) * tensor_height;
  const bool covers_tensor = box.content_width == tensor_width &&
                             box.content_height == tensor_height;
  if (!covers_tensor) std::fill(out, out + plane * 3, 0.f);

  // value = blended * gain + bias == (blended / 255 - mean) / std
  float gain[3], bias[3];
  int source_channel[3];
  for (int c = 0; c < 3; ++c) {
    gain[c] = 1.f / (255.f * norm.std[c]);
    bias[c] = -norm.mean[c] / norm.std[c];
    source_channel[c] = norm.bgr ? 2 - c : c;
  }
  // Where consecutive channels and pixels of one output row go.
  const size_t channel_step = layout == Layout::kNCHW ? plane : 1;
  const size_t pixel_step = layout == Layout::kNCHW ? 1 : 3;
  float* row = row_buffer_.data();

  for (int y = 0; y < box.content_height; ++y) {
    const Tap& top = row_taps_[2 * y];
    const Tap& bottom = row_taps_[2 * y + 1];
    blend_rows(image.rgba + static_cast<size_t>(top.index) * image.stride_bytes,
               image.rgba + static_cast<size_t>(bottom.index) * image.stride_bytes, top.weight,
               image.width * 4, row);

    const size_t row_start = static_cast<size_t>(box.pad_y + y) * tensor_width + box.pad_x;
    float* dst = out + row_start * pixel_step;
    for (int x = 0; x < box.content_width; ++x) {
      const Tap& left = column_taps_[2 * x];
      const float* a = row + left.index * 4;
      const float* b = row + column_taps_[2 * x + 1].index * 4;
      for (int c = 0; c < 3; ++c) {
        const int s = source_channel[c];
        const float value = a[s] + (b[s] - a[s]) * left.weight;
        dst[c * channel_step] = value * gain[c] + bias[c];
      }
      dst += pixel_step;
    }
  }
}

void resize_normalize(const ImageView& image, int out_width, int out_height, Layout layout,
                      const Normalization& norm, float* out) {
  validate_image(image);
  Resizer resizer;
  resizer.resize_normalize(image, fit_image(image.width, image.height, out_width, out_height,
                                            Fit::kStretch),
                           out_width, out_height, layout, norm, out);
}

}  // namespace garden
