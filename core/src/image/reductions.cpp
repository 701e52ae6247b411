// argmax over channels, softmax and top-k (see garden/image.h).
#include <algorithm>
#include <cmath>
#include <string>

#include "garden/image.h"

namespace garden {

void argmax_channels(const float* scores, int height, int width, int channels, Layout layout,
                     uint8_t* out) {
  require(scores != nullptr && out != nullptr, ErrorCode::kInvalidArgument,
          "argmax_channels: null buffer");
  require(height > 0 && width > 0, ErrorCode::kInvalidArgument,
          "argmax_channels: size must be positive");
  require(int64_t{height} * width <= kMaxImagePixels, ErrorCode::kLimitExceeded,
          "argmax_channels: map exceeds the size limit");
  require(channels >= 1 && channels <= 256, ErrorCode::kInvalidArgument,
          "argmax_channels: channels must be in [1, 256], got " + std::to_string(channels));
  require(layout == Layout::kNCHW || layout == Layout::kNHWC, ErrorCode::kInvalidArgument,
          "argmax_channels: layout must be NCHW or NHWC");

  const size_t pixels = static_cast<size_t>(height) * width;
  const size_t channel_step = layout == Layout::kNCHW ? pixels : 1;
  const size_t pixel_step = layout == Layout::kNCHW ? 1 : static_cast<size_t>(channels);
  for (size_t p = 0; p < pixels; ++p) {
    const float* s = scores + p * pixel_step;
    int best = 0;
    float best_score = s[0];
    for (int c = 1; c < channels; ++c) {
      const float v = s[c * channel_step];
      // A NaN first score is replaced by the first number after it.
      if (v > best_score || (std::isnan(best_score) && !std::isnan(v))) {
        best = c;
        best_score = v;
      }
    }
    out[p] = static_cast<uint8_t>(best);
  }
}

void softmax(const float* in, size_t n, float* out) {
  if (n == 0) return;
  require(in != nullptr && out != nullptr, ErrorCode::kInvalidArgument, "softmax: null buffer");
  // Subtracting the maximum keeps exp() finite for any finite input.
  float max_value = in[0];
  for (size_t i = 1; i < n; ++i) max_value = std::max(max_value, in[i]);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = std::exp(in[i] - max_value);
    sum += out[i];
  }
  const float inverse = static_cast<float>(1.0 / sum);
  for (size_t i = 0; i < n; ++i) out[i] *= inverse;
}

namespace {

// Strict "ranks before": higher score first, NaN after every number, lower
// index first among equals.
bool ranks_before(const ScoredIndex& a, const ScoredIndex& b) {
  const bool a_nan = std::isnan(a.score);
  const bool b_nan = std::isnan(b.score);
  if (a_nan != b_nan) return b_nan;
  if (!a_nan && a.score != b.score) return a.score > b.score;
  return a.index < b.index;
}

}  // namespace

std::vector<ScoredIndex> top_k(const float* scores, size_t n, size_t k) {
  require(scores != nullptr || n == 0, ErrorCode::kInvalidArgument, "top_k: null scores");
  require(n <= static_cast<size_t>(INT32_MAX), ErrorCode::kLimitExceeded,
          "top_k: too many scores");
  const size_t keep = std::min(k, n);
  std::vector<ScoredIndex> best;
  best.reserve(keep);
  if (keep == 0) return best;
  // Insertion into a sorted array of `keep` entries: k is small in practice
  // (top-5 of 1000 classes), where this beats sorting all n.
  for (size_t i = 0; i < n; ++i) {
    const ScoredIndex candidate{static_cast<int>(i), scores[i]};
    if (best.size() == keep && !ranks_before(candidate, best.back())) continue;
    if (best.size() == keep) best.pop_back();
    const auto at = std::upper_bound(best.begin(), best.end(), candidate, ranks_before);
    best.insert(at, candidate);
  }
  return best;
}

}  // namespace garden
