// resize_normalize against a plain double-precision bilinear reference, and
// the small reductions of garden/image.h.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "garden/image.h"

using garden::ErrorCode;
using garden::ImageView;
using garden::Layout;
using garden::Letterbox;
using garden::Normalization;

namespace {

struct TestImage {
  std::vector<uint8_t> bytes;
  ImageView view;
};

// Random RGBA pixels; rows padded with `row_padding` junk bytes.
TestImage random_image(int width, int height, int row_padding, uint32_t seed) {
  TestImage image;
  const int stride = width * 4 + row_padding;
  image.bytes.resize(static_cast<size_t>(stride) * height);
  std::mt19937 rng(seed);
  for (uint8_t& b : image.bytes) b = static_cast<uint8_t>(rng() & 0xFF);
  image.view = {image.bytes.data(), width, height, stride};
  return image;
}

// Half-pixel-center bilinear sample in double, the way cv2.resize
// INTER_LINEAR defines it: src = (dst + 0.5) * in / out - 0.5, clamped.
double reference_sample(const ImageView& image, int content_w, int content_h, int x, int y,
                        int channel) {
  auto axis = [](int dst, int in, int out, int& i0, int& i1, double& w) {
    double src = (dst + 0.5) * in / out - 0.5;
    if (src < 0) src = 0;
    i0 = static_cast<int>(std::floor(src));
    if (i0 >= in - 1) {
      i0 = i1 = in - 1;
      w = 0;
      return;
    }
    i1 = i0 + 1;
    w = src - i0;
  };
  int x0, x1, y0, y1;
  double wx, wy;
  axis(x, image.width, content_w, x0, x1, wx);
  axis(y, image.height, content_h, y0, y1, wy);
  auto pixel = [&](int px, int py) {
    return static_cast<double>(image.rgba[py * image.stride_bytes + px * 4 + channel]);
  };
  return (pixel(x0, y0) * (1 - wx) + pixel(x1, y0) * wx) * (1 - wy) +
         (pixel(x0, y1) * (1 - wx) + pixel(x1, y1) * wx) * wy;
}

double reference_value(const ImageView& image, const Letterbox& box, int x, int y, int out_c,
                       const Normalization& norm) {
  const int cx = x - box.pad_x, cy = y - box.pad_y;
  if (cx < 0 || cy < 0 || cx >= box.content_width || cy >= box.content_height) return 0.0;
  const int source_channel = norm.bgr ? 2 - out_c : out_c;
  const double v = reference_sample(image, box.content_width, box.content_height, cx, cy,
                                    source_channel);
  return (v / 255.0 - norm.mean[out_c]) / norm.std[out_c];
}

double max_difference(const ImageView& image, const Letterbox& box, int out_w, int out_h,
                      Layout layout, const Normalization& norm, const std::vector<float>& out) {
  double worst = 0;
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < out_h; ++y) {
      for (int x = 0; x < out_w; ++x) {
        const size_t at = layout == Layout::kNCHW
                              ? (static_cast<size_t>(c) * out_h + y) * out_w + x
                              : (static_cast<size_t>(y) * out_w + x) * 3 + c;
        const double expected = reference_value(image, box, x, y, c, norm);
        worst = std::max(worst, std::fabs(expected - out[at]));
      }
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("resize_normalize matches a double-precision bilinear reference", "[image]") {
  constexpr double kTolerance = 1e-5;  // on normalized values (std ~ 0.22 => ~0.3/255 px)
  struct Case {
    int in_w, in_h, out_w, out_h, padding;
  };
  const Case cases[] = {
      {37, 23, 64, 48, 0},    // upscale, odd sizes
      {101, 77, 31, 19, 5},   // downscale, padded rows
      {1, 1, 7, 5, 3},        // a single pixel
      {513, 3, 97, 61, 0},    // wide and thin, anisotropic
      {999, 701, 224, 224, 1},  // a photo-sized downscale
  };
  uint32_t seed = 1;
  for (const Case& k : cases) {
    const TestImage image = random_image(k.in_w, k.in_h, k.padding, seed++);
    for (const bool bgr : {false, true}) {
      const Normalization norm = garden::imagenet_normalization(bgr);
      for (const Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
        std::vector<float> out(static_cast<size_t>(k.out_w) * k.out_h * 3, 123.f);
        garden::resize_normalize(image.view, k.out_w, k.out_h, layout, norm, out.data());
        const Letterbox stretch = garden::fit_image(k.in_w, k.in_h, k.out_w, k.out_h,
                                                    garden::Fit::kStretch);
        INFO(k.in_w << "x" << k.in_h << " -> " << k.out_w << "x" << k.out_h << " bgr " << bgr
                    << " nhwc " << (layout == Layout::kNHWC));
        CHECK(max_difference(image.view, stretch, k.out_w, k.out_h, layout, norm, out) <=
              kTolerance);
      }
    }
  }
}

TEST_CASE("letterboxed resize fills the content area and zeroes the padding", "[image]") {
  constexpr double kTolerance = 1e-5;
  const TestImage image = random_image(83, 41, 2, 99);
  const Normalization norm = garden::symmetric_normalization();
  garden::Resizer resizer;
  for (const garden::Fit fit : {garden::Fit::kKeepAspect, garden::Fit::kKeepAspectCentered,
                                garden::Fit::kKeepAspectNoUpscale, garden::Fit::kTextLine}) {
    const Letterbox box = garden::fit_image(83, 41, 128, 96, fit);
    std::vector<float> out(128 * 96 * 3, 55.f);
    resizer.resize_normalize(image.view, box, 128, 96, Layout::kNCHW, norm, out.data());
    CHECK(max_difference(image.view, box, 128, 96, Layout::kNCHW, norm, out) <= kTolerance);
  }
  const Letterbox fit = garden::fit_image(83, 41, 128, 96, garden::Fit::kKeepAspect);
  CHECK(fit.content_width == 128);
  CHECK(fit.content_height == 63);  // round(41 * 128 / 83)
  const Letterbox centered = garden::fit_image(83, 41, 128, 96, garden::Fit::kKeepAspectCentered);
  CHECK(centered.pad_y == (96 - 63) / 2);
  const Letterbox small = garden::fit_image(83, 41, 128, 96, garden::Fit::kKeepAspectNoUpscale);
  CHECK(small.content_width == 83);
  CHECK(small.content_height == 41);
  // A text line: always the full height, the width rounded up, squeezed when too wide (PaddleOCR's resize_norm_img).
  const Letterbox line = garden::fit_image(83, 41, 128, 96, garden::Fit::kTextLine);
  CHECK(line.content_height == 96);
  CHECK(line.content_width == 128);  // ceil(96 * 83 / 41) = 195, at most 128
  const Letterbox narrow = garden::fit_image(83, 41, 192, 48, garden::Fit::kTextLine);
  CHECK(narrow.content_height == 48);
  CHECK(narrow.content_width == 98);  // ceil(48 * 83 / 41) = ceil(97.17)
  CHECK(narrow.pad_x == 0);
  // Mapping back: the tensor's content edges land on the image's edges.
  CHECK(centered.to_source_x(static_cast<float>(centered.pad_x + centered.content_width)) ==
        Approx(83.f).margin(1e-4));
  CHECK(centered.to_source_y(static_cast<float>(centered.pad_y)) == Approx(0.f).margin(1e-4));
}

TEST_CASE("resize_normalize reproduces hand-computed half-pixel values", "[image]") {
  // A 2x1 image (0 then 255 in every channel) stretched to 4x1: sample
  // positions -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  const uint8_t pixels[8] = {0, 0, 0, 255, 255, 255, 255, 255};
  const ImageView image{pixels, 2, 1, 8};
  Normalization identity;  // mean 0, std 1: value = pixel / 255
  float out[12];
  garden::resize_normalize(image, 4, 1, Layout::kNHWC, identity, out);
  const float expected[4] = {0.f, 63.75f / 255.f, 191.25f / 255.f, 1.f};
  for (int x = 0; x < 4; ++x) {
    for (int c = 0; c < 3; ++c) CHECK(out[x * 3 + c] == Approx(expected[x]).margin(1e-6));
  }
}

TEST_CASE("image arguments are validated", "[image]") {
  std::vector<uint8_t> pixels(64 * 4);
  std::vector<float> out(8 * 8 * 3);
  const Normalization norm = garden::imagenet_normalization();
  auto code_of = [&](ImageView view, int w = 8, int h = 8, Layout layout = Layout::kNCHW,
                     float* dst = nullptr) {
    try {
      garden::resize_normalize(view, w, h, layout, norm, dst ? dst : out.data());
    } catch (const garden::Error& e) {
      return static_cast<int>(e.code());
    }
    return -1;
  };
  const int invalid = static_cast<int>(ErrorCode::kInvalidArgument);
  const int limit = static_cast<int>(ErrorCode::kLimitExceeded);
  CHECK(code_of({nullptr, 8, 8, 32}) == invalid);
  CHECK(code_of({pixels.data(), 0, 8, 32}) == invalid);
  CHECK(code_of({pixels.data(), 8, -1, 32}) == invalid);
  CHECK(code_of({pixels.data(), 8, 8, 31}) == invalid);  // stride < width * 4
  CHECK(code_of({pixels.data(), 100000, 8, 400000}) == limit);
  CHECK(code_of({pixels.data(), 16000, 16385, 64000}) == limit);
  CHECK(code_of({pixels.data(), 8, 8, 32}, 0, 8) == invalid);
  CHECK(code_of({pixels.data(), 8, 8, 32}, 20000, 8) == limit);
  CHECK(code_of({pixels.data(), 8, 8, 32}, 8, 8, Layout::kAny) == invalid);
  CHECK(code_of({pixels.data(), 8, 8, 32}) == -1);  // the valid call succeeds

  Normalization zero_std = norm;
  zero_std.std[1] = 0.f;
  CHECK_THROWS_AS(garden::resize_normalize({pixels.data(), 8, 8, 32}, 8, 8, Layout::kNCHW,
                                           zero_std, out.data()),
                  garden::Error);
  garden::Resizer resizer;
  Letterbox too_big = garden::fit_image(8, 8, 8, 8, garden::Fit::kStretch);
  too_big.pad_x = 1;  // content would overrun the tensor
  CHECK_THROWS_AS(resizer.resize_normalize({pixels.data(), 8, 8, 32}, too_big, 8, 8,
                                           Layout::kNCHW, norm, out.data()),
                  garden::Error);
}

TEST_CASE("argmax_channels picks the largest channel per pixel", "[image]") {
  // 2x3 pixels, 4 channels; the winning channel per pixel is (p % 4), ties
  // go to the first channel.
  const int h = 2, w = 3, c = 4;
  std::vector<float> nhwc(h * w * c, 0.f), nchw(h * w * c, 0.f);
  for (int p = 0; p < h * w; ++p) {
    for (int k = 0; k < c; ++k) {
      const float v = (k == p % c) ? 5.f + p : -1.f * k;
      nhwc[p * c + k] = v;
      nchw[k * h * w + p] = v;
    }
  }
  nhwc[5 * c + 3] = nhwc[5 * c + 1];  // pixel 5: tie between channels 1 and 3
  nchw[3 * h * w + 5] = nchw[1 * h * w + 5];
  std::vector<uint8_t> a(h * w), b(h * w);
  garden::argmax_channels(nhwc.data(), h, w, c, Layout::kNHWC, a.data());
  garden::argmax_channels(nchw.data(), h, w, c, Layout::kNCHW, b.data());
  const uint8_t expected[6] = {0, 1, 2, 3, 0, 1};
  for (int p = 0; p < h * w; ++p) {
    CHECK(a[p] == expected[p]);
    CHECK(b[p] == expected[p]);
  }
  CHECK_THROWS_AS(garden::argmax_channels(nhwc.data(), h, w, 257, Layout::kNHWC, a.data()),
                  garden::Error);
  CHECK_THROWS_AS(garden::argmax_channels(nullptr, h, w, c, Layout::kNHWC, a.data()),
                  garden::Error);
}

TEST_CASE("softmax is normalized, ordered and stable for large logits", "[image]") {
  const float logits[4] = {1000.f, 999.f, 0.f, -1000.f};
  float p[4];
  garden::softmax(logits, 4, p);
  double sum = 0;
  for (float v : p) {
    CHECK(std::isfinite(v));
    sum += v;
  }
  CHECK(sum == Approx(1.0).margin(1e-6));
  // p0 / p1 = e
  CHECK(p[0] / p[1] == Approx(std::exp(1.0)).epsilon(1e-5));
  CHECK(p[3] == 0.f);
  float same[3] = {2.f, 2.f, 2.f};
  garden::softmax(same, 3, same);  // in place
  for (float v : same) CHECK(v == Approx(1.0 / 3).margin(1e-7));
}

TEST_CASE("top_k returns the k best scores, highest first", "[image]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float scores[8] = {0.1f, 0.7f, nan, 0.7f, 0.05f, 0.9f, -2.f, 0.3f};
  const auto top3 = garden::top_k(scores, 8, 3);
  REQUIRE(top3.size() == 3);
  CHECK(top3[0].index == 5);
  CHECK(top3[1].index == 1);  // tie at 0.7: lower index first
  CHECK(top3[2].index == 3);
  CHECK(top3[0].score == 0.9f);
  const auto all = garden::top_k(scores, 8, 20);
  REQUIRE(all.size() == 8);
  CHECK(all[6].index == 6);       // -2 is the lowest number
  CHECK(all[7].index == 2);       // NaN ranks after every number
  // Against a full sort of random scores.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-5.f, 5.f);
  std::vector<float> many(1000);
  for (float& v : many) v = dist(rng);
  const auto top5 = garden::top_k(many.data(), many.size(), 5);
  std::vector<float> sorted = many;
  std::sort(sorted.begin(), sorted.end(), std::greater<float>());
  for (int i = 0; i < 5; ++i) CHECK(top5[i].score == sorted[i]);
  CHECK(garden::top_k(scores, 8, 0).empty());
}
