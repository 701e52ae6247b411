// Pixel work shared by every runner: RGBA8 images resized and normalized
// straight into a model's input tensor, the mapping of tensor coordinates back
// to the source image, and the small reductions post-processing needs
// (argmax over channels, softmax, top-k).
//
//   garden::ImageView image{pixels, width, height, width * 4};
//   garden::Letterbox box = garden::fit_image(width, height, 640, 640, garden::Fit::kKeepAspect);
//   resizer.resize_normalize(image, box, 640, 640, garden::Layout::kNCHW, norm, input);
//   float x_in_image = box.to_source_x(x_in_tensor);
//
// All functions validate their arguments and throw garden::Error
// (kInvalidArgument, kLimitExceeded); none of them aborts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"  // Layout

namespace garden {

// Bounds on what the image functions accept: large enough for any camera or
// photo, small enough that sizes and offsets never overflow.
constexpr int kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = int64_t{1} << 28;

// Borrowed RGBA8 pixels, rows `stride_bytes` apart (>= width * 4).
struct ImageView {
  const uint8_t* rgba = nullptr;
  int width = 0;
  int height = 0;
  int stride_bytes = 0;
};

// Throws unless the view describes readable pixels within the size bounds.
void validate_image(const ImageView& image);

// value = (pixel / 255 - mean[c]) / std[c], where c is the output channel.
// With bgr, output channel 0 is blue (PaddleOCR and other OpenCV-trained
// models), and mean/std are given in that output order.
struct Normalization {
  float mean[3] = {0.f, 0.f, 0.f};
  float std[3] = {1.f, 1.f, 1.f};
  bool bgr = false;
};

Normalization imagenet_normalization(bool bgr = false);
// (pixel / 127.5) - 1, the [-1, 1] scaling of TF.js and MobileNet-style models.
Normalization symmetric_normalization();

// Where the resized image sits inside the tensor: the content area starts at
// (pad_x, pad_y) and is content_width x content_height tensor pixels; the rest
// of the tensor is filled with normalized zeros. scale_* = tensor pixels per
// source pixel, so a tensor coordinate x maps to (x - pad_x) / scale_x.
struct Letterbox {
  int pad_x = 0;
  int pad_y = 0;
  int content_width = 0;
  int content_height = 0;
  float scale_x = 1.f;
  float scale_y = 1.f;

  float to_source_x(float x) const { return (x - static_cast<float>(pad_x)) / scale_x; }
  float to_source_y(float y) const { return (y - static_cast<float>(pad_y)) / scale_y; }
};

enum class Fit {
  kStretch,             // fill the whole tensor; aspect ratio may change
  kKeepAspect,          // largest aspect-preserving fit, placed at the top-left
  kKeepAspectCentered,  // largest aspect-preserving fit, centered
  kKeepAspectNoUpscale,  // like kKeepAspect but never enlarges (PaddleOCR's "max" limit)
  // The tensor's full height; the width by the aspect ratio, rounded up, at
  // most the tensor's (a wider image is squeezed); at the top-left. PaddleOCR's
  // resize of a text line (resize_norm_img).
  kTextLine
};

Letterbox fit_image(int source_width, int source_height, int tensor_width, int tensor_height,
                    Fit fit);

// Bilinear resampling with half-pixel centers (cv2.resize INTER_LINEAR,
// tf.image.resize(half_pixel_centers=True)) and normalization in one pass.
// `out` holds tensor_width * tensor_height * 3 floats laid out as NCHW
// (3 planes) or NHWC (interleaved) for batch 1. The Resizer keeps its index
// tables between calls, so a stream of same-sized frames allocates nothing.
class Resizer {
 public:
  void resize_normalize(const ImageView& image, const Letterbox& box, int tensor_width,
                        int tensor_height, Layout layout, const Normalization& norm, float* out);

 private:
  struct Tap {
    int index;     // first source sample
    float weight;  // weight of the next sample (index + 1)
  };
  void plan(int source_width, int source_height, int content_width, int content_height);

  std::vector<Tap> column_taps_;
  std::vector<Tap> row_taps_;
  std::vector<float> row_buffer_;  // one vertically blended source row, RGB
  int planned_[4] = {0, 0, 0, 0};
};

// Convenience: stretch the whole image over the tensor (allocates the tables).
void resize_normalize(const ImageView& image, int out_width, int out_height, Layout layout,
                      const Normalization& norm, float* out);

// Per pixel, the index of the largest of `channels` scores (first one on ties).
// `scores` is one image of height x width x channels in `layout` (NCHW =
// channel planes, NHWC = interleaved). channels must be in [1, 256].
void argmax_channels(const float* scores, int height, int width, int channels, Layout layout,
                     uint8_t* out);

// Numerically stable softmax of n values; `in` and `out` may alias.
void softmax(const float* in, size_t n, float* out);

struct ScoredIndex {
  int index;
  float score;
};

// The k largest scores, highest first; equal scores keep the lower index first.
// Returns min(k, n) entries. NaN scores are never selected ahead of numbers.
std::vector<ScoredIndex> top_k(const float* scores, size_t n, size_t k);

}  // namespace garden
