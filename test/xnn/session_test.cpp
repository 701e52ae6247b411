// The Session contract: declared layouts at the boundary, stable buffers,
// repeatable runs, typed errors, profiles.
#include "graph_maker.h"

using namespace garden_test;

namespace {

// NCHW input -> Transpose -> conv (NHWC) -> Transpose -> NCHW output, the
// shape the layout pass gives every imported ONNX model.
Graph nchw_model() {
  GraphMaker m;
  const TensorId x = m.input({1, 3, 8, 8});
  m.graph().tensor(x).layout = Layout::kNCHW;
  Attributes to_nhwc, to_nchw;
  to_nhwc.ints = {0, 2, 3, 1};
  to_nchw.ints = {0, 3, 1, 2};
  const TensorId x_nhwc = m.node(OpType::kTranspose, {x}, {1, 8, 8, 3}, to_nhwc);
  const TensorId y = m.node(OpType::kConv2D, {x_nhwc, m.constant({4, 3, 3, 3}), m.constant({4})},
                            {1, 8, 8, 4}, conv_attrs(1, 1));
  const TensorId z = m.node(OpType::kSigmoid, {y}, {1, 8, 8, 4});
  const TensorId out = m.node(OpType::kTranspose, {z}, {1, 4, 8, 8}, to_nchw);
  m.graph().tensor(out).layout = Layout::kNCHW;
  m.output(out);
  return m.graph();
}

}  // namespace

TEST_CASE("A model with NCHW inputs and outputs matches the reference", "[xnn][session]") {
  Graph graph = nchw_model();
  check_against_reference(graph);
}

TEST_CASE("Session keeps declared layouts, stable buffers and repeatable results", "[xnn][session]") {
  garden::Model model{nchw_model()};
  garden::Session session(model, {2, false});
  CHECK(session.threads() == 2);
  const garden::TensorView in = session.input(0);
  CHECK(in.layout == Layout::kNCHW);
  CHECK(in.shape == Shape{1, 3, 8, 8});
  CHECK(session.output(0).shape == Shape{1, 4, 8, 8});
  const auto values = random_values(3 * 8 * 8, 3);
  std::copy(values.begin(), values.end(), in.data);
  session.run();
  const float* out = session.output(0).data;
  const std::vector<float> first(out, out + 4 * 8 * 8);
  session.run();
  CHECK(session.output(0).data == out);
  CHECK(std::vector<float>(out, out + 4 * 8 * 8) == first);
}

TEST_CASE("Session outlives the Model it was built from", "[xnn][session]") {
  std::unique_ptr<garden::Session> session;
  {
    garden::Model model{nchw_model()};
    session.reset(new garden::Session(model));
  }
  const auto values = random_values(3 * 8 * 8, 3);
  std::copy(values.begin(), values.end(), session->input(0).data);
  session->run();
  const float* out = session->output(0).data;
  // Sigmoid outputs: strictly inside (0, 1) and not all equal.
  CHECK(*std::min_element(out, out + 256) > 0.f);
  CHECK(*std::max_element(out, out + 256) < 1.f);
  CHECK(*std::min_element(out, out + 256) < *std::max_element(out, out + 256));
  CHECK(session->input(0).name == "t0");
}

namespace {

// Every kind of constant: packed weights (conv, depthwise, deconvolution,
// fully connected; f32 and f16) and run-time operands (a constant added).
Graph weights_model() {
  GraphMaker m(11);
  const TensorId x = m.input({1, 6, 6, 4});
  const TensorId conv = m.node(OpType::kConv2D, {x, m.constant({8, 3, 3, 4}), m.constant({8})},
                               {1, 6, 6, 8}, conv_attrs(1, 1));
  const TensorId depthwise = m.node(OpType::kConv2D, {conv, m.constant({8, 3, 3, 1}), m.constant({8})},
                                    {1, 6, 6, 8}, conv_attrs(1, 1, 8));
  const TensorId f16_weights = m.constant({4, 1, 1, 8});
  garden::Tensor& half = m.graph().tensor(f16_weights);
  std::vector<uint8_t> bits(garden::element_count(half.shape) * 2);
  for (size_t i = 0; i < bits.size() / 2; ++i) {
    const uint16_t one_eighth_times_i = static_cast<uint16_t>(0x3000 + (i % 8) * 0x100);  // 2^-3 .. 2^4
    bits[2 * i] = static_cast<uint8_t>(one_eighth_times_i & 0xff);
    bits[2 * i + 1] = static_cast<uint8_t>(one_eighth_times_i >> 8);
  }
  half.dtype = garden::DType::kF16;
  half.data = bits;
  const TensorId pointwise = m.node(OpType::kConv2D, {depthwise, f16_weights}, {1, 6, 6, 4}, conv_attrs(1, 0));
  Attributes up = conv_attrs(2, 0);
  const TensorId deconv = m.node(OpType::kConvTranspose2D, {pointwise, m.constant({3, 2, 2, 4}), m.constant({3})},
                                 {1, 12, 12, 3}, up);
  const TensorId shifted = m.node(OpType::kAdd, {deconv, m.constant({3})}, {1, 12, 12, 3});
  const TensorId flat = m.node(OpType::kReshape, {shifted}, {1, 432});
  const TensorId fc = m.node(OpType::kFullyConnected, {flat, m.constant({5, 432}), m.constant({5})}, {1, 5});
  m.output(fc);
  return m.graph();
}

}  // namespace

// The session packs weights once and must never read the model's constants
// again: they are overwritten with NaN and freed before the first run.
TEST_CASE("Session needs none of the Model's weights after construction", "[xnn][session]") {
  Graph graph = weights_model();
  graph.validate();
  const auto input = random_values(6 * 6 * 4, 5);
  const auto expected = garden::evaluate(graph, {input});
  for (int threads : {1, 2}) {
    std::unique_ptr<garden::Session> session;
    {
      garden::Model model{graph};
      session.reset(new garden::Session(model, {threads, false}));
      for (garden::Tensor& t : model.graph.tensors) {
        if (t.dtype == garden::DType::kF32 && t.is_constant()) std::fill(t.f32(), t.f32() + t.data.size() / 4, NAN);
      }
    }
    std::copy(input.begin(), input.end(), session->input(0).data);
    session->run();
    const Difference d = compare(session->output(0).data, expected[0]);
    INFO("threads=" << threads << " max|diff|=" << d.max_diff << " max|ref|=" << d.max_ref
                    << " tolerance " << kTolerance << " x max|ref|");
    CHECK(d.max_ref > 0.f);
    CHECK(d.max_diff <= kTolerance * d.max_ref);
  }
}

// Session(Model&&) frees the weights before planning activations; the
// results are the same.
TEST_CASE("Session taking its Model runs like one that borrows it", "[xnn][session]") {
  Graph graph = weights_model();
  const auto input = random_values(6 * 6 * 4, 9);
  const auto expected = garden::evaluate(graph, {input});
  garden::Model model{graph};
  garden::Session session(std::move(model), {2, false});
  std::copy(input.begin(), input.end(), session.input(0).data);
  session.run();
  const Difference d = compare(session.output(0).data, expected[0]);
  INFO("max|diff|=" << d.max_diff << " max|ref|=" << d.max_ref << " tolerance " << kTolerance << " x max|ref|");
  CHECK(d.max_ref > 0.f);
  CHECK(d.max_diff <= kTolerance * d.max_ref);
  CHECK(session.output(0).shape == Shape{1, 5});
}

TEST_CASE("Session rejects bad arguments with kInvalidArgument", "[xnn][session]") {
  garden::Model model{nchw_model()};
  try {
    garden::Session session(model, {0, false});
    FAIL("threads = 0 accepted");
  } catch (const garden::Error& e) {
    CHECK(e.code() == garden::ErrorCode::kInvalidArgument);
  }
  garden::Session session(model);
  CHECK_THROWS_AS(session.input(1), garden::Error);
  CHECK_THROWS_AS(session.output(1), garden::Error);
  CHECK_THROWS_AS(session.profile(), garden::Error);
}

TEST_CASE("Session profile names graph nodes with their times", "[xnn][session]") {
  garden::Model model{nchw_model()};
  garden::Session session(model, {1, true});
  session.run();
  const auto times = session.profile();
  REQUIRE(times.size() == model.graph.nodes.size());
  for (size_t i = 0; i < times.size(); ++i) {
    INFO(times[i].name);
    CHECK(times[i].name.rfind(model.graph.nodes[i].name + " (", 0) == 0);
    CHECK(times[i].milliseconds >= 0.0);
  }
}
