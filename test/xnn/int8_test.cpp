// Int8 layers (quantize_weights, garden/model.h): convolutions and fully
// connected layers whose weights are stored as per-channel int8 run in int8
// through XNNPACK, against the reference evaluator on the same (dequantized)
// weights. The one difference left is the run-time quantization of each
// layer's input to 8 bits per image, an error of at most half a step of
// max|input| / 127 per value: the output must be within 2 % of max|output|.
// Layers without an int8 kernel keep float weights and are reported.
#include "session_check.h"

#include "garden/model.h"

using namespace garden_test;

namespace {

// A conv on 4 channels (kept f32: too narrow), a dilated conv whose outer
// taps only read padding (lowered trimmed), a depthwise conv, a transposed
// conv, and two fully connected layers (one on rows, one on the flattened map).
Graph mixed_model() {
  GraphBuilder m(Layout::kNHWC, 5);
  const TensorId x = m.input({1, 6, 6, 4});
  const TensorId conv = m.node(OpType::kConv2D, {x, m.random_constant({24, 3, 3, 4}), m.random_constant({24})},
                               {1, 6, 6, 24}, conv_attrs(1, 1));
  const TensorId dilated = m.node(OpType::kConv2D, {conv, m.random_constant({24, 3, 3, 24}), m.random_constant({24})},
                                  {1, 6, 6, 24}, conv_attrs(1, 6, 1, 6));
  const TensorId depthwise = m.node(OpType::kConv2D, {dilated, m.random_constant({24, 3, 3, 1})}, {1, 6, 6, 24},
                                    conv_attrs(1, 1, 24));
  const TensorId up = m.node(OpType::kConvTranspose2D, {depthwise, m.random_constant({20, 2, 2, 24})}, {1, 12, 12, 20},
                             conv_attrs(2, 0));
  const TensorId rows = m.node(OpType::kFullyConnected, {up, m.random_constant({6, 20}), m.random_constant({6})},
                               {1, 12, 12, 6});
  const TensorId flat = m.node(OpType::kReshape, {rows}, {1, 864});
  const TensorId fc = m.node(OpType::kFullyConnected, {flat, m.random_constant({5, 864}), m.random_constant({5})}, {1, 5});
  m.output(fc);
  return m.graph();
}

}  // namespace

TEST_CASE("int8 convolutions and fully connected layers match the reference on their weights", "[xnn][int8]") {
  garden::Model model{mixed_model()};
  const garden::QuantizationReport report = garden::quantize_weights(model, garden::WeightStorage::kInt8);
  CHECK(report.int8_layers == 3);
  REQUIRE(report.float_layers.size() == 3);
  CHECK(report.float_layers[0].find("16 or fewer input channels") != std::string::npos);
  CHECK(report.float_layers[1].find("depthwise") != std::string::npos);
  CHECK(report.float_layers[2].find("transposed") != std::string::npos);
  CHECK(report.bytes_after < report.bytes_before / 2);

  const std::vector<float> input = random_values(6 * 6 * 4, 3);
  // The reference reads int8 weights as q x scale: the same weights the session packs.
  const std::vector<float> expected = garden::evaluate(model.graph, {input})[0];
  for (int threads : {1, 2}) {
    garden::SessionOptions options;
    options.threads = threads;
    options.profile = true;
    garden::Session session(model, options);
    std::copy(input.begin(), input.end(), session.input(0).data);
    session.run();
    const Difference d = compare(session.output(0).data, expected);
    INFO("threads " << threads << " max|diff| " << d.max_diff << " max|ref| " << d.max_ref);
    CHECK(d.max_ref > 0.f);
    CHECK(d.max_diff <= 0.02f * d.max_ref);
    // The int8 layers ran as XNNPACK's dynamically quantized operators.
    int quantized = 0;
    for (const garden::NodeTime& time : session.profile()) quantized += time.name.find("QD8") != std::string::npos;
    CHECK(quantized >= 6);  // three converts to int8, three int8 layers
  }
}

TEST_CASE("fp16 weights: the layers' weights halve, the outputs stay within 1e-3", "[xnn][int8]") {
  garden::Model model{mixed_model()};
  const std::vector<float> input = random_values(6 * 6 * 4, 4);
  const std::vector<float> f32 = garden::evaluate(model.graph, {input})[0];
  const garden::QuantizationReport report = garden::quantize_weights(model, garden::WeightStorage::kF16);
  CHECK(report.bytes_after < 0.6 * report.bytes_before);
  garden::Session session(model);
  std::copy(input.begin(), input.end(), session.input(0).data);
  session.run();
  const Difference d = compare(session.output(0).data, f32);
  CHECK(d.max_diff <= 1e-3f * d.max_ref);
}

TEST_CASE("an int8 tensor round-trips through .garden; bad scales are refused", "[xnn][int8]") {
  garden::Model model{mixed_model()};
  garden::quantize_weights(model, garden::WeightStorage::kInt8);
  const std::vector<uint8_t> bytes = garden::save_model_bytes(model);
  const garden::Model again = garden::load_model_bytes(bytes.data(), bytes.size(), garden::ModelFormat::kGarden);
  for (size_t i = 0; i < model.graph.tensors.size(); ++i) {
    INFO(model.graph.tensors[i].name);
    CHECK(again.graph.tensors[i].dtype == model.graph.tensors[i].dtype);
    CHECK(again.graph.tensors[i].data == model.graph.tensors[i].data);
    CHECK(again.graph.tensors[i].scales == model.graph.tensors[i].scales);
  }
  garden::Model broken = model;
  for (garden::Tensor& t : broken.graph.tensors)
    if (t.dtype == garden::DType::kQI8) t.scales[0] = 0.f;
  CHECK(error_code_of([&] { garden::save_model_bytes(broken); }) == garden::ErrorCode::kInvalidModel);
}
