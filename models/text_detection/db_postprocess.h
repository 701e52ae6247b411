// PaddleOCR's DB (Differentiable Binarization) post-processing: from a text
// probability map to rotated boxes around text lines.
//
// binarize at `thresh` -> outer contours of the 8-connected regions -> per
// region: minimum-area rectangle (drop if its short side < min_size), mean
// probability inside it (drop if < box_thresh), grow it by
// area * unclip_ratio / perimeter on every side, rectangle again (drop if its
// short side < min_size + 2), map to the image, clip, order the corners.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "text_box.h"

namespace garden {
namespace text {

// How a region's score is measured (PaddleOCR's det_db_score_mode):
// kFast averages over the region's rotated box, kSlow over the region
// itself (its outer contour, holes included). Curved or slanted lines fill
// their box poorly, so kSlow keeps them where kFast may not.
enum class ScoreMode { kFast, kSlow };

struct DbOptions {  // PaddleOCR's defaults
  float thresh = 0.3f;
  float box_thresh = 0.6f;
  float unclip_ratio = 1.5f;
  int max_candidates = 1000;
  int min_size = 3;
  ScoreMode score_mode = ScoreMode::kFast;
};

void validate(const DbOptions& options);

class DbPostprocessor {
 public:
  explicit DbPostprocessor(const DbOptions& options = {});

  // `probability` is the model's [H, W] text map; boxes are in image pixels.
  std::vector<TextBox> run(const MapView& probability, const MapTransform& to_image);

 private:
  float box_score(const MapView& probability, const std::array<Point, 4>& box) const;
  float region_score(const MapView& probability, const std::vector<Point>& contour,
                     int label) const;

  DbOptions options_;
  // Scratch reused across frames.
  std::vector<uint8_t> bitmap_;
  std::vector<int32_t> labels_;
  std::vector<int32_t> queue_;
};

}  // namespace text
}  // namespace garden
