// Tests of the ONNX importer: models built in the test with onnx_builder.h,
// the generated fixtures (scripts/make-fixtures) and the PP-OCRv4 detector.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

#include "garden/error.h"
#include "graph/reference.h"
#include "import/importers.h"
#include "import/onnx/onnx_constant.h"
#include "import/onnx/onnx_model.h"
#include "import/onnx/protobuf_reader.h"
#include "onnx_builder.h"
#include "support/fixtures.h"

using namespace garden;
using namespace garden_test;

namespace {

std::vector<float> iota_floats(size_t n, float scale = 1.f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>(i) - 3.f;
  return v;
}

Graph import(const std::vector<uint8_t>& bytes, ImportOptions options = {}) {
  return import_onnx(bytes.data(), bytes.size(), options);
}

// Runs `f`, expecting a garden::Error with `code` whose message contains every one of `parts`.
template <typename F>
void require_error(F f, ErrorCode code, const std::vector<std::string>& parts) {
  try {
    f();
    FAIL("expected an error");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == code);
    for (const std::string& p : parts) CHECK(std::string(e.what()).find(p) != std::string::npos);
  }
}

std::vector<const Node*> nodes_of(const Graph& g, OpType op) {
  std::vector<const Node*> out;
  for (const Node& n : g.nodes)
    if (n.op == op) out.push_back(&n);
  return out;
}

const std::string kFixtures = GARDEN_FIXTURE_DIR;

// Conv 3 -> 4 channels, kernel 3x2, input 1x3x8x9, pads (1,0,1,0), stride (2,1).
std::vector<uint8_t> conv_model() {
  GraphSpec g;
  g.initializers.push_back(float_tensor("w", {4, 3, 3, 2}, iota_floats(4 * 3 * 3 * 2, 0.5f)));
  g.initializers.push_back(float_tensor("b", {4}, {1.f, 2.f, 3.f, 4.f}));
  g.nodes.push_back(node("Conv", {"x", "w", "b"}, {"y"}, "conv1",
                         {attr_ints("pads", {1, 0, 1, 0}), attr_ints("strides", {2, 1}),
                          attr_ints("kernel_shape", {3, 2})}));
  g.inputs.push_back(value_info("x", {1, 3, 8, 9}));
  g.outputs.push_back(value_info("y", {}));
  return model(g);
}

// y = Reshape(Relu(x), Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): a torch-style flatten
// with a dynamic input [?, 3, ?, ?].
std::vector<uint8_t> shape_subgraph_model() {
  GraphSpec g;
  g.initializers.push_back(int64_tensor("zero", {}, {0}));
  g.initializers.push_back(int64_tensor("axes0", {1}, {0}));
  g.initializers.push_back(int64_tensor("minus_one", {1}, {-1}));
  g.nodes.push_back(node("Relu", {"x"}, {"r"}, "relu"));
  g.nodes.push_back(node("Shape", {"r"}, {"s"}, "shape"));
  g.nodes.push_back(node("Gather", {"s", "zero"}, {"n"}, "gather", {attr_int("axis", 0)}));
  g.nodes.push_back(node("Unsqueeze", {"n", "axes0"}, {"n1"}, "unsqueeze"));
  g.nodes.push_back(node("Concat", {"n1", "minus_one"}, {"target"}, "concat", {attr_int("axis", 0)}));
  g.nodes.push_back(node("Reshape", {"r", "target"}, {"y"}, "reshape"));
  g.inputs.push_back(value_info("x", {-1, 3, -2, -3}));
  g.outputs.push_back(value_info("y", {}));
  return model(g);
}

}  // namespace

TEST_CASE("protobuf reader decodes varints, fixed fields and packed repeats", "[onnx][protobuf]") {
  Proto p;
  p.varint(1, 300).f32(2, 1.5f).varint(3, static_cast<uint64_t>(-2));
  Proto packed;
  packed.bytes(4, std::string("\x01\x96\x01\x7f", 4));  // 1, 150, 127 packed
  std::vector<uint8_t> bytes = p.data();
  bytes.insert(bytes.end(), packed.data().begin(), packed.data().end());
  protobuf::Reader r(bytes.data(), bytes.size());
  REQUIRE(r.next_field());
  CHECK(r.field_number() == 1);
  CHECK(r.read_int64() == 300);
  REQUIRE(r.next_field());
  CHECK(r.read_float() == 1.5f);
  REQUIRE(r.next_field());
  CHECK(r.read_int64() == -2);
  REQUIRE(r.next_field());
  std::vector<int64_t> values;
  r.read_repeated_int64(values);
  CHECK(values == std::vector<int64_t>{1, 150, 127});
  CHECK_FALSE(r.next_field());
}

TEST_CASE("protobuf reader rejects malformed input and deep nesting", "[onnx][protobuf]") {
  const uint8_t unterminated_varint[] = {0x08, 0xff, 0xff};
  protobuf::Reader a(unterminated_varint, sizeof unterminated_varint);
  REQUIRE(a.next_field());
  require_error([&] { a.read_int64(); }, ErrorCode::kInvalidModel, {"truncated"});

  const uint8_t overlong_length[] = {0x0a, 0x10, 0x01};
  protobuf::Reader b(overlong_length, sizeof overlong_length);
  REQUIRE(b.next_field());
  require_error([&] { b.read_bytes(); }, ErrorCode::kInvalidModel, {"past the end"});

  const uint8_t wrong_wire_type[] = {0x0d, 0, 0, 0, 0};  // field 1, fixed32
  protobuf::Reader c(wrong_wire_type, sizeof wrong_wire_type);
  REQUIRE(c.next_field());
  require_error([&] { c.read_int64(); }, ErrorCode::kInvalidModel, {"wire type"});

  const uint8_t empty[] = {0};
  require_error([&] { protobuf::Reader(empty, 0, protobuf::kMaxNestingDepth + 1); }, ErrorCode::kLimitExceeded,
                {"nested"});
}

TEST_CASE("Conv weights become OHWI with the right values and output shape", "[onnx]") {
  Graph g = import(conv_model());
  g.validate();
  CHECK(g.info.source == "onnx");
  REQUIRE(g.nodes.size() == 1);
  const Node& conv = g.nodes[0];
  CHECK(conv.op == OpType::kConv2D);
  CHECK(conv.name == "conv1");
  CHECK(conv.attrs.stride == std::array<int32_t, 2>{2, 1});
  CHECK(conv.attrs.pad == std::array<int32_t, 4>{1, 0, 1, 0});
  // (8 + 2 - 3) / 2 + 1 = 4, (9 - 2) / 1 + 1 = 8
  CHECK(g.tensor(conv.outputs[0]).shape == Shape{1, 4, 4, 8});
  CHECK(g.tensor(conv.outputs[0]).layout == Layout::kNCHW);
  const Tensor& w = g.tensor(conv.inputs[1]);
  REQUIRE(w.shape == Shape{4, 3, 2, 3});
  std::vector<float> original = iota_floats(72, 0.5f);
  for (int o = 0; o < 4; ++o)
    for (int i = 0; i < 3; ++i)
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 2; ++x)
          REQUIRE(w.f32()[((o * 3 + y) * 2 + x) * 3 + i] == original[((o * 3 + i) * 3 + y) * 2 + x]);
  CHECK(g.tensor(conv.inputs[2]).shape == Shape{4});
}

TEST_CASE("grouped ConvTranspose weights [I, O/g, kH, kW] become OHWI", "[onnx]") {
  // 4 input channels, 2 groups, 3 outputs per group -> 6 outputs, kernel 2x2, stride 2.
  GraphSpec g;
  std::vector<float> weights = iota_floats(4 * 3 * 2 * 2);
  g.initializers.push_back(float_tensor("w", {4, 3, 2, 2}, weights));
  g.nodes.push_back(node("ConvTranspose", {"x", "w"}, {"y"}, "up",
                         {attr_int("group", 2), attr_ints("strides", {2, 2}), attr_ints("output_padding", {1, 0})}));
  g.inputs.push_back(value_info("x", {1, 4, 5, 7}));
  g.outputs.push_back(value_info("y", {}));
  Graph graph = import(model(g));
  REQUIRE(graph.nodes.size() == 1);
  const Node& n = graph.nodes[0];
  CHECK(n.op == OpType::kConvTranspose2D);
  CHECK(n.attrs.groups == 2);
  CHECK(n.attrs.output_padding == std::array<int32_t, 2>{1, 0});
  // (5 - 1) * 2 + 2 + 1 = 11, (7 - 1) * 2 + 2 = 14
  CHECK(graph.tensor(n.outputs[0]).shape == Shape{1, 6, 11, 14});
  const Tensor& w = graph.tensor(n.inputs[1]);
  REQUIRE(w.shape == Shape{6, 2, 2, 2});
  for (int grp = 0; grp < 2; ++grp)
    for (int o = 0; o < 3; ++o)
      for (int i = 0; i < 2; ++i)
        for (int y = 0; y < 2; ++y)
          for (int x = 0; x < 2; ++x)
            REQUIRE(w.f32()[(((grp * 3 + o) * 2 + y) * 2 + x) * 2 + i] ==
                    weights[(((grp * 2 + i) * 3 + o) * 2 + y) * 2 + x]);
}

TEST_CASE("shape subgraphs fold away and dynamic inputs take the given size", "[onnx]") {
  std::vector<uint8_t> bytes = shape_subgraph_model();

  ImportOptions options;
  options.input_height = 10;
  options.input_width = 12;
  Graph graph = import(bytes, options);
  graph.validate();
  CHECK(graph.tensor(graph.inputs[0]).shape == Shape{1, 3, 10, 12});
  REQUIRE(graph.nodes.size() == 2);
  CHECK(graph.nodes[0].op == OpType::kClamp);
  CHECK(graph.nodes[1].op == OpType::kReshape);
  CHECK(graph.tensor(graph.outputs[0]).shape == Shape{1, 360});
  for (const Tensor& t : graph.tensors) CHECK(t.dtype == DType::kF32);  // no shape tensor left behind

  require_error([&] { import(bytes); }, ErrorCode::kInvalidArgument, {"'x'", "input size"});
}

TEST_CASE("integer arithmetic on shapes folds: Div, Mul, Slice, Cast, ConstantOfShape", "[onnx]") {
  // target = Concat(Slice(Shape(x), 0, 2), Cast(Shape(x)[2:] / 2 * 2 ... as floats -> int))
  GraphSpec g;
  g.initializers.push_back(int64_tensor("s0", {1}, {0}));
  g.initializers.push_back(int64_tensor("s2", {1}, {2}));
  g.initializers.push_back(int64_tensor("end", {1}, {INT64_MAX}));
  g.initializers.push_back(int64_tensor("two", {}, {2}));
  g.nodes.push_back(node("Shape", {"x"}, {"s"}, "shape"));
  g.nodes.push_back(node("Slice", {"s", "s0", "s2"}, {"nc"}, "slice_nc"));
  g.nodes.push_back(node("Slice", {"s", "s2", "end"}, {"hw"}, "slice_hw"));
  g.nodes.push_back(node("Mul", {"hw", "two"}, {"hw2"}, "mul"));
  g.nodes.push_back(node("Cast", {"hw2"}, {"hw2f"}, "cast", {attr_int("to", 1)}));
  g.nodes.push_back(node("Cast", {"hw2f"}, {"hw2i"}, "cast_back", {attr_int("to", 7)}));
  g.nodes.push_back(node("Concat", {"nc", "hw2i"}, {"sizes"}, "concat", {attr_int("axis", 0)}));
  g.nodes.push_back(node("Resize", {"x", "", "", "sizes"}, {"y"}, "resize",
                         {attr_string("mode", "nearest"), attr_string("coordinate_transformation_mode", "asymmetric"),
                          attr_string("nearest_mode", "floor")}));
  g.inputs.push_back(value_info("x", {1, 2, 5, 7}));
  g.outputs.push_back(value_info("y", {}));
  Graph graph = import(model(g));
  REQUIRE(graph.nodes.size() == 1);
  const Node& resize = graph.nodes[0];
  CHECK(resize.op == OpType::kResize2D);
  CHECK(resize.attrs.resize_mode == ResizeMode::kNearest);
  CHECK(resize.attrs.coordinate_mode == CoordinateMode::kAsymmetric);
  CHECK(graph.tensor(resize.outputs[0]).shape == Shape{1, 2, 10, 14});
}

TEST_CASE("nearest Resize maps ONNX rounding to the graph's modes, or runs as matrix products", "[onnx]") {
  auto resize_model = [](const std::string& coordinate, const std::string& nearest, float scale) {
    GraphSpec g;
    g.initializers.push_back(float_tensor("scales", {4}, {1.f, 1.f, scale, scale}));
    g.nodes.push_back(node("Resize", {"x", "", "scales"}, {"y"}, "up",
                           {attr_string("mode", "nearest"), attr_string("coordinate_transformation_mode", coordinate),
                            attr_string("nearest_mode", nearest)}));
    g.inputs.push_back(value_info("x", {1, 1, 4, 4}));
    g.outputs.push_back(value_info("y", {}));
    return model(g);
  };
  // The 4x4 image 0..15 resized: each output pixel must be input[rows[y]][rows[x]].
  const auto picks = [](const Graph& graph, const std::vector<int>& rows) {
    std::vector<float> x(16);
    for (size_t i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
    const std::vector<float> y = garden::evaluate(graph, {x})[0];
    REQUIRE(y.size() == rows.size() * rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      for (size_t j = 0; j < rows.size(); ++j) CHECK(y[i * rows.size() + j] == static_cast<float>(rows[i] * 4 + rows[j]));
  };
  // x2 asymmetric with round_prefer_floor picks the same pixels as the graph's asymmetric block copy.
  Graph asym = import(resize_model("asymmetric", "round_prefer_floor", 2.f));
  REQUIRE(asym.nodes.size() == 1);
  CHECK(asym.nodes[0].attrs.resize_mode == ResizeMode::kNearest);
  CHECK(asym.nodes[0].attrs.coordinate_mode == CoordinateMode::kAsymmetric);
  picks(asym, {0, 0, 1, 1, 2, 2, 3, 3});
  // 4 -> 6 (no whole factor) and ceil rounding (no graph mode) run as matrices.
  Graph half = import(resize_model("half_pixel", "round_prefer_ceil", 1.5f));
  CHECK(nodes_of(half, OpType::kResize2D).empty());
  CHECK(nodes_of(half, OpType::kFullyConnected).size() == 2);
  CHECK(half.tensor(half.outputs[0]).shape == Shape{1, 1, 6, 6});
  picks(half, {0, 1, 1, 2, 3, 3});
  picks(import(resize_model("asymmetric", "floor", 1.5f)), {0, 0, 1, 2, 2, 3});
  picks(import(resize_model("asymmetric", "ceil", 2.f)), {0, 1, 1, 2, 2, 3, 3, 3});
}

TEST_CASE("Gemm folds alpha and beta; MatMul with a constant becomes FullyConnected", "[onnx]") {
  GraphSpec g;
  g.initializers.push_back(float_tensor("B", {3, 2}, {1, 2, 3, 4, 5, 6}));  // [N=3, K=2] with transB
  g.initializers.push_back(float_tensor("C", {3}, {1, 1, 1}));
  g.initializers.push_back(float_tensor("M", {3, 4}, iota_floats(12)));  // [K=3, N=4]
  g.nodes.push_back(node("Gemm", {"x", "B", "C"}, {"h"}, "fc",
                         {attr_int("transB", 1), attr_float("alpha", 2.f), attr_float("beta", 0.5f)}));
  g.nodes.push_back(node("MatMul", {"h", "M"}, {"y"}, "mm"));
  g.inputs.push_back(value_info("x", {1, 2}));
  g.outputs.push_back(value_info("y", {}));
  Graph graph = import(model(g));
  REQUIRE(graph.nodes.size() == 2);
  const Tensor& w = graph.tensor(graph.nodes[0].inputs[1]);
  CHECK(w.shape == Shape{3, 2});
  CHECK(std::vector<float>(w.f32(), w.f32() + 6) == std::vector<float>{2, 4, 6, 8, 10, 12});
  const Tensor& bias = graph.tensor(graph.nodes[0].inputs[2]);
  CHECK(std::vector<float>(bias.f32(), bias.f32() + 3) == std::vector<float>{0.5f, 0.5f, 0.5f});
  const Tensor& m = graph.tensor(graph.nodes[1].inputs[1]);
  REQUIRE(m.shape == Shape{4, 3});
  CHECK(m.f32()[1 * 3 + 2] == iota_floats(12)[2 * 4 + 1]);  // weight[n=1][k=2] = M[k=2][n=1]
  CHECK(graph.tensor(graph.outputs[0]).shape == Shape{1, 4});
}

TEST_CASE("opsets 1 to 6 import where they mean what opset 7 means, and are refused where not", "[onnx]") {
  const auto one_node = [](Proto n, Shape x_shape, std::vector<Proto> initializers = {}) {
    GraphSpec g;
    g.nodes.push_back(std::move(n));
    g.initializers = std::move(initializers);
    g.inputs.push_back(value_info("x", x_shape));
    g.outputs.push_back(value_info("y", {}));
    return g;
  };
  SECTION("Reshape before opset 5 reads its shape attribute") {
    Graph graph = import(model(one_node(node("Reshape", {"x"}, {"y"}, "r", {attr_ints("shape", {1, -1})}), {1, 3, 2, 2}), 4));
    CHECK(graph.tensor(graph.outputs[0]).shape == Shape{1, 12});
  }
  SECTION("Cast before opset 6 names its type") {
    import(model(one_node(node("Cast", {"x"}, {"y"}, "c", {attr_string("to", "FLOAT")}), {1, 4}), 5));
    require_error([&] { import(model(one_node(node("Cast", {"x"}, {"y"}, "c", {attr_string("to", "INT32")}), {1, 4}), 5)); },
                  ErrorCode::kUnsupportedModel, {"INT32"});
  }
  SECTION("legacy broadcasting from an axis is refused unless it is numpy's right alignment") {
    const std::vector<Proto> bias{float_tensor("b", {3}, {1, 2, 3})};
    const Proto channel_axis = node("Add", {"x", "b"}, {"y"}, "add", {attr_int("broadcast", 1), attr_int("axis", 1)});
    require_error([&] { import(model(one_node(channel_axis, {1, 3, 2, 2}, bias), 6)); }, ErrorCode::kUnsupportedModel,
                  {"'add'", "broadcasting from an axis", "opset 6"});
    const Proto last_axis = node("Add", {"x", "b"}, {"y"}, "add", {attr_int("broadcast", 1), attr_int("axis", 3)});
    import(model(one_node(last_axis, {1, 2, 2, 3}, bias), 6));
  }
  SECTION("a per-channel PRelu slope and Upsample are refused") {
    const std::vector<Proto> slope{float_tensor("s", {3}, {0.1f, 0.2f, 0.3f})};
    require_error([&] { import(model(one_node(node("PRelu", {"x", "s"}, {"y"}, "p"), {1, 3, 2, 2}, slope), 6)); },
                  ErrorCode::kUnsupportedModel, {"'p'", "slope"});
    require_error([&] { import(model(one_node(node("Upsample", {"x"}, {"y"}, "u"), {1, 3, 2, 2}), 6)); },
                  ErrorCode::kUnsupportedModel, {"'u'", "Upsample"});
  }
}

TEST_CASE("an output that is the input, or listed twice, gets a copy of its own", "[onnx]") {
  GraphSpec g;
  g.nodes.push_back(node("Identity", {"x"}, {"y"}, "id"));
  g.inputs.push_back(value_info("x", {2, 3}));
  g.outputs.push_back(value_info("y", {}));
  g.outputs.push_back(value_info("x", {}));
  Graph graph = import(model(g));
  REQUIRE(graph.outputs.size() == 2);
  CHECK(graph.outputs[0] != graph.inputs[0]);
  CHECK(graph.outputs[1] != graph.inputs[0]);
  CHECK(graph.outputs[0] != graph.outputs[1]);
  CHECK(graph.tensor(graph.outputs[0]).name == "y");
  const std::vector<std::vector<float>> out = garden::evaluate(graph, {{1, 2, 3, 4, 5, 6}});
  CHECK(out[0] == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(out[1] == out[0]);
}

TEST_CASE("one error names every op the model needs that the runtime lacks", "[onnx]") {
  // x -> FancyOp -> Relu -> OtherOp -> y1 and x -> Relu -> FancyOp -> y2:
  // FancyOp twice (one line), OtherOp behind a refused node (still named,
  // being unknown), the Relu between them skipped (it would run).
  GraphSpec g;
  g.nodes.push_back(node("FancyOp", {"x"}, {"a"}, "fancy_1"));
  g.nodes.push_back(node("Relu", {"a"}, {"b"}, "relu_1"));
  g.nodes.push_back(node("OtherOp", {"b"}, {"y1"}, "other"));
  g.nodes.push_back(node("Relu", {"x"}, {"c"}, "relu_2"));
  g.nodes.push_back(node("FancyOp", {"c"}, {"y2"}, "fancy_2"));
  g.inputs.push_back(value_info("x", {1, 3, 4, 4}));
  g.outputs.push_back(value_info("y1", {}));
  g.outputs.push_back(value_info("y2", {}));
  try {
    import(model(g));
    FAIL("expected an error");
  } catch (const Error& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(e.code() == ErrorCode::kUnsupportedOp);
    CHECK(message.rfind("unsupported ONNX op 'FancyOp' (node 'fancy_1') (and 1 more node like it)", 0) == 0);
    CHECK(message.find("\n  also: unsupported ONNX op 'OtherOp' (node 'other')") != std::string::npos);
    CHECK(message.find("Relu") == std::string::npos);
    CHECK(std::count(message.begin(), message.end(), '\n') == 1);
  }
}

TEST_CASE("errors name the op and the node", "[onnx]") {
  GraphSpec g;
  g.nodes.push_back(node("FancyOp", {"x"}, {"y"}, "fancy_node"));
  g.inputs.push_back(value_info("x", {1, 3, 4, 4}));
  g.outputs.push_back(value_info("y", {}));
  require_error([&] { import(model(g)); }, ErrorCode::kUnsupportedOp, {"'FancyOp'", "'fancy_node'"});

  GraphSpec unknown;
  unknown.nodes.push_back(node("Relu", {"nowhere"}, {"y"}, "relu_node"));
  unknown.inputs.push_back(value_info("x", {1, 3, 4, 4}));
  unknown.outputs.push_back(value_info("y", {}));
  require_error([&] { import(model(unknown)); }, ErrorCode::kInvalidModel, {"'relu_node'", "'nowhere'"});

  GraphSpec bad_weight;
  bad_weight.initializers.push_back(float_tensor("w", {4, 2, 3, 3}, iota_floats(72)));
  bad_weight.nodes.push_back(node("Conv", {"x", "w"}, {"y"}, "conv_node"));
  bad_weight.inputs.push_back(value_info("x", {1, 3, 8, 8}));
  bad_weight.outputs.push_back(value_info("y", {}));
  require_error([&] { import(model(bad_weight)); }, ErrorCode::kInvalidModel, {"'conv_node'", "weight"});

  GraphSpec bad_gather;
  bad_gather.initializers.push_back(int64_tensor("i", {}, {7}));
  bad_gather.nodes.push_back(node("Shape", {"x"}, {"s"}, "shape"));
  bad_gather.nodes.push_back(node("Gather", {"s", "i"}, {"y"}, "gather_node"));
  bad_gather.inputs.push_back(value_info("x", {1, 3, 8, 8}));
  bad_gather.outputs.push_back(value_info("y", {}));
  require_error([&] { import(model(bad_gather)); }, ErrorCode::kInvalidModel, {"'gather_node'", "out of range"});
}

TEST_CASE("external tensor data is refused clearly", "[onnx]") {
  Proto w;
  for (int64_t d : {4, 3, 1, 1}) w.varint(1, static_cast<uint64_t>(d));
  w.varint(2, 1).bytes(8, "w").varint(14, 1);  // data_location = EXTERNAL
  GraphSpec g;
  g.initializers.push_back(w);
  g.nodes.push_back(node("Conv", {"x", "w"}, {"y"}, "conv"));
  g.inputs.push_back(value_info("x", {1, 3, 8, 8}));
  g.outputs.push_back(value_info("y", {}));
  require_error([&] { import(model(g)); }, ErrorCode::kUnsupportedModel, {"external"});
}

TEST_CASE("SiLU exported as Sigmoid and Mul becomes one Swish", "[onnx]") {
  GraphSpec g;
  g.nodes.push_back(node("Sigmoid", {"x"}, {"s"}, "sig"));
  g.nodes.push_back(node("Mul", {"x", "s"}, {"y"}, "silu"));
  g.inputs.push_back(value_info("x", {1, 8, 4, 4}));
  g.outputs.push_back(value_info("y", {}));
  Graph graph = import(model(g));
  REQUIRE(graph.nodes.size() == 1);
  CHECK(graph.nodes[0].op == OpType::kSwish);
  CHECK(graph.nodes[0].inputs[0] == graph.inputs[0]);
}

TEST_CASE("every truncated prefix of a model is an error, never a crash", "[onnx][robustness]") {
  std::vector<uint8_t> bytes = conv_model();
  size_t errors = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    try {
      Graph g = import_onnx(bytes.data(), n);
      g.validate();
    } catch (const Error&) {
      ++errors;
    }
  }
  // A prefix that ends between fields can still parse (e.g. before the opset); most cannot.
  CHECK(errors >= bytes.size() - 4);
}

TEST_CASE("random bit flips give an error or a valid graph", "[onnx][robustness]") {
  auto original = GENERATE(conv_model(), shape_subgraph_model());
  ImportOptions options;
  options.input_height = 10;
  options.input_width = 12;
  std::mt19937 rng(20240611);
  size_t errors = 0, graphs = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> bytes = original;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    try {
      Graph g = import_onnx(bytes.data(), bytes.size(), options);
      g.validate();
      ++graphs;
    } catch (const Error&) {
      ++errors;
    }
  }
  INFO("errors " << errors << ", graphs " << graphs);
  CHECK(errors + graphs == 2000);
  CHECK(errors > 0);
}

TEST_CASE("every op fixture imports to a valid graph with the expected output shapes", "[onnx][fixtures]") {
  const std::vector<std::string> ops = {
      "add_broadcast", "add_tensors", "avg_pool_3x3s2p1_exclude_pad", "batchnorm", "clip_min_max", "concat",
      "conv", "conv_1x1", "conv_dilated", "conv_groups", "conv_stride2_pad_asym", "conv_transpose_k2s2",
      "conv_transpose_k3s2p1_outpad1", "conv_transpose_k4s2p1", "depthwise", "depthwise_multiplier2",
      "depthwise_stride2", "div", "flatten_gemm", "global_avg_pool", "hardsigmoid", "hardsigmoid_alpha02",
      "hardswish", "max_pool_3x3s2p1", "mul_broadcast", "mul_tensors", "pad_constant", "relu", "relu6_clip",
      "resize_bilinear_odd_size", "resize_bilinear_odd_size_align_corners", "resize_bilinear_x2",
      "resize_bilinear_x2_align_corners", "resize_bilinear_x2_opset11", "resize_nearest_x2",
      "resize_nearest_x2_opset11", "sigmoid", "silu", "softmax_channels", "sub", "tanh", "transpose_nhwc"};
  const std::vector<std::string> archs = {"deeplabv3_mnv2", "deeplabv3_mnv2_050", "efficientnet_b0", "psenet_r50",
                                          "ppocrv4_det"};
  std::vector<std::string> dirs;
  for (const std::string& op : ops) dirs.push_back(kFixtures + "/ops/" + op);
  for (const std::string& arch : archs) dirs.push_back(kFixtures + "/" + arch);
  for (const std::string& dir : dirs) {
    INFO(dir);
    REQUIRE(file_exists(dir + "/model.onnx"));  // run scripts/make-fixtures first
    const std::string meta = read_text(dir + "/meta.json");
    std::vector<Shape> inputs = meta_shapes(meta, "inputs"), outputs = meta_shapes(meta, "outputs");
    REQUIRE(inputs.size() == 1);
    ImportOptions options;
    if (inputs[0].size() == 4) {
      options.input_height = inputs[0][2];
      options.input_width = inputs[0][3];
    }
    std::vector<uint8_t> bytes = read_bytes(dir + "/model.onnx");
    Graph graph = import(bytes, options);
    graph.validate();
    CHECK(graph.tensor(graph.inputs[0]).shape == inputs[0]);
    REQUIRE(graph.outputs.size() == outputs.size());
    for (size_t k = 0; k < outputs.size(); ++k) CHECK(graph.tensor(graph.outputs[k]).shape == outputs[k]);
    for (const Tensor& t : graph.tensors)
      CHECK((t.is_constant() || t.dtype == DType::kF32));  // activations are float, shape tensors are gone
  }
}

TEST_CASE("fixture conv weights equal the ONNX initializers transposed to OHWI", "[onnx][fixtures]") {
  for (const char* op : {"conv", "conv_groups", "depthwise_multiplier2", "conv_dilated"}) {
    std::string path = kFixtures + "/ops/" + std::string(op) + "/model.onnx";
    INFO(path);
    REQUIRE(file_exists(path));
    std::vector<uint8_t> bytes = read_bytes(path);
    onnx::ModelProto proto = onnx::parse_model(bytes.data(), bytes.size());
    std::vector<std::pair<std::string, onnx::Constant>> weights;  // by name, from initializers or Constant nodes
    for (const onnx::TensorProto& t : proto.graph.initializers)
      if (t.dims.size() == 4) weights.emplace_back(t.name, onnx::constant_from_proto(t, t.name));
    for (const onnx::Node& n : proto.graph.nodes)
      if (n.op_type == "Constant" && !n.attributes.empty() && !n.attributes[0].t.empty() &&
          n.attributes[0].t[0].dims.size() == 4)
        weights.emplace_back(n.outputs[0], onnx::constant_from_proto(n.attributes[0].t[0], n.outputs[0]));
    REQUIRE(weights.size() == 1);
    const onnx::Constant& w = weights[0].second;
    Graph graph = import(bytes);
    std::vector<const Node*> convs = nodes_of(graph, OpType::kConv2D);
    REQUIRE(convs.size() == 1);
    const Tensor& ohwi = graph.tensor(convs[0]->inputs[1]);
    const int64_t O = w.shape[0], I = w.shape[1], H = w.shape[2], W = w.shape[3];
    REQUIRE(ohwi.shape == Shape{O, H, W, I});
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < I; ++i)
        for (int64_t y = 0; y < H; ++y)
          for (int64_t x = 0; x < W; ++x)
            REQUIRE(ohwi.f32()[((o * H + y) * W + x) * I + i] == w.f[static_cast<size_t>(((o * I + i) * H + y) * W + x)]);
  }
}

TEST_CASE("the real PP-OCRv4 detector imports at 640x640", "[onnx][fixtures]") {
  std::string path = kFixtures + "/ppocrv4_det/model.onnx";
  REQUIRE(file_exists(path));
  std::vector<uint8_t> bytes = read_bytes(path);
  ImportOptions options;
  options.input_height = 640;
  options.input_width = 640;
  Graph graph = import(bytes, options);
  graph.validate();
  CHECK(graph.tensor(graph.inputs[0]).shape == Shape{1, 3, 640, 640});
  REQUIRE(graph.outputs.size() == 1);
  CHECK(graph.tensor(graph.outputs[0]).shape == Shape{1, 1, 640, 640});
  CHECK(nodes_of(graph, OpType::kConv2D).size() == 62);
  CHECK(nodes_of(graph, OpType::kConvTranspose2D).size() == 2);
  CHECK(nodes_of(graph, OpType::kResize2D).size() == 6);
  for (const Node* r : nodes_of(graph, OpType::kResize2D)) CHECK(r->attrs.resize_mode == ResizeMode::kNearest);
  for (const Node* c : nodes_of(graph, OpType::kConv2D)) {
    const Tensor& w = graph.tensor(c->inputs[1]);
    REQUIRE(w.shape.size() == 4);
    // OHWI: input channels per group last, matching the activation's channels.
    CHECK(w.shape[3] * c->attrs.groups == graph.tensor(c->inputs[0]).shape[1]);
    CHECK(w.shape[0] == graph.tensor(c->outputs[0]).shape[1]);
  }
  // Without an input size the dynamic height and width are refused clearly.
  require_error([&] { import(bytes); }, ErrorCode::kInvalidArgument, {"input size"});
}

TEST_CASE("ONNX outputs keep the element type they declare", "[onnx]") {
  GraphSpec g;
  g.nodes.push_back(node("Relu", {"x"}, {"y"}, "relu"));
  g.nodes.push_back(node("Floor", {"y"}, {"count"}, "floor"));
  g.nodes.push_back(node("Sign", {"y"}, {"flag"}, "sign"));
  g.inputs.push_back(value_info("x", {1, 4}));
  g.outputs.push_back(value_info("y", {}));
  g.outputs.push_back(value_info("count", {}, 7));  // int64
  g.outputs.push_back(value_info("flag", {}, 9));   // bool
  const Graph typed = import(model(g));
  CHECK(typed.output_types == std::vector<ValueType>{ValueType::kFloat32, ValueType::kInt64, ValueType::kBool});
  // All float: nothing recorded.
  CHECK(import(conv_model()).output_types.empty());
}

TEST_CASE("1-D Conv runs as 2-D on [N, C, L, 1] and matches a direct computation", "[onnx]") {
  // x [1, 2, 5], w [3, 2, 3], bias, pads [1, 1], stride 2: output [1, 3, 3].
  const std::vector<float> x = iota_floats(10, 0.5f), w = iota_floats(18, 0.25f), bias{1.f, -1.f, 0.5f};
  GraphSpec g;
  g.initializers.push_back(float_tensor("w", {3, 2, 3}, w));
  g.initializers.push_back(float_tensor("b", {3}, bias));
  g.nodes.push_back(node("Conv", {"x", "w", "b"}, {"y"}, "conv1d",
                         {attr_ints("pads", {1, 1}), attr_ints("strides", {2}), attr_ints("kernel_shape", {3})}));
  g.inputs.push_back(value_info("x", {1, 2, 5}));
  g.outputs.push_back(value_info("y", {}));
  const Graph graph = import(model(g));
  REQUIRE(graph.tensor(graph.outputs[0]).shape == Shape{1, 3, 3});
  std::vector<float> expected;
  for (int o = 0; o < 3; ++o)
    for (int l = 0; l < 3; ++l) {
      float sum = bias[static_cast<size_t>(o)];
      for (int c = 0; c < 2; ++c)
        for (int k = 0; k < 3; ++k) {
          const int at = l * 2 - 1 + k;
          if (at >= 0 && at < 5) sum += x[static_cast<size_t>(c * 5 + at)] * w[static_cast<size_t>((o * 2 + c) * 3 + k)];
        }
      expected.push_back(sum);
    }
  const std::vector<float> got = garden::evaluate(graph, {x})[0];
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).epsilon(1e-5));
}
