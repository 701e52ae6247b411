// PSENet progressive scale expansion (see pse_postprocess.h).
#include "pse_postprocess.h"

#include <cmath>
#include <string>

#include "contours.h"
#include "garden/error.h"
#include "garden/image.h"

namespace garden {
namespace text {
namespace {

constexpr int kMaxKernels = 64;
constexpr int kDx[4] = {1, 0, -1, 0};
constexpr int kDy[4] = {0, 1, 0, -1};

float logit_at(const KernelMaps& k, int kernel, size_t pixel) {
  return k.layout == Layout::kNCHW
             ? k.data[static_cast<size_t>(kernel) * k.width * k.height + pixel]
             : k.data[pixel * k.count + kernel];
}

void validate_kernels(const KernelMaps& k) {
  require(k.data != nullptr, ErrorCode::kInvalidArgument, "PSE: kernel data is null");
  require(k.width > 0 && k.height > 0, ErrorCode::kInvalidArgument,
          "PSE: map size must be positive");
  require(int64_t{k.width} * k.height <= kMaxImagePixels, ErrorCode::kLimitExceeded,
          "PSE: map exceeds the size limit");
  require(k.count >= 1 && k.count <= kMaxKernels, ErrorCode::kInvalidArgument,
          "PSE: kernel count must be in [1, 64], got " + std::to_string(k.count));
  require(k.layout == Layout::kNCHW || k.layout == Layout::kNHWC, ErrorCode::kInvalidArgument,
          "PSE: layout must be NCHW or NHWC");
}

// Kernels are masked by the text region: a kernel pixel outside it is noise.
bool kernel_on(const KernelMaps& k, int kernel, size_t pixel, float salience) {
  return logit_at(k, kernel, pixel) > salience && logit_at(k, 0, pixel) > salience;
}

float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

}  // namespace

void validate(const PseOptions& o) {
  require(std::isfinite(o.min_text_box_area) && o.min_text_box_area >= 0.f,
          ErrorCode::kInvalidArgument, "PSE: minTextBoxArea must be a non-negative number");
  require(std::isfinite(o.min_text_confidence) && o.min_text_confidence >= 0.f &&
              o.min_text_confidence <= 1.f,
          ErrorCode::kInvalidArgument, "PSE: minTextConfidence must be in [0, 1]");
  require(std::isfinite(o.min_pixel_salience), ErrorCode::kInvalidArgument,
          "PSE: minPixelSalience must be finite");
  require(o.resize_length >= 32 && o.resize_length <= kMaxImageSide,
          ErrorCode::kInvalidArgument, "PSE: resizeLength must be in [32, 16384]");
  require(o.process_points == ProcessPoints::kMinAreaRect ||
              o.process_points == ProcessPoints::kConvexHull ||
              o.process_points == ProcessPoints::kPolygon,
          ErrorCode::kInvalidArgument, "PSE: unknown processPoints");
}

PsePostprocessor::PsePostprocessor(const PseOptions& options) : options_(options) {
  validate(options_);
}

// Labels the components of the smallest kernel, keeping the large enough ones.
void PsePostprocessor::seed_from_smallest_kernel(const KernelMaps& k) {
  const size_t pixels = static_cast<size_t>(k.width) * k.height;
  mask_.resize(pixels);
  labels_.resize(pixels);
  for (size_t p = 0; p < pixels; ++p) {
    mask_[p] = kernel_on(k, k.count - 1, p, options_.min_pixel_salience) ? 1 : 0;
  }
  const std::vector<ComponentStats> seeds = label_components(
      mask_.data(), k.width, k.height, Connectivity::kFour, labels_.data(), queue_);
  std::vector<uint8_t> keep(seeds.size() + 1, 0);
  for (const ComponentStats& seed : seeds) {
    keep[seed.label] = static_cast<float>(seed.area) >= options_.min_text_box_area;
  }
  queue_.clear();
  for (size_t p = 0; p < pixels; ++p) {
    if (labels_[p] == 0) continue;
    if (keep[labels_[p]]) {
      queue_.push_back(static_cast<int32_t>(p));
    } else {
      labels_[p] = 0;
    }
  }
}

// Breadth-first growth through kernels count-2 .. 0. A pixel that could not
// grow into the current kernel waits in next_queue_ for the next larger one.
void PsePostprocessor::expand(const KernelMaps& k) {
  for (int kernel = k.count - 2; kernel >= 0; --kernel) {
    next_queue_.clear();
    for (size_t head = 0; head < queue_.size(); ++head) {
      const int32_t p = queue_[head];
      const int x = p % k.width, y = p / k.width;
      bool grew = false;
      for (int d = 0; d < 4; ++d) {
        const int nx = x + kDx[d], ny = y + kDy[d];
        if (nx < 0 || ny < 0 || nx >= k.width || ny >= k.height) continue;
        const int32_t q = ny * k.width + nx;
        if (labels_[q] != 0 || !kernel_on(k, kernel, q, options_.min_pixel_salience)) continue;
        labels_[q] = labels_[p];
        queue_.push_back(q);
        grew = true;
      }
      if (!grew) next_queue_.push_back(p);
    }
    queue_.swap(next_queue_);
  }
}

std::vector<Point> PsePostprocessor::region_points(const KernelMaps& k, int label, int first_x,
                                                   int first_y) const {
  std::vector<Point> contour =
      trace_outer_contour(labels_.data(), k.width, k.height, label, first_x, first_y);
  switch (options_.process_points) {
    case ProcessPoints::kPolygon:
      return contour;
    case ProcessPoints::kConvexHull:
      return convex_hull(std::move(contour));
    case ProcessPoints::kMinAreaRect:
    default: {
      const RotatedRect rect = min_area_rect(contour);
      return {rect.corners.begin(), rect.corners.end()};
    }
  }
}

std::vector<TextBox> PsePostprocessor::run(const KernelMaps& k, const MapTransform& to_image) {
  validate_kernels(k);
  validate_transform(to_image);
  seed_from_smallest_kernel(k);
  expand(k);

  // Per label: area, summed probability and first pixel in raster order.
  struct Region {
    int area = 0;
    double score_sum = 0.0;
    int first = -1;
  };
  std::vector<Region> regions;
  const size_t pixels = static_cast<size_t>(k.width) * k.height;
  for (size_t p = 0; p < pixels; ++p) {
    const int32_t label = labels_[p];
    if (label == 0) continue;
    if (static_cast<size_t>(label) >= regions.size()) regions.resize(label + 1);
    Region& r = regions[label];
    if (r.first < 0) r.first = static_cast<int>(p);
    ++r.area;
    r.score_sum += sigmoid(logit_at(k, 0, p));
  }

  std::vector<TextBox> boxes;
  for (size_t label = 1; label < regions.size(); ++label) {
    const Region& r = regions[label];
    if (r.area == 0 || static_cast<float>(r.area) < options_.min_text_box_area) continue;
    const float score = static_cast<float>(r.score_sum / r.area);
    if (!(score > options_.min_text_confidence)) continue;
    std::vector<Point> points = region_points(k, static_cast<int>(label), r.first % k.width,
                                              r.first / k.width);
    for (Point& p : points) p = to_image.to_image(p);
    boxes.push_back({std::move(points), score});
  }
  return boxes;
}

}  // namespace text
}  // namespace garden
