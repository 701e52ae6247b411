// PSENet's progressive scale expansion: from the model's kernel logits to one
// region per text instance, then to boxes.
//
// Kernel i is "on" where its logit exceeds min_pixel_salience and the text
// map (kernel 0, the largest) is on too. The 4-connected components of the
// smallest kernel (those of at least min_text_box_area pixels) seed the
// labels; a breadth-first expansion then grows them through each larger
// kernel in turn, first come first served: a pixel taken by one label is
// never taken by another. Regions smaller than min_text_box_area or whose
// mean text probability (sigmoid of kernel 0) is not above
// min_text_confidence are dropped. Names and defaults follow tfjs-models'
// text-detection.
#pragma once

#include <cstdint>
#include <vector>

#include "garden/graph.h"  // Layout
#include "text_box.h"

namespace garden {
namespace text {

enum class ProcessPoints { kMinAreaRect, kConvexHull, kPolygon };

struct PseOptions {
  float min_text_box_area = 10.f;    // map pixels
  float min_text_confidence = 0.94f;
  float min_pixel_salience = 1.f;    // a logit
  int resize_length = 256;           // longer image side fed to the model
  ProcessPoints process_points = ProcessPoints::kMinAreaRect;
};

void validate(const PseOptions& options);

// `count` maps of height x width logits: NCHW = `count` planes, NHWC =
// interleaved. Map 0 is the full text region, map count-1 the smallest kernel.
struct KernelMaps {
  const float* data = nullptr;
  int width = 0;
  int height = 0;
  int count = 0;
  Layout layout = Layout::kNCHW;
};

class PsePostprocessor {
 public:
  explicit PsePostprocessor(const PseOptions& options = {});

  std::vector<TextBox> run(const KernelMaps& kernels, const MapTransform& to_image);

  // The label map of the last run (0 = background), width x height.
  const std::vector<int32_t>& labels() const { return labels_; }

 private:
  void seed_from_smallest_kernel(const KernelMaps& kernels);
  void expand(const KernelMaps& kernels);
  std::vector<Point> region_points(const KernelMaps& kernels, int label, int first_x,
                                   int first_y) const;

  PseOptions options_;
  std::vector<uint8_t> mask_;
  std::vector<int32_t> labels_;
  std::vector<int32_t> queue_;
  std::vector<int32_t> next_queue_;
};

}  // namespace text
}  // namespace garden
