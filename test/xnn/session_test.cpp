// The Session contract: declared layouts at the boundary, stable buffers,
// repeatable runs, typed errors, profiles.
#include "session_check.h"

using namespace garden_test;

namespace {

// NCHW input -> Transpose -> conv (NHWC) -> Transpose -> NCHW output, the
// shape the layout pass gives every imported ONNX model.
Graph nchw_model() {
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input({1, 3, 8, 8});
  m.graph().tensor(x).layout = Layout::kNCHW;
  Attributes to_nhwc, to_nchw;
  to_nhwc.ints = {0, 2, 3, 1};
  to_nchw.ints = {0, 3, 1, 2};
  const TensorId x_nhwc = m.node(OpType::kTranspose, {x}, {1, 8, 8, 3}, to_nhwc);
  const TensorId y = m.node(OpType::kConv2D, {x_nhwc, m.random_constant({4, 3, 3, 3}), m.random_constant({4})},
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
  CHECK(session->input(0).name == "input_0");
}

namespace {

// Every kind of constant: packed weights (conv, depthwise, deconvolution,
// fully connected; f32 and f16) and run-time operands (a constant added).
Graph weights_model() {
  GraphBuilder m(Layout::kNHWC, 11);
  const TensorId x = m.input({1, 6, 6, 4});
  const TensorId conv = m.node(OpType::kConv2D, {x, m.random_constant({8, 3, 3, 4}), m.random_constant({8})},
                               {1, 6, 6, 8}, conv_attrs(1, 1));
  const TensorId depthwise = m.node(OpType::kConv2D, {conv, m.random_constant({8, 3, 3, 1}), m.random_constant({8})},
                                    {1, 6, 6, 8}, conv_attrs(1, 1, 8));
  const TensorId f16_weights = m.random_constant({4, 1, 1, 8});
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
  const TensorId deconv_weights = m.random_constant({3, 2, 2, 4});
  const TensorId deconv =
      m.node(OpType::kConvTranspose2D, {pointwise, deconv_weights, m.random_constant({3})}, {1, 12, 12, 3}, up);
  const TensorId shifted = m.node(OpType::kAdd, {deconv, m.random_constant({3})}, {1, 12, 12, 3});
  const TensorId flat = m.node(OpType::kReshape, {shifted}, {1, 432});
  const TensorId fc =
      m.node(OpType::kFullyConnected, {flat, m.random_constant({5, 432}), m.random_constant({5})}, {1, 5});
  m.output(fc);
  return m.graph();
}

// Runs `session` on input drawn with `seed` and checks its output against
// the reference evaluator on `graph`.
void check_session(garden::Session& session, const Graph& graph, uint32_t seed) {
  const auto input = random_values(garden::element_count(graph.tensor(graph.inputs[0]).shape), seed);
  const auto expected = garden::evaluate(graph, {input});
  std::copy(input.begin(), input.end(), session.input(0).data);
  session.run();
  const Difference d = compare(session.output(0).data, expected[0]);
  INFO("max|diff|=" << d.max_diff << " max|ref|=" << d.max_ref << " tolerance " << kTolerance << " x max|ref|");
  CHECK(d.max_ref > 0.f);
  CHECK(d.max_diff <= kTolerance * d.max_ref);
}

}  // namespace

// The session packs weights once and must never read the model's constants
// again: they are overwritten with NaN and freed before the first run.
TEST_CASE("Session needs none of the Model's weights after construction", "[xnn][session]") {
  Graph graph = weights_model();
  graph.validate();
  for (int threads : {1, 2}) {
    INFO("threads=" << threads);
    std::unique_ptr<garden::Session> session;
    {
      garden::Model model{graph};
      session.reset(new garden::Session(model, {threads, false}));
      for (garden::Tensor& t : model.graph.tensors) {
        if (t.dtype == garden::DType::kF32 && t.is_constant()) std::fill(t.f32(), t.f32() + t.data.size() / 4, NAN);
      }
    }
    check_session(*session, graph, 5);
  }
}

// Session(Model&&) frees the weights before planning activations; the
// results are the same.
TEST_CASE("Session taking its Model runs like one that borrows it", "[xnn][session]") {
  Graph graph = weights_model();
  garden::Session session(garden::Model{graph}, {2, false});
  check_session(session, graph, 9);
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

namespace {

// x [1, n] -> Sigmoid -> y [1, n]: 8 n bytes of activations and no weights.
Graph sigmoid_model(int64_t n) {
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input({1, n});
  m.output(m.node(OpType::kSigmoid, {x}, {1, n}));
  return m.graph();
}

// The error a Session constructor throws for this graph and these options.
garden::Error session_failure(const Graph& graph, const garden::SessionOptions& options = {}) {
  try {
    garden::Session session(garden::Model{graph}, options);
  } catch (const garden::Error& e) {
    return e;
  }
  FAIL("the session was created without error");
  return garden::Error(garden::ErrorCode::kIo, "");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// A model file of a few bytes can declare any shape. 2^31 floats in and 2^31
// out are 16 GiB: allocating them would end the test process (or take
// minutes), so passing proves the refusal comes first.
TEST_CASE("Session refuses huge declared activations before allocating them", "[xnn][session][limits]") {
  const garden::Error huge = session_failure(sigmoid_model(int64_t{1} << 31));
  INFO(huge.what());
  CHECK(huge.code() == garden::ErrorCode::kLimitExceeded);
  CHECK(contains(huge.what(), std::to_string(uint64_t{16} << 30)));  // the bytes asked for
  CHECK(contains(huge.what(), std::to_string(garden::SessionOptions::kDefaultMaxActivationBytes)));
  CHECK(contains(huge.what(), "max_activation_bytes"));

  // Sizes past 2^64 bytes saturate instead of wrapping to a small number.
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input({int64_t{1} << 40, int64_t{1} << 40});
  m.output(m.node(OpType::kSigmoid, {x}, {int64_t{1} << 40, int64_t{1} << 40}));
  const garden::Error overflow = session_failure(m.graph());
  INFO(overflow.what());
  CHECK(overflow.code() == garden::ErrorCode::kLimitExceeded);
  CHECK(contains(overflow.what(), "2^64 or more"));
}

TEST_CASE("SessionOptions::max_activation_bytes bounds the declared activations exactly", "[xnn][session][limits]") {
  const Graph graph = sigmoid_model(1000);  // 4000 bytes in, 4000 out
  garden::SessionOptions options;
  options.max_activation_bytes = 7999;
  CHECK(session_failure(graph, options).code() == garden::ErrorCode::kLimitExceeded);
  options.max_activation_bytes = 8000;
  garden::Session session(garden::Model{graph}, options);
  const auto values = random_values(1000, 4, -4.f, 4.f);
  std::copy(values.begin(), values.end(), session.input(0).data);
  session.run();
  const auto expected = garden::evaluate(graph, {values});
  const Difference d = compare(session.output(0).data, expected[0]);
  INFO("max|diff|=" << d.max_diff << " max|ref|=" << d.max_ref << " tolerance " << kTolerance << " x max|ref|");
  CHECK(d.max_diff <= kTolerance * d.max_ref);
}

// Lowering adds values of its own: a nearest upsampling by 2 is a reshape, a
// broadcast multiply and a reshape, with two intermediates the graph does not
// declare. They count too.
TEST_CASE("Session counts lowering's intermediate values against the bound", "[xnn][session][limits]") {
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input({1, 2, 2, 1});  // 16 bytes
  Attributes nearest;
  nearest.resize_mode = garden::ResizeMode::kNearest;
  m.output(m.node(OpType::kResize2D, {x}, {1, 4, 4, 1}, nearest));  // 64 bytes
  // Declared: 80 bytes. Lowered: + [2,1,2,1,1] (16) + [2,2,2,2,1] (64) = 160.
  garden::SessionOptions options;
  options.max_activation_bytes = 159;
  const garden::Error error = session_failure(m.graph(), options);
  INFO(error.what());
  CHECK(error.code() == garden::ErrorCode::kLimitExceeded);
  CHECK(contains(error.what(), "160"));
  options.max_activation_bytes = 160;
  garden::Session session(garden::Model{m.graph()}, options);
  CHECK(session.output(0).shape == Shape{1, 4, 4, 1});
}

// The reference evaluator holds the same values and is reachable from model
// files (fold_constants runs it while a model loads): it is bounded the same way.
TEST_CASE("The reference evaluator refuses the same huge activations", "[xnn][session][limits]") {
  try {
    garden::evaluate(sigmoid_model(int64_t{1} << 31), {{}});
    FAIL("evaluated a graph of 16 GiB");
  } catch (const garden::Error& e) {
    INFO(e.what());
    CHECK(e.code() == garden::ErrorCode::kLimitExceeded);
    CHECK(contains(e.what(), "reference evaluator"));
  }
}

namespace {

// Packed weights of every kind (conv, depthwise, f32 deconvolution, fully
// connected) on a side x side input: the same weights for every side.
Graph sized_weights_model(int64_t side, uint32_t seed) {
  GraphBuilder m(Layout::kNHWC, seed);
  const TensorId x = m.input({1, side, side, 4});
  const TensorId conv = m.node(OpType::kConv2D, {x, m.random_constant({8, 3, 3, 4}), m.random_constant({8})},
                               {1, side, side, 8}, conv_attrs(1, 1));
  const TensorId depthwise = m.node(OpType::kConv2D, {conv, m.random_constant({8, 3, 3, 1}), m.random_constant({8})},
                                    {1, side, side, 8}, conv_attrs(1, 1, 8));
  const TensorId deconv = m.node(OpType::kConvTranspose2D,
                                 {depthwise, m.random_constant({3, 2, 2, 8}), m.random_constant({3})},
                                 {1, 2 * side, 2 * side, 3}, conv_attrs(2, 0));
  const TensorId pooled = m.node(OpType::kGlobalAveragePool2D, {deconv}, {1, 1, 1, 3});
  const TensorId flat = m.node(OpType::kReshape, {pooled}, {1, 3});
  m.output(m.node(OpType::kFullyConnected, {flat, m.random_constant({5, 3}), m.random_constant({5})}, {1, 5}));
  return m.graph();
}

}  // namespace

// A model imported at two input sizes (a recognizer's width buckets) packs its
// weights into one shared copy and shares one activation arena; each session
// still computes its own answer, also after a larger one grew the arena.
TEST_CASE("Sessions of one SessionGroup hold each packed block once", "[xnn][session]") {
  for (int threads : {1, 2}) {
    INFO("threads=" << threads);
    auto group = std::make_shared<garden::SessionGroup>();
    garden::SessionOptions options;
    options.threads = threads;
    options.group = group;
    const Graph small = sized_weights_model(6, 11);
    auto first = std::make_unique<garden::Session>(garden::Model{small}, options);
    const size_t packed = group->packed_bytes();
    CHECK(packed >= (8 * 3 * 3 * 4 + 8 * 3 * 3 + 3 * 2 * 2 * 8 + 5 * 3) * sizeof(float));
    CHECK(group->shared_bytes() == 0);

    const Graph large = sized_weights_model(10, 11);
    garden::Session second(garden::Model{large}, options);
    CHECK(group->packed_bytes() == packed);
    CHECK(group->shared_bytes() == packed);
    check_session(second, large, 21);
    check_session(*first, small, 21);

    // Other weights are packed beside them; the shared ones outlive the
    // session that packed them first.
    first.reset();
    const Graph other = sized_weights_model(6, 12);
    garden::Session third(garden::Model{other}, options);
    CHECK(group->packed_bytes() > packed);
    check_session(third, other, 21);
    check_session(second, large, 21);
  }
}

namespace {

// The reference values of internal tensors: the same graph with them as outputs too.
std::vector<std::vector<float>> reference_values(Graph graph, const std::vector<TensorId>& tensors,
                                                 const std::vector<float>& input) {
  graph.outputs.insert(graph.outputs.end(), tensors.begin(), tensors.end());
  return garden::evaluate(graph, {input});
}

}  // namespace

// A classifier's pooled features come out of the run that computes its
// scores: internal tensors as extra outputs, after the model's own. The
// first depthwise output feeds a conv XNNPACK would otherwise fuse with it.
TEST_CASE("Session exposes internal tensors as extra outputs of the same run", "[xnn][session]") {
  const Graph graph = weights_model();
  // The depthwise conv's output, and the flattened map the FC reads.
  const std::vector<TensorId> internal = {graph.nodes[1].outputs[0], graph.nodes[graph.nodes.size() - 2].outputs[0]};
  REQUIRE(graph.tensor(internal[0]).shape == Shape{1, 6, 6, 8});
  REQUIRE(graph.tensor(internal[1]).shape == Shape{1, 432});
  const auto input = random_values(6 * 6 * 4, 17);
  const auto expected = reference_values(graph, internal, input);
  garden::SessionOptions options;
  options.extra_outputs = {graph.tensor(internal[0]).name, graph.tensor(internal[1]).name};
  for (int threads : {1, 2}) {
    for (bool handed_over : {false, true}) {
      INFO("threads=" << threads << " model handed over: " << handed_over);
      options.threads = threads;
      garden::Model model{graph};
      auto owner = handed_over ? std::make_unique<garden::Session>(std::move(model), options)
                               : std::make_unique<garden::Session>(model, options);
      garden::Session& session = *owner;
      REQUIRE(session.output_count() == 3);
      CHECK(session.output(1).name == options.extra_outputs[0]);
      CHECK(session.output(1).shape == Shape{1, 6, 6, 8});
      CHECK(session.output(2).shape == Shape{1, 432});
      std::copy(input.begin(), input.end(), session.input(0).data);
      session.run();
      for (size_t o = 0; o < 3; ++o) {
        const Difference d = compare(session.output(o).data, expected[o]);
        INFO("output " << o << " max|diff|=" << d.max_diff << " max|ref|=" << d.max_ref);
        CHECK(d.max_ref > 0.f);
        CHECK(d.max_diff <= kTolerance * d.max_ref);
      }
    }
  }
}

TEST_CASE("Session outputs carry the type the model declares; extra outputs are float32", "[xnn][session]") {
  Graph graph = weights_model();
  garden::SessionOptions options;
  CHECK(garden::Session(garden::Model{graph}, options).output(0).type == garden::ValueType::kFloat32);
  graph.output_types = {garden::ValueType::kInt32};
  options.extra_outputs = {graph.tensor(graph.nodes[1].outputs[0]).name};
  for (garden::PortLayout layout : {garden::PortLayout::kDeclared, garden::PortLayout::kNhwc}) {
    options.port_layout = layout;
    garden::Session session(garden::Model{graph}, options);
    CHECK(session.output(0).type == garden::ValueType::kInt32);
    CHECK(session.output(1).type == garden::ValueType::kFloat32);
    CHECK(session.input(0).type == garden::ValueType::kFloat32);
  }
}

TEST_CASE("Session refuses extra outputs that are not computed tensors", "[xnn][session]") {
  const Graph graph = weights_model();
  const garden::Model model{graph};
  const auto error_for = [&](const std::vector<std::string>& names) {
    return error_code_of([&] {
      garden::SessionOptions options;
      options.extra_outputs = names;
      garden::Session session(model, options);
    });
  };
  const std::string input = graph.tensor(graph.inputs[0]).name;
  const std::string output = graph.tensor(graph.outputs[0]).name;
  const std::string weight = graph.tensor(graph.nodes[0].inputs[1]).name;
  const std::string internal = graph.tensor(graph.nodes[0].outputs[0]).name;
  CHECK(error_for({"no such tensor"}) == garden::ErrorCode::kInvalidArgument);
  CHECK(error_for({input}) == garden::ErrorCode::kInvalidArgument);
  CHECK(error_for({output}) == garden::ErrorCode::kInvalidArgument);
  CHECK(error_for({weight}) == garden::ErrorCode::kInvalidArgument);
  CHECK(error_for({internal, internal}) == garden::ErrorCode::kInvalidArgument);
  garden::SessionOptions options;
  options.extra_outputs = {internal};
  CHECK_NOTHROW(garden::Session(model, options));
}
