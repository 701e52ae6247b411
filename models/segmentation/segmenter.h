// The segmentation runner: an image in, a class per pixel out.
//
//   garden::segmentation::Segmenter segmenter(model, garden::segmentation::preset("pascal"));
//   const auto& result = segmenter.segment(image);   // result.class_map, result.rgba, result.legend
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "garden/image.h"
#include "garden/session.h"
#include "runner/image_runner.h"

namespace garden {
namespace segmentation {

// normalization (RunnerOptions) unset: the model's own, else DeepLab's [-1, 1].
struct SegmenterOptions : runner::RunnerOptions {
  // DeepLab as tfjs-models runs it: longest side resized to the model's input, aspect kept.
  Fit fit = Fit::kKeepAspect;
  std::vector<std::string> labels;                // by class index; empty: the model's own
  std::vector<std::array<uint8_t, 3>> colormap;   // by class index
  // true: a single-channel person probability (selfie); the map is 0/1 at 0.5
  // and `mask` holds the soft probability.
  bool binary_soft_mask = false;
  // Map the result back to the image's own size (nearest), not the model's.
  bool output_at_image_size = false;
};

// "pascal" (21 classes), "cityscapes" (19), "ade20k" (151), "selfie".
SegmenterOptions preset(const std::string& base);
// Pascal VOC's bit-shift colormap, for `count` classes.
std::vector<std::array<uint8_t, 3>> pascal_colormap(int count);

struct LegendEntry {
  int index;
  std::string name;
  std::array<uint8_t, 3> color;
};

struct SegmentationResult {
  int width = 0, height = 0;        // of the maps below
  std::vector<uint8_t> class_map;   // width * height class indices
  std::vector<uint8_t> rgba;        // width * height * 4, colormap with alpha 255
  // width * height probabilities: the person probability of a soft-mask
  // model (always), or, when asked for (SegmentRequest), the probability of
  // each pixel's class (the softmax of its scores); else empty.
  std::vector<float> confidence;
  std::vector<LegendEntry> legend;  // the classes present, by index
};

// What one segment() call returns besides the class map.
struct SegmentRequest {
  bool at_image_size = false;  // maps at the image's size (nearest), not the model's
  bool confidence = false;     // fill SegmentationResult::confidence for class-score models too
};

class Segmenter {
 public:
  // Takes the model when it is given by move: its weights are freed once
  // packed (see Session(Model&&)). A model whose metadata names another task
  // is refused with Error(kUnsupportedModel).
  Segmenter(runner::ModelRef model, const SegmenterOptions& options);
  // The result is owned by the segmenter and reused by the next call (no
  // per-frame allocation once the size is stable). Without a request, the
  // maps are at the size options.output_at_image_size says, without confidence.
  const SegmentationResult& segment(const ImageView& image);
  const SegmentationResult& segment(const ImageView& image, const SegmentRequest& request);
  // Class names by index, for every index the model can produce.
  const std::vector<std::string>& labels() const { return options_.labels; }
  // A color for every class index the model can produce: the options' own,
  // then Pascal's.
  const std::vector<std::array<uint8_t, 3>>& colormap() const { return options_.colormap; }

 private:
  void read_output();

  bool scores_are_probabilities_;  // the model ends in its own softmax (read before the runner takes it)
  runner::ImageRunner runner_;
  SegmenterOptions options_;  // labels and colors filled in from the model
  SegmentationResult result_;

  // The output map, and the argmax over all of it (the content area is then
  // cropped from it), reused between calls.
  void crop_map(const Letterbox& box);
  void compute_classes(bool confidence);
  void sample_to_image(const Letterbox& box, int image_width, int image_height, bool at_image_size, bool confidence);
  void paint_and_list_classes();
  runner::MapShape map_;
  std::vector<uint8_t> full_classes_;  // map_.width * map_.height
  std::vector<float> full_confidence_;  // the class probability map, when computed
  int crop_x_ = 0, crop_y_ = 0, crop_width_ = 0, crop_height_ = 0;  // content, in map pixels
};

}  // namespace segmentation
}  // namespace garden
