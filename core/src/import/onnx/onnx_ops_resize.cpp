// Resize (opset 10+) and Upsample (opset 7-9).
//
// The graph's Resize2D has no nearest-rounding attribute: its nearest mode
// picks, per output index x along an axis of `in` -> `out` elements,
//   kAsymmetric:   floor(x * in / out)
//   kHalfPixel:    floor((x + 0.5) * in / out)
//   kAlignCorners: round-half-up(x * (in - 1) / (out - 1))
// (TensorFlow's rules), clamped to in - 1. ONNX spells nearest sampling with
// a coordinate transformation and a rounding mode; the importer computes the
// ONNX source index of every output index and keeps the first graph mode that
// picks exactly the same pixels.
//
// What Resize2D cannot express (cubic sampling, nearest indices no graph
// mode picks, a scale that is not out/in, exclude_outside, the
// half_pixel_symmetric coordinates) runs as two matrix products: along each
// axis the output is a fixed weighted sum of input samples, ONNX's reference
// interpolation written out as an [out, in] matrix, applied as a
// FullyConnected to the rows (W) and then, transposed, to the columns (H).
#include <algorithm>
#include <cmath>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {
namespace {

struct ResizeRequest {
  Shape out;
  double scale[2] = {0, 0};  // ONNX scale per spatial axis (out/in when given sizes)
  std::string mode = "nearest";
  std::string coordinate = "half_pixel";
  std::string nearest = "round_prefer_floor";
  float cubic_a = -0.75f;
  bool exclude_outside = false;
};

double onnx_source_coordinate(const ResizeRequest& r, int axis, int64_t x, int64_t in, int64_t out) {
  const std::string& c = r.coordinate;
  double s = r.scale[axis];
  if (c == "align_corners") return out == 1 ? 0.0 : static_cast<double>(x) * (in - 1) / (out - 1);
  if (c == "asymmetric") return x / s;
  if (c == "pytorch_half_pixel" && out == 1) return 0.0;
  return (x + 0.5) / s - 0.5;  // half_pixel, pytorch_half_pixel
}

int64_t clamp_index(double v, int64_t in) {
  if (!(v > 0)) return 0;  // also NaN
  if (v > static_cast<double>(in - 1)) return in - 1;
  return static_cast<int64_t>(v);
}

// Coordinate v rounded to a sample as nearest_mode says (not yet clamped).
double nearest_rounded(const ResizeRequest& r, int axis, double v) {
  const std::string& n = r.nearest;
  if (n == "floor") return std::floor(v);
  if (n == "ceil") return std::ceil(v);
  if (n == "round_prefer_ceil") return std::floor(v + 0.5);
  if (n == "simple") return r.scale[axis] < 1 ? std::ceil(v) : std::floor(v);  // Upsample
  return std::ceil(v - 0.5);  // round_prefer_floor
}

int64_t onnx_nearest_index(const ResizeRequest& r, int axis, int64_t x, int64_t in, int64_t out) {
  return clamp_index(nearest_rounded(r, axis, onnx_source_coordinate(r, axis, x, in, out)), in);
}

int64_t graph_nearest_index(CoordinateMode mode, int64_t x, int64_t in, int64_t out) {
  switch (mode) {
    case CoordinateMode::kAsymmetric: return clamp_index(std::floor(static_cast<double>(x) * in / out), in);
    case CoordinateMode::kHalfPixel: return clamp_index(std::floor((x + 0.5) * in / out), in);
    case CoordinateMode::kAlignCorners:
      return out == 1 ? 0 : clamp_index(std::floor(static_cast<double>(x) * (in - 1) / (out - 1) + 0.5), in);
  }
  return 0;
}

bool same_nearest_indices(const ResizeRequest& r, CoordinateMode mode, const Shape& in) {
  for (int axis = 0; axis < 2; ++axis) {
    int64_t n_in = in[static_cast<size_t>(2 + axis)], n_out = r.out[static_cast<size_t>(2 + axis)];
    for (int64_t x = 0; x < n_out; ++x)
      if (onnx_nearest_index(r, axis, x, n_in, n_out) != graph_nearest_index(mode, x, n_in, n_out)) return false;
  }
  return true;
}

CoordinateMode declared_mode(const std::string& coordinate) {
  if (coordinate == "align_corners") return CoordinateMode::kAlignCorners;
  if (coordinate == "asymmetric") return CoordinateMode::kAsymmetric;
  return CoordinateMode::kHalfPixel;
}

// The graph mode that picks the same pixels, or nothing.
std::optional<CoordinateMode> nearest_mode(const ResizeRequest& r, const Shape& in) {
  if (r.exclude_outside || r.coordinate == "half_pixel_symmetric") return std::nullopt;
  // Integer factors often match several modes; the declared one reads best.
  CoordinateMode declared = declared_mode(r.coordinate);
  if (same_nearest_indices(r, declared, in)) return declared;
  for (CoordinateMode mode : {CoordinateMode::kAsymmetric, CoordinateMode::kHalfPixel, CoordinateMode::kAlignCorners})
    if (same_nearest_indices(r, mode, in)) return mode;
  return std::nullopt;
}

// Linear modes sample at coordinates from the ONNX scale (align_corners too:
// ONNX divides by in * scale - 1, not by out - 1); the graph uses out/in, so
// the two must agree. Nothing when they do not, or for coordinates the graph
// lacks.
std::optional<CoordinateMode> linear_mode(const ResizeRequest& r, const Shape& in) {
  const std::string& c = r.coordinate;
  if (r.exclude_outside) return std::nullopt;
  for (int axis = 0; axis < 2; ++axis) {
    double ratio = static_cast<double>(r.out[static_cast<size_t>(2 + axis)]) / in[static_cast<size_t>(2 + axis)];
    if (std::fabs(ratio - r.scale[axis]) > 1e-6 * ratio) return std::nullopt;
    if (c == "pytorch_half_pixel" && r.out[static_cast<size_t>(2 + axis)] == 1) return std::nullopt;
  }
  if (c == "align_corners") return CoordinateMode::kAlignCorners;
  if (c == "half_pixel" || c == "pytorch_half_pixel") return CoordinateMode::kHalfPixel;
  if (c == "asymmetric") return CoordinateMode::kAsymmetric;
  return std::nullopt;
}

// ---- resize as matrix products (ONNX's reference interpolation) ----

constexpr int64_t kMaxMatrixElements = int64_t{1} << 22;  // 16 MB of weights per axis

// The input coordinate output index x samples, as ONNX's reference computes it.
double reference_coordinate(const Node& node, const ResizeRequest& r, int axis, int64_t x, int64_t in, int64_t out) {
  const double scale = r.scale[axis], width = scale * static_cast<double>(in);
  const std::string& c = r.coordinate;
  if (c == "align_corners") return width == 1 ? 0.0 : static_cast<double>(x) * (in - 1) / (width - 1);
  if (c == "asymmetric") return x / scale;
  if (c == "pytorch_half_pixel") return width == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  if (c == "half_pixel") return (x + 0.5) / scale - 0.5;
  if (c == "half_pixel_symmetric") {
    const double adjustment = static_cast<double>(out) / width, center = static_cast<double>(in) / 2;
    return center * (1 - adjustment) + (x + 0.5) / scale - 0.5;
  }
  fail(ErrorCode::kUnsupportedModel, describe(node) + ": coordinate_transformation_mode '" + c + "' is not supported");
}

// Row x of the [out, in] interpolation matrix: the weights of the samples at
// floor(v) + offset (v the coordinate); samples beyond the edge read the edge
// (or, with exclude_outside, weigh nothing and the rest are renormalized).
void interpolation_row(const Node& node, const ResizeRequest& r, int axis, int64_t x, int64_t in, int64_t out,
                       float* row) {
  const double v = reference_coordinate(node, r, axis, x, in, out);
  double base = std::floor(v), t = v - base;
  std::vector<std::pair<int64_t, double>> taps;  // (index, weight)
  if (r.mode == "nearest") {
    taps.push_back({static_cast<int64_t>(nearest_rounded(r, axis, v)), 1.0});
  } else if (r.mode == "cubic") {
    const double a = r.cubic_a;
    const auto far = [a](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };  // 1 <= d < 2
    const auto near = [a](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };      // d < 1
    const double weights[4] = {far(t + 1), near(t), near(1 - t), far(2 - t)};
    for (int k = 0; k < 4; ++k) taps.push_back({static_cast<int64_t>(base) - 1 + k, weights[k]});
  } else {
    taps.push_back({static_cast<int64_t>(base), 1 - t});
    taps.push_back({static_cast<int64_t>(base) + 1, t});
  }
  if (r.exclude_outside) {
    double sum = 0;
    for (auto& [index, weight] : taps) {
      if (index < 0 || index >= in) weight = 0;
      sum += weight;
    }
    for (auto& tap : taps) tap.second = sum != 0 ? tap.second / sum : 0;
  }
  for (const auto& [index, weight] : taps) row[std::clamp<int64_t>(index, 0, in - 1)] += static_cast<float>(weight);
}

Constant interpolation_matrix(const Node& node, const ResizeRequest& r, int axis, int64_t in, int64_t out) {
  require(in * out <= kMaxMatrixElements, ErrorCode::kLimitExceeded,
          describe(node) + ": a " + std::to_string(in) + " -> " + std::to_string(out) +
              " resize in this mode is too large (it runs as a matrix product)");
  std::vector<float> m(static_cast<size_t>(in * out), 0.f);
  for (int64_t x = 0; x < out; ++x) interpolation_row(node, r, axis, x, in, out, &m[static_cast<size_t>(x * in)]);
  return Constant::floats({out, in}, std::move(m));
}

// x [N, C, H, W] -> [N, C, OH, OW]: the W matrix on the rows, then the H
// matrix on the columns (transposed to rows and back).
void resize_by_matrices(ImportContext& context, const Node& node, const ResizeRequest& r, const Shape& in) {
  const int64_t n = in[0], c = in[1], h = in[2], w = in[3], oh = r.out[2], ow = r.out[3];
  const std::string name = context.output_name(node);
  int steps = 0;
  const auto step = [&](OpType op, std::vector<TensorId> inputs, const Shape& shape, Attributes attrs = {}) {
    const TensorId out = context.define_intermediate(name + "_resize" + std::to_string(steps++), shape);
    context.emit(op, node, std::move(inputs), {out}, std::move(attrs));
    return out;
  };
  const auto product = [&](TensorId rows, int axis, int64_t from, int64_t to, const Shape& shape) {
    const TensorId weights = context.constant_tensor(name + (axis == 0 ? "_rows" : "_columns"),
                                                     interpolation_matrix(node, r, axis, from, to));
    return step(OpType::kFullyConnected, {rows, weights}, shape);
  };
  Attributes swap;
  swap.ints = {0, 1, 3, 2};
  TensorId x = step(OpType::kReshape, {context.input_tensor(node, 0)}, {n * c * h, w});
  x = step(OpType::kReshape, {product(x, 1, w, ow, {n * c * h, ow})}, {n, c, h, ow});
  x = step(OpType::kReshape, {step(OpType::kTranspose, {x}, {n, c, ow, h}, swap)}, {n * c * ow, h});
  x = step(OpType::kReshape, {product(x, 0, h, oh, {n * c * ow, oh})}, {n, c, ow, oh});
  context.emit(OpType::kTranspose, node, {x}, {context.define_output(node, r.out)}, swap);
}

void set_output_from_scales(const Node& node, ResizeRequest& r, const Shape& in, const Constant& scales) {
  require(scales.size() == in.size(), ErrorCode::kInvalidModel,
          describe(node) + ": scales must have one value per input dimension");
  r.out = in;
  for (size_t k = 0; k < in.size(); ++k) {
    double s = scales.as_double(k);
    require(std::isfinite(s) && s > 0 && s * static_cast<double>(in[k]) < 1e9, ErrorCode::kInvalidModel,
            describe(node) + ": invalid scale");
    r.out[k] = static_cast<int64_t>(std::floor(s * static_cast<double>(in[k])));
    if (k >= 2) r.scale[k - 2] = s;
  }
}

void set_output_from_sizes(const Node& node, ResizeRequest& r, const Shape& in, const Constant& sizes) {
  require(sizes.size() == in.size(), ErrorCode::kInvalidModel,
          describe(node) + ": sizes must have one value per input dimension");
  r.out = sizes.to_ints(describe(node) + " sizes");
  for (size_t k = 2; k < in.size(); ++k) {
    require(r.out[k] > 0 && r.out[k] < (1 << 24), ErrorCode::kInvalidModel, describe(node) + ": invalid size");
    r.scale[k - 2] = static_cast<double>(r.out[k]) / static_cast<double>(in[k]);
  }
}

ResizeRequest read_resize(ImportContext& context, const Node& node, const Shape& in) {
  ResizeRequest r;
  NodeAttributes attrs(node);
  r.mode = attrs.get_string("mode", "nearest");
  if (node.op_type == "Upsample" || context.opset() < 11) {
    // Upsample and Resize-10 sample asymmetrically; Upsample rounds its own way.
    r.coordinate = "asymmetric";
    r.nearest = node.op_type == "Upsample" ? "simple" : "round_prefer_floor";
    bool scales_attribute = node.op_type == "Upsample" && context.opset() < 9;
    Constant scales = scales_attribute ? Constant::floats({static_cast<int64_t>(attrs.get_floats("scales").size())},
                                                          attrs.get_floats("scales"))
                                       : context.constant_input(node, 1);
    set_output_from_scales(node, r, in, scales);
    return r;
  }
  r.coordinate = attrs.get_string("coordinate_transformation_mode", "half_pixel");
  r.nearest = attrs.get_string("nearest_mode", "round_prefer_floor");
  r.cubic_a = attrs.get_float("cubic_coeff_a", -0.75f);
  r.exclude_outside = attrs.get_int("exclude_outside", 0) != 0;
  require(attrs.get_int("antialias", 0) == 0 && !attrs.has("axes"), ErrorCode::kUnsupportedModel,
          describe(node) + ": antialias and axes are not supported");
  bool has_sizes = context.has_input(node, 3) && context.constant_input(node, 3).size() > 0;
  if (has_sizes) {
    set_output_from_sizes(node, r, in, context.constant_input(node, 3));
  } else {
    require(context.has_input(node, 2), ErrorCode::kInvalidModel, describe(node) + ": neither scales nor sizes");
    set_output_from_scales(node, r, in, context.constant_input(node, 2));
  }
  return r;
}

}  // namespace

void translate_resize(ImportContext& context, const Node& node) {
  const Shape in = context.input(node, 0).shape;
  require(in.size() == 4, ErrorCode::kUnsupportedModel, describe(node) + ": only 4-D (NCHW) inputs are supported");
  ResizeRequest r = read_resize(context, node, in);
  require(r.out[0] == in[0] && r.out[1] == in[1], ErrorCode::kUnsupportedModel,
          describe(node) + ": resizing the batch or channel dimension is not supported");
  require(r.out[2] > 0 && r.out[3] > 0, ErrorCode::kInvalidModel, describe(node) + ": empty output");
  require(r.out[2] <= (1 << 16) && r.out[3] <= (1 << 16), ErrorCode::kLimitExceeded,
          describe(node) + ": output larger than 65536 pixels per side");
  checked_element_count(r.out, describe(node) + " output");
  if (r.mode == "bilinear") r.mode = "linear";
  require(r.mode == "nearest" || r.mode == "linear" || r.mode == "cubic", ErrorCode::kUnsupportedModel,
          describe(node) + ": resize mode '" + r.mode + "' is not supported");
  Attributes attrs;
  std::optional<CoordinateMode> mode;
  if (r.mode == "nearest") {
    attrs.resize_mode = ResizeMode::kNearest;
    mode = nearest_mode(r, in);
  } else if (r.mode == "linear") {
    attrs.resize_mode = ResizeMode::kBilinear;
    mode = linear_mode(r, in);
  }
  // Resize2D's nearest mode is a block copy: whole upsampling factors, and
  // align_corners only when the size does not change (xnn/lower_resize.cpp).
  if (mode && r.mode == "nearest") {
    const bool whole = r.out[2] % in[2] == 0 && r.out[3] % in[3] == 0;
    const bool same = r.out[2] == in[2] && r.out[3] == in[3];
    if (!whole || (*mode == CoordinateMode::kAlignCorners && !same)) mode.reset();
  }
  if (!mode) return resize_by_matrices(context, node, r, in);
  attrs.coordinate_mode = *mode;
  TensorId input = context.input_tensor(node, 0);
  TensorId output = context.define_output(node, r.out);
  context.emit(OpType::kResize2D, node, {input}, {output}, attrs);
}

}  // namespace onnx
}  // namespace garden
