// Checks and mapping for text-detection maps (see text_box.h).
#include "text_box.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "garden/error.h"
#include "garden/image.h"

namespace garden {
namespace text {

Point MapTransform::to_image_unclipped(Point p) const { return {p.x * scale_x + offset_x, p.y * scale_y + offset_y}; }

Point MapTransform::to_image(Point p) const {
  const Point q = to_image_unclipped(p);
  return {std::clamp(q.x, 0.f, static_cast<float>(image_width - 1)),
          std::clamp(q.y, 0.f, static_cast<float>(image_height - 1))};
}

void validate_map(const MapView& map, const char* what) {
  const std::string name(what);
  require(map.data != nullptr, ErrorCode::kInvalidArgument, name + ": map data is null");
  require(map.width > 0 && map.height > 0, ErrorCode::kInvalidArgument,
          name + ": map size must be positive");
  require(map.width <= kMaxImageSide && map.height <= kMaxImageSide &&
              int64_t{map.width} * map.height <= kMaxImagePixels,
          ErrorCode::kLimitExceeded, name + ": map exceeds the size limit");
  require(map.stride >= map.width, ErrorCode::kInvalidArgument,
          name + ": map stride is smaller than its width");
}

void validate_transform(const MapTransform& t) {
  require(std::isfinite(t.scale_x) && std::isfinite(t.scale_y) && t.scale_x > 0 &&
              t.scale_y > 0 && std::isfinite(t.offset_x) && std::isfinite(t.offset_y),
          ErrorCode::kInvalidArgument, "map transform: scales must be positive and finite");
  require(t.image_width > 0 && t.image_height > 0, ErrorCode::kInvalidArgument,
          "map transform: image size must be positive");
}

}  // namespace text
}  // namespace garden
