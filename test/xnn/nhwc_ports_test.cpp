// SessionOptions::port_layout = PortLayout::kNhwc: NCHW ports exposed as NHWC
// compute exactly what the declared ports do, without the boundary transposes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "garden/session.h"
#include "support/fixtures.h"

using garden::Layout;
using garden::PortLayout;
using garden::Shape;

namespace {

// NCHW values of `nchw` in NHWC order, or back with to_nhwc = false.
std::vector<float> relayout(const float* values, const Shape& nchw, bool to_nhwc) {
  const int64_t n = nchw[0], c = nchw[1], h = nchw[2], w = nchw[3];
  std::vector<float> out(static_cast<size_t>(n * c * h * w));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < c; ++k)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          const size_t at_nchw = static_cast<size_t>(((b * c + k) * h + y) * w + x);
          const size_t at_nhwc = static_cast<size_t>(((b * h + y) * w + x) * c + k);
          if (to_nhwc) {
            out[at_nhwc] = values[at_nchw];
          } else {
            out[at_nchw] = values[at_nhwc];
          }
        }
  return out;
}

int transposes_run(const garden::Session& session) {
  int count = 0;
  for (const garden::NodeTime& time : session.profile())
    if (time.name.find("Transpose") != std::string::npos) ++count;
  return count;
}

// The model with declared ports and with NHWC ports on the same input: the
// NHWC session's output, read back in NCHW order, must be the declared one.
// Returns how many transposes each run of the NHWC session saves.
int check_nhwc_ports(const garden::Model& model, const std::vector<float>& nchw_input) {
  garden::SessionOptions options;
  options.profile = true;
  garden::Session declared(model, options);
  options.port_layout = PortLayout::kNhwc;
  garden::Session nhwc(model, options);

  const garden::TensorView declared_in = declared.input(0);
  const garden::TensorView nhwc_in = nhwc.input(0);
  REQUIRE(declared_in.layout == Layout::kNCHW);
  const Shape& s = declared_in.shape;
  CHECK(nhwc_in.layout == Layout::kNHWC);
  CHECK(nhwc_in.shape == Shape{s[0], s[2], s[3], s[1]});
  CHECK(nhwc_in.name == declared_in.name);
  REQUIRE(nchw_input.size() == static_cast<size_t>(garden::element_count(s)));
  std::copy(nchw_input.begin(), nchw_input.end(), declared_in.data);
  const std::vector<float> nhwc_input = relayout(nchw_input.data(), s, true);
  std::copy(nhwc_input.begin(), nhwc_input.end(), nhwc_in.data);
  declared.run();
  nhwc.run();

  REQUIRE(nhwc.output_count() == declared.output_count());
  for (size_t o = 0; o < declared.output_count(); ++o) {
    const garden::TensorView want = declared.output(o);
    const garden::TensorView got = nhwc.output(o);
    CHECK(got.name == want.name);
    std::vector<float> got_declared(got.data, got.data + garden::element_count(got.shape));
    if (want.layout == Layout::kNCHW && want.shape.size() == 4) {
      CHECK(got.layout == Layout::kNHWC);
      CHECK(got.shape == Shape{want.shape[0], want.shape[2], want.shape[3], want.shape[1]});
      got_declared = relayout(got.data, want.shape, false);
    } else {
      CHECK(got.shape == want.shape);
    }
    float max_diff = 0.f;
    for (size_t i = 0; i < got_declared.size(); ++i)
      max_diff = std::max(max_diff, std::fabs(got_declared[i] - want.data[i]));
    INFO("output " << want.name << ": max |diff| " << max_diff);
    CHECK(max_diff <= 1e-6f);
  }
  return transposes_run(declared) - transposes_run(nhwc);
}

garden::Model load_fixture(const std::string& name) {
  const std::string dir = garden_test::fixture_path(name);
  const Shape shape = garden_test::first_input_shape(garden_test::read_text(dir + "/meta.json"));
  garden::LoadOptions load;
  if (shape.size() == 4) {  // pins dynamic sizes to the reference's
    load.input_height = shape[2];
    load.input_width = shape[3];
  }
  return garden::load_model_file(dir + "/model.onnx", load);
}

}  // namespace

TEST_CASE("NHWC ports give the declared results without the boundary transposes", "[xnn][session][nhwc]") {
  for (const char* name : {"efficientnet_b0", "ops/conv", "ops/resize_bilinear_x2", "ops/softmax_channels"}) {
    SECTION(name) {
      const garden::Model model = load_fixture(name);
      const std::vector<float> input = garden_test::read_f32(garden_test::fixture_path(name) + "/input.bin");
      CHECK(check_nhwc_ports(model, input) > 0);
    }
  }
}

TEST_CASE("NHWC ports leave the Model as it was and work on a Model taken by move", "[xnn][session][nhwc]") {
  garden::Model model = load_fixture("ops/conv");
  const size_t nodes = model.graph.nodes.size();
  garden::SessionOptions options;
  options.port_layout = PortLayout::kNhwc;
  garden::Session borrowed(model, options);
  CHECK(model.graph.nodes.size() == nodes);
  const Shape shape = borrowed.input(0).shape;
  garden::Session owning(std::move(model), options);
  CHECK(owning.input(0).shape == shape);
  CHECK(owning.input(0).layout == Layout::kNHWC);
}

TEST_CASE("NHWC ports are added where the graph has no boundary transpose", "[xnn][session][nhwc]") {
  // x (NCHW) -> Sigmoid -> y (NCHW): nothing to drop, so each port gets a Transpose.
  garden::Model model;
  garden::Graph& g = model.graph;
  const garden::TensorId x = g.add_tensor({"x", garden::DType::kF32, {1, 3, 4, 5}, Layout::kNCHW, {}});
  const garden::TensorId y = g.add_tensor({"y", garden::DType::kF32, {1, 3, 4, 5}, Layout::kNCHW, {}});
  g.nodes.push_back({garden::OpType::kSigmoid, "sigmoid", {x}, {y}, {}});
  g.inputs = {x};
  g.outputs = {y};
  std::vector<float> input(60);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i) / 10.f - 3.f;
  CHECK(check_nhwc_ports(model, input) == -2);
}
