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
// picks exactly the same pixels, or refuses the model.
#include <cmath>

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

int64_t onnx_nearest_index(const ResizeRequest& r, int axis, int64_t x, int64_t in, int64_t out) {
  double v = onnx_source_coordinate(r, axis, x, in, out);
  const std::string& n = r.nearest;
  double rounded;
  if (n == "floor") rounded = std::floor(v);
  else if (n == "ceil") rounded = std::ceil(v);
  else if (n == "round_prefer_ceil") rounded = std::floor(v + 0.5);
  else if (n == "simple") rounded = r.scale[axis] < 1 ? std::ceil(v) : std::floor(v);  // Upsample
  else rounded = std::ceil(v - 0.5);  // round_prefer_floor
  return clamp_index(rounded, in);
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

CoordinateMode nearest_mode(const Node& node, const ResizeRequest& r, const Shape& in) {
  // Integer factors often match several modes; the declared one reads best.
  CoordinateMode declared = declared_mode(r.coordinate);
  if (same_nearest_indices(r, declared, in)) return declared;
  for (CoordinateMode mode : {CoordinateMode::kAsymmetric, CoordinateMode::kHalfPixel, CoordinateMode::kAlignCorners})
    if (same_nearest_indices(r, mode, in)) return mode;
  fail(ErrorCode::kUnsupportedModel, describe(node) + ": nearest resize with coordinate_transformation_mode '" +
                                         r.coordinate + "' and nearest_mode '" + r.nearest + "' is not supported");
}

// Linear modes sample at coordinates from the ONNX scale (align_corners too:
// ONNX divides by in * scale - 1, not by out - 1); the graph uses out/in, so
// the two must agree.
CoordinateMode linear_mode(const Node& node, const ResizeRequest& r, const Shape& in) {
  const std::string& c = r.coordinate;
  for (int axis = 0; axis < 2; ++axis) {
    double ratio = static_cast<double>(r.out[static_cast<size_t>(2 + axis)]) / in[static_cast<size_t>(2 + axis)];
    require(std::fabs(ratio - r.scale[axis]) <= 1e-6 * ratio, ErrorCode::kUnsupportedModel,
            describe(node) + ": the scale does not give a whole output size");
    require(c != "pytorch_half_pixel" || r.out[static_cast<size_t>(2 + axis)] > 1, ErrorCode::kUnsupportedModel,
            describe(node) + ": pytorch_half_pixel to a size of 1 is not supported");
  }
  if (c == "align_corners") return CoordinateMode::kAlignCorners;
  if (c == "half_pixel" || c == "pytorch_half_pixel") return CoordinateMode::kHalfPixel;
  if (c == "asymmetric") return CoordinateMode::kAsymmetric;
  fail(ErrorCode::kUnsupportedModel, describe(node) + ": coordinate_transformation_mode '" + c + "' is not supported");
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
  require(attrs.get_int("exclude_outside", 0) == 0 && attrs.get_int("antialias", 0) == 0 && !attrs.has("axes"),
          ErrorCode::kUnsupportedModel, describe(node) + ": exclude_outside, antialias and axes are not supported");
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
  Attributes attrs;
  if (r.mode == "nearest") {
    attrs.resize_mode = ResizeMode::kNearest;
    attrs.coordinate_mode = nearest_mode(node, r, in);
  } else if (r.mode == "linear" || r.mode == "bilinear") {
    attrs.resize_mode = ResizeMode::kBilinear;
    attrs.coordinate_mode = linear_mode(node, r, in);
  } else {
    fail(ErrorCode::kUnsupportedModel, describe(node) + ": resize mode '" + r.mode + "' is not supported");
  }
  TensorId input = context.input_tensor(node, 0);
  TensorId output = context.define_output(node, r.out);
  context.emit(OpType::kResize2D, node, {input}, {output}, attrs);
}

}  // namespace onnx
}  // namespace garden
