#include "line_crop.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "garden/error.h"

namespace garden {
namespace text {
namespace {

double distance(Point a, Point b) { return std::hypot(double(a.x) - b.x, double(a.y) - b.y); }

// The projective map of the unit square onto the quad (Heckbert's closed
// form): (u, v) -> ((a u + b v + c) / w, (d u + e v + f) / w), w = g u + h v + 1,
// with (0,0), (1,0), (1,1), (0,1) landing on the quad's corners in order.
struct SquareToQuad {
  double a, b, c, d, e, f, g, h;

  explicit SquareToQuad(const Quad& q) {
    const double sx = double(q[0].x) - q[1].x + q[2].x - q[3].x;
    const double sy = double(q[0].y) - q[1].y + q[2].y - q[3].y;
    g = h = 0.0;
    if (sx != 0.0 || sy != 0.0) {
      const double dx1 = double(q[1].x) - q[2].x, dx2 = double(q[3].x) - q[2].x;
      const double dy1 = double(q[1].y) - q[2].y, dy2 = double(q[3].y) - q[2].y;
      const double den = dx1 * dy2 - dx2 * dy1;
      require(std::fabs(den) > 1e-12, ErrorCode::kInvalidArgument, "text box is degenerate (collinear corners)");
      g = (sx * dy2 - dx2 * sy) / den;
      h = (dx1 * sy - sx * dy1) / den;
    }
    a = q[1].x - q[0].x + g * q[1].x;
    b = q[3].x - q[0].x + h * q[3].x;
    c = q[0].x;
    d = q[1].y - q[0].y + g * q[1].y;
    e = q[3].y - q[0].y + h * q[3].y;
    f = q[0].y;
    // Three corners on one line (the quad is a triangle or a segment): no map.
    const double determinant = a * (e - f * h) - b * (d - f * g) + c * (d * h - e * g);
    require(determinant != 0.0 && std::isfinite(determinant), ErrorCode::kInvalidArgument,
            "text box is degenerate (collinear corners)");
  }

  Point map(double u, double v) const {
    const double w = g * u + h * v + 1.0;
    return {static_cast<float>((a * u + b * v + c) / w), static_cast<float>((d * u + e * v + f) / w)};
  }
};

// Bicubic sample (OpenCV's INTER_CUBIC: a = -0.75) at (x, y) in pixel-index
// coordinates, clamped to the border. A self-intersecting quad can map a
// pixel to infinity: it reads the corner.
void sample(const ImageView& image, Point p, uint8_t* out) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) p = {0.f, 0.f};
  const float x = std::min(std::max(p.x, 0.f), float(image.width - 1));
  const float y = std::min(std::max(p.y, 0.f), float(image.height - 1));
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  const auto weights = [](float t, float w[4]) {
    constexpr float a = -0.75f;
    const auto near = [](float d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };
    const auto far = [](float d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };
    w[0] = far(1 + t); w[1] = near(t); w[2] = near(1 - t); w[3] = far(2 - t);
  };
  float wx[4], wy[4];
  weights(x - float(x0), wx);
  weights(y - float(y0), wy);
  for (int c = 0; c < 4; ++c) {
    float sum = 0.f;
    for (int j = 0; j < 4; ++j) {
      const int yy = std::min(std::max(y0 - 1 + j, 0), image.height - 1);
      const uint8_t* row = image.rgba + static_cast<size_t>(yy) * image.stride_bytes;
      float line = 0.f;
      for (int i = 0; i < 4; ++i) line += wx[i] * row[std::min(std::max(x0 - 1 + i, 0), image.width - 1) * 4 + c];
      sum += wy[j] * line;
    }
    out[c] = static_cast<uint8_t>(std::lround(std::min(std::max(sum, 0.f), 255.f)));
  }
}

LineCrop turned_counter_clockwise(const LineCrop& crop) {
  LineCrop result{std::vector<uint8_t>(crop.rgba.size()), crop.height, crop.width};
  for (int y = 0; y < result.height; ++y)
    for (int x = 0; x < result.width; ++x)
      std::copy_n(&crop.rgba[(static_cast<size_t>(x) * crop.width + (crop.width - 1 - y)) * 4], 4,
                  &result.rgba[(static_cast<size_t>(y) * result.width + x) * 4]);
  return result;
}

// A length for a message; it may be far beyond any integer type.
std::string pixels(double length) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", length);
  return text;
}

// The crop's size before the turn, after the checks on the box.
CropSize upright_size(const Quad& quad) {
  for (const Point& p : quad)
    require(std::isfinite(p.x) && std::isfinite(p.y), ErrorCode::kInvalidArgument, "text box has a non-finite corner");
  const double width = std::max(distance(quad[0], quad[1]), distance(quad[2], quad[3]));
  const double height = std::max(distance(quad[0], quad[3]), distance(quad[1], quad[2]));
  require(width >= 1.0 && height >= 1.0, ErrorCode::kInvalidArgument, "text box is under one pixel");
  require(width <= kMaxCropSide && height <= kMaxCropSide && width * height <= double(kMaxCropPixels),
          ErrorCode::kInvalidArgument,
          "text box of " + pixels(width) + " x " + pixels(height) + " pixels exceeds the crop limit (" +
              std::to_string(kMaxCropSide) + " a side, " + std::to_string(kMaxCropPixels) + " in all)");
  return {static_cast<int>(width), static_cast<int>(height)};  // truncated, as PaddleOCR's int() does
}

bool turned(const CropSize& size) { return size.height >= 1.5 * size.width; }

}  // namespace

CropSize line_crop_size(const Quad& quad) {
  const CropSize size = upright_size(quad);
  return turned(size) ? CropSize{size.height, size.width} : size;
}

LineCrop crop_line(const ImageView& image, const Quad& quad, int min_height) {
  validate_image(image);
  CropSize size = upright_size(quad);
  const bool turn = turned(size);
  const int line_height = turn ? size.width : size.height;
  if (min_height > line_height) {
    const double scale = double(min_height) / line_height;
    const auto scaled = [scale](int side) { return static_cast<int>(std::min<double>(std::ceil(side * scale), kMaxCropSide)); };
    size = turn ? CropSize{min_height, scaled(size.height)} : CropSize{scaled(size.width), min_height};
  }
  const SquareToQuad to_source(quad);
  LineCrop crop;
  crop.width = size.width;
  crop.height = size.height;
  crop.rgba.resize(static_cast<size_t>(crop.width) * crop.height * 4);
  for (int y = 0; y < crop.height; ++y)
    for (int x = 0; x < crop.width; ++x)
      sample(image, to_source.map(double(x) / crop.width, double(y) / crop.height),
             &crop.rgba[(static_cast<size_t>(y) * crop.width + x) * 4]);
  if (turn) return turned_counter_clockwise(crop);
  return crop;
}

void turn_half(LineCrop& crop) {
  // A half turn reverses the order of the pixels; each keeps its 4 bytes.
  const size_t pixels = crop.rgba.size() / 4;
  for (size_t front = 0, back = pixels; front + 1 < back; ++front) {
    --back;
    std::swap_ranges(crop.rgba.begin() + static_cast<std::ptrdiff_t>(front * 4),
                     crop.rgba.begin() + static_cast<std::ptrdiff_t>(front * 4 + 4),
                     crop.rgba.begin() + static_cast<std::ptrdiff_t>(back * 4));
  }
}

Normalization paddle_line_normalization() {
  Normalization n;
  for (int c = 0; c < 3; ++c) {
    n.mean[c] = 0.5f;
    n.std[c] = 0.5f;
  }
  n.bgr = true;
  return n;
}

}  // namespace text
}  // namespace garden
