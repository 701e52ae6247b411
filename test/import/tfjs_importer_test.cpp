// Tests of the TF.js graph-model importer on model.json files built here:
// op translation checked against plain loops written from TensorFlow's
// definitions (run through the graph's reference evaluator), weight
// encodings, file loading, and malformed input (always a garden::Error).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "garden/error.h"
#include "garden/session.h"
#include "graph/folding_budget.h"
#include "graph/reference.h"
#include "import/importers.h"
#include "support/graph_builder.h"

using namespace garden;
using garden_test::random_values;
using nlohmann::json;

namespace {

std::string base64(const std::string& text) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : text) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) out.push_back(kAlphabet[(bits >> (count -= 6)) & 63]);
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

json ints(std::vector<int64_t> v) {
  json list = json::array();
  for (int64_t x : v) list.push_back(std::to_string(x));
  return {{"list", {{"i", list}}}};
}
json str(const std::string& s) { return {{"s", base64(s)}}; }
json strs(std::vector<std::string> v) {
  json list = json::array();
  for (const std::string& s : v) list.push_back(base64(s));
  return {{"list", {{"s", list}}}};
}
json dims(const std::vector<int64_t>& shape) {
  json d = json::array();
  for (int64_t x : shape) d.push_back({{"size", std::to_string(x)}});
  return {{"dim", d}};
}

// Builds model.json and one weight file.
struct ModelBuilder {
  json nodes = json::array();
  json weights = json::array();
  std::vector<uint8_t> bytes;

  void node(const std::string& name, const std::string& op, std::vector<std::string> inputs, json attr = json::object()) {
    nodes.push_back({{"name", name}, {"op", op}, {"input", inputs}, {"attr", attr}});
  }
  void input(const std::string& name, const std::vector<int64_t>& shape) {
    node(name, "Placeholder", {}, {{"shape", {{"shape", dims(shape)}}}, {"dtype", {{"type", "DT_FLOAT"}}}});
  }
  void append(const void* data, size_t size) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + size);
  }
  void floats(const std::string& name, const std::vector<int64_t>& shape, const std::vector<float>& values) {
    weights.push_back({{"name", name}, {"shape", shape}, {"dtype", "float32"}});
    append(values.data(), values.size() * 4);
    node(name, "Const", {});
  }
  void uint8(const std::string& name, const std::vector<int64_t>& shape, const std::vector<uint8_t>& q, double scale,
             double min) {
    weights.push_back({{"name", name}, {"shape", shape}, {"dtype", "float32"},
                       {"quantization", {{"dtype", "uint8"}, {"scale", scale}, {"min", min}}}});
    append(q.data(), q.size());
    node(name, "Const", {});
  }
  void int32s(const std::string& name, const std::vector<int64_t>& shape, const std::vector<int32_t>& values) {
    weights.push_back({{"name", name}, {"shape", shape}, {"dtype", "int32"}});
    append(values.data(), values.size() * 4);
    node(name, "Const", {});
  }
  json model() const {
    return {{"format", "graph-model"},
            {"modelTopology", {{"node", nodes}}},
            {"weightsManifest", json::array({{{"paths", {"group1-shard1of1"}}, {"weights", weights}}})}};
  }
  std::string text() const { return model().dump(); }
  Graph import(ImportOptions options = {}) const { return import_tfjs(text(), {bytes}, options); }
};

json conv_attrs(int stride, int dilation, const std::string& padding) {
  return {{"strides", ints({1, stride, stride, 1})}, {"dilations", ints({1, dilation, dilation, 1})},
          {"padding", str(padding)}, {"data_format", str("NHWC")}};
}

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

// TensorFlow's padding for one axis: SAME puts the extra pixel at the end.
void tf_same_pad(int in, int k, int stride, int dilation, int* out, int* before) {
  *out = (in + stride - 1) / stride;
  const int total = std::max(0, (*out - 1) * stride + (k - 1) * dilation + 1 - in);
  *before = total / 2;
}

// Depthwise convolution, NHWC, filter [kh, kw, C, M], SAME padding, as TF defines it.
std::vector<float> tf_depthwise(const std::vector<float>& x, int H, int W, int C, const std::vector<float>& f, int K,
                                int M, int stride, int dilation, int* OH, int* OW) {
  int pt, pl;
  tf_same_pad(H, K, stride, dilation, OH, &pt);
  tf_same_pad(W, K, stride, dilation, OW, &pl);
  std::vector<float> out(static_cast<size_t>(*OH * *OW * C * M), 0.f);
  for (int oy = 0; oy < *OH; ++oy)
    for (int ox = 0; ox < *OW; ++ox)
      for (int c = 0; c < C; ++c)
        for (int m = 0; m < M; ++m) {
          float sum = 0;
          for (int ky = 0; ky < K; ++ky)
            for (int kx = 0; kx < K; ++kx) {
              const int iy = oy * stride - pt + ky * dilation, ix = ox * stride - pl + kx * dilation;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              sum += x[static_cast<size_t>((iy * W + ix) * C + c)] * f[static_cast<size_t>(((ky * K + kx) * C + c) * M + m)];
            }
          out[static_cast<size_t>(((oy * *OW) + ox) * C * M + c * M + m)] = sum;
        }
  return out;
}

void check_close(const std::vector<float>& actual, const std::vector<float>& expected, double tolerance) {
  REQUIRE(actual.size() == expected.size());
  double worst = 0;
  for (size_t i = 0; i < actual.size(); ++i) worst = std::max(worst, std::fabs(double(actual[i]) - expected[i]));
  INFO("max |diff| " << worst);
  CHECK(worst <= tolerance);
}

// A valid model: x [1,4,4,2] -> _FusedConv2D 3x3 stride 2 SAME + BiasAdd + Relu6.
ModelBuilder small_conv_model() {
  ModelBuilder b;
  b.input("x", {1, 4, 4, 2});
  b.floats("w", {3, 3, 2, 3}, random_values(54, 1));
  b.floats("bias", {3}, {0.1f, -0.2f, 0.3f});
  json attr = conv_attrs(2, 1, "SAME");
  attr["fused_ops"] = strs({"BiasAdd", "Relu6"});
  attr["num_args"] = {{"i", "1"}};
  b.node("conv", "_FusedConv2D", {"x", "w", "bias"}, attr);
  return b;
}

}  // namespace

TEST_CASE("TF.js _FusedConv2D: TF SAME padding, weights to OHWI, fused bias and Relu6", "[tfjs]") {
  const ModelBuilder b = small_conv_model();
  const Graph g = b.import();
  REQUIRE(g.nodes.size() == 1);
  const Node& conv = g.nodes[0];
  CHECK(conv.op == OpType::kConv2D);
  // 4 -> 2 with a 3x3 window at stride 2: one pixel of padding, at the bottom/right.
  CHECK(conv.attrs.pad == std::array<int32_t, 4>{0, 0, 1, 1});
  CHECK(conv.attrs.activation_min == 0.f);
  CHECK(conv.attrs.activation_max == 6.f);
  CHECK(g.tensor(g.inputs[0]).layout == Layout::kNHWC);
  CHECK(g.tensor(g.outputs[0]).shape == Shape{1, 2, 2, 3});

  const std::vector<float> x = random_values(32, 2), w = random_values(54, 1);
  std::vector<float> expected;
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox)
      for (int o = 0; o < 3; ++o) {
        float sum = std::vector<float>{0.1f, -0.2f, 0.3f}[o];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx)
            for (int i = 0; i < 2; ++i) {
              const int iy = oy * 2 + ky, ix = ox * 2 + kx;
              if (iy < 4 && ix < 4) sum += x[(iy * 4 + ix) * 2 + i] * w[((ky * 3 + kx) * 2 + i) * 3 + o];
            }
        expected.push_back(std::min(6.f, std::max(0.f, sum)));
      }
  check_close(evaluate(g, {x})[0], expected, 1e-5);
}

TEST_CASE("TF.js element-wise unary ops become their graph ops", "[tfjs]") {
  const std::vector<std::pair<std::string, OpType>> ops = {
      {"Abs", OpType::kAbs},   {"Neg", OpType::kNeg},     {"Exp", OpType::kExp},     {"Log", OpType::kLog},
      {"Sqrt", OpType::kSqrt}, {"Floor", OpType::kFloor}, {"Ceil", OpType::kCeil},   {"Round", OpType::kRound},
      {"Elu", OpType::kElu},   {"LeakyRelu", OpType::kLeakyRelu}, {"Sign", OpType::kSign},
      {"Reciprocal", OpType::kReciprocal}, {"Sin", OpType::kSin}, {"Cos", OpType::kCos}};
  for (const auto& [name, op] : ops) {
    ModelBuilder b;
    b.input("x", {1, 4, 4, 2});
    b.node("y", name, {"x"}, name == "LeakyRelu" ? json{{"alpha", {{"f", 0.3}}}} : json::object());
    const Graph g = b.import();
    INFO(name);
    REQUIRE(g.nodes.size() == 1);
    CHECK(g.nodes[0].op == op);
    if (op == OpType::kLeakyRelu) CHECK(g.nodes[0].attrs.alpha == 0.3f);
    if (op == OpType::kElu) CHECK(g.nodes[0].attrs.alpha == 1.f);
  }
}

TEST_CASE("TF.js Mean, Max, Min and Prod become reductions over their axes", "[tfjs]") {
  const std::vector<std::pair<std::string, OpType>> ops = {
      {"Mean", OpType::kMean}, {"Max", OpType::kReduceMax}, {"Min", OpType::kReduceMin}, {"Prod", OpType::kReduceProd}};
  for (const auto& [name, op] : ops) {
    for (bool keep_dims : {true, false}) {
      ModelBuilder b;
      b.input("x", {1, 4, 4, 2});
      b.int32s("axes", {2}, {-1, 2});
      b.node("y", name, {"x", "axes"}, {{"keep_dims", {{"b", keep_dims}}}});
      const Graph g = b.import();
      INFO(name << " keep_dims " << keep_dims);
      REQUIRE(g.nodes.size() == (keep_dims ? 1u : 2u));
      CHECK(g.nodes[0].op == op);
      CHECK(g.nodes[0].attrs.ints == std::vector<int64_t>{2, 3});
      CHECK(g.tensor(g.outputs[0]).shape == (keep_dims ? Shape{1, 4, 1, 1} : Shape{1, 4}));
    }
  }
}

TEST_CASE("TF.js fused Prelu, LeakyRelu and Elu epilogues apply after the bias", "[tfjs]") {
  const std::vector<float> x = random_values(32, 2);
  // The convolution with its bias only, then with each activation fused.
  const auto conv_with = [&](std::vector<std::string> fused_ops, bool slope_arg, json extra = json::object()) {
    ModelBuilder b;
    b.input("x", {1, 4, 4, 2});
    b.floats("w", {3, 3, 2, 3}, random_values(54, 1));
    b.floats("bias", {3}, {0.1f, -0.2f, 0.3f});
    std::vector<std::string> inputs{"x", "w", "bias"};
    if (slope_arg) {
      b.floats("alpha", {3}, {0.5f, 0.25f, 2.f});
      inputs.push_back("alpha");
    }
    json attr = conv_attrs(2, 1, "SAME");
    attr["fused_ops"] = strs(fused_ops);
    attr["num_args"] = {{"i", std::to_string(inputs.size() - 2)}};
    attr.update(extra);
    b.node("conv", "_FusedConv2D", inputs, attr);
    return evaluate(b.import(), {x})[0];
  };
  const std::vector<float> linear = conv_with({"BiasAdd"}, false);
  const float slopes[3] = {0.5f, 0.25f, 2.f};
  std::vector<float> prelu, leaky, elu;
  for (size_t i = 0; i < linear.size(); ++i) {
    const float v = linear[i];
    prelu.push_back(v >= 0 ? v : slopes[i % 3] * v);
    leaky.push_back(v >= 0 ? v : 0.1f * v);
    elu.push_back(v >= 0 ? v : std::exp(v) - 1.f);
  }
  check_close(conv_with({"BiasAdd", "Prelu"}, true), prelu, 1e-6);
  check_close(conv_with({"BiasAdd", "LeakyRelu"}, false, {{"leakyrelu_alpha", {{"f", 0.1}}}}), leaky, 1e-6);
  check_close(conv_with({"BiasAdd", "Elu"}, false), elu, 1e-6);
}

TEST_CASE("TF.js Transpose, Split, SplitV and Unpack move the right elements", "[tfjs]") {
  // x[i][j][k] = 12 i + 4 j + k, shape [2, 3, 4].
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  const auto at = [](int i, int j, int k) { return static_cast<float>(12 * i + 4 * j + k); };
  SECTION("Transpose [2, 0, 1]") {
    ModelBuilder b;
    b.input("x", {2, 3, 4});
    b.int32s("perm", {3}, {2, 0, 1});
    b.node("y", "Transpose", {"x", "perm"});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{4, 2, 3});
    std::vector<float> expected;
    for (int k = 0; k < 4; ++k)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) expected.push_back(at(i, j, k));
    check_close(evaluate(g, {x})[0], expected, 0);
  }
  SECTION("SplitV [1, -1] on the last axis, parts swapped by a ConcatV2") {
    ModelBuilder b;
    b.input("x", {2, 3, 4});
    b.int32s("sizes", {2}, {1, -1});
    b.int32s("axis", {}, {-1});
    b.node("s", "SplitV", {"x", "sizes", "axis"}, {{"num_split", {{"i", "2"}}}});
    b.node("y", "ConcatV2", {"s:1", "s", "axis"});
    std::vector<float> expected;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k : {1, 2, 3, 0}) expected.push_back(at(i, j, k));
    check_close(evaluate(b.import(), {x})[0], expected, 0);
  }
  SECTION("Split into 2 on the first axis, parts subtracted") {
    ModelBuilder b;
    b.input("x", {2, 3, 4});
    b.int32s("axis", {}, {0});
    b.node("s", "Split", {"axis", "x"}, {{"num_split", {{"i", "2"}}}});
    b.node("y", "Sub", {"s:1", "s"});
    check_close(evaluate(b.import(), {x})[0], std::vector<float>(12, 12.f), 0);
  }
  SECTION("Unpack on axis 1: three [2, 4] parts") {
    ModelBuilder b;
    b.input("x", {2, 3, 4});
    b.node("u", "Unpack", {"x"}, {{"axis", {{"i", "1"}}}, {"num", {{"i", "3"}}}});
    b.node("d", "Sub", {"u:2", "u"});
    b.node("y", "Mul", {"d", "u:1"});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{2, 4});
    std::vector<float> expected;
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k) expected.push_back((at(i, 2, k) - at(i, 0, k)) * at(i, 1, k));
    check_close(evaluate(g, {x})[0], expected, 0);
  }
}

TEST_CASE("TF.js Square, Rsqrt and Sum", "[tfjs]") {
  const std::vector<float> x{1, 4, 9, 0.25f, 16, 2};  // [2, 3]
  const auto run = [&](const std::string& op, bool reduce, bool keep_dims = false) {
    ModelBuilder b;
    b.input("x", {2, 3});
    std::vector<std::string> inputs{"x"};
    json attr = json::object();
    if (reduce) {
      b.int32s("axes", {1}, {1});
      inputs.push_back("axes");
      attr["keep_dims"] = {{"b", keep_dims}};
    }
    b.node("y", op, inputs, attr);
    const Graph g = b.import();
    return std::make_pair(g.tensor(g.outputs[0]).shape, evaluate(g, {x})[0]);
  };
  check_close(run("Square", false).second, {1, 16, 81, 0.0625f, 256, 4}, 1e-6);
  check_close(run("Rsqrt", false).second, {1, 0.5f, 1.f / 3, 2, 0.25f, 1 / std::sqrt(2.f)}, 1e-6);
  const auto [shape, sums] = run("Sum", true);
  CHECK(shape == Shape{2});
  check_close(sums, {14, 18.25f}, 1e-5);
  CHECK(run("Sum", true, true).first == Shape{2, 1});
}

TEST_CASE("TF.js int32 and uint8 image inputs take whole numbers as float32", "[tfjs]") {
  for (const char* type : {"DT_INT32", "DT_UINT8"}) {
    ModelBuilder b;
    b.node("image", "Placeholder", {}, {{"shape", {{"shape", dims({1, 2, 2, 3})}}}, {"dtype", {{"type", type}}}});
    b.node("f", "Cast", {"image"}, {{"SrcT", {{"type", type}}}, {"DstT", {{"type", "DT_FLOAT"}}}});
    b.floats("half", {}, {0.5f});
    b.node("y", "Mul", {"f", "half"});
    const Graph g = b.import();
    INFO(type);
    REQUIRE(g.inputs.size() == 1);
    CHECK(g.tensor(g.inputs[0]).dtype == garden::DType::kF32);
    const std::vector<float> pixels{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};
    std::vector<float> expected;
    for (float p : pixels) expected.push_back(p / 2);
    check_close(evaluate(g, {pixels})[0], expected, 0);
  }
  ModelBuilder to_string;
  to_string.input("x", {1, 4});
  to_string.node("y", "Cast", {"x"}, {{"SrcT", {{"type", "DT_FLOAT"}}}, {"DstT", {{"type", "DT_STRING"}}}});
  require_error([&] { to_string.import(); }, ErrorCode::kUnsupportedModel, {"'y'", "float32"});
}

TEST_CASE("TF.js SparseToDense of constants folds", "[tfjs]") {
  ModelBuilder b;
  b.input("x", {1, 4});
  b.int32s("indices", {2, 2}, {0, 1, 0, 3});
  b.int32s("shape", {2}, {1, 4});
  b.floats("values", {2}, {2, 3});
  b.floats("fill", {}, {1});
  b.node("scale", "SparseToDense", {"indices", "shape", "values", "fill"});
  b.node("y", "Mul", {"x", "scale"});
  const Graph g = b.import();
  REQUIRE(g.nodes.size() == 1);
  check_close(evaluate(g, {{1, 1, 1, 1}})[0], {1, 2, 1, 3}, 0);
}

TEST_CASE("TF.js index arithmetic on activations is exact: ArgMax, FloorDiv, FloorMod, Pack, GatherNd, GatherV2", "[tfjs]") {
  // x [2, 6]: row 0 has its maximum twice (the first, index 1, wins), row 1 at index 5.
  const std::vector<float> x{0.5f, 3.f, -1.f, 3.f, 2.f, 0.f, -4.f, -3.f, -2.f, -1.5f, -1.f, 7.f};
  SECTION("ArgMax read by another op, then FloorDiv and FloorMod by 4") {
    ModelBuilder b;
    b.input("x", {2, 6});
    b.int32s("axis", {}, {1});
    b.node("i", "ArgMax", {"x", "axis"});
    b.int32s("four", {}, {4});
    b.node("q", "FloorDiv", {"i", "four"});
    b.node("r", "FloorMod", {"i", "four"});
    b.int32s("pack_axis", {}, {0});
    b.node("y", "Pack", {"i", "q", "r"}, {{"axis", {{"i", "1"}}}, {"N", {{"i", "3"}}}});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{2, 3});
    check_close(evaluate(g, {x})[0], {1, 0, 1, 5, 1, 1}, 0);
  }
  SECTION("GatherNd with indices computed at run time and with constant ones") {
    // params p [2, 3, 2] = iota; rows (i, j) pick p[i][j] (a pair).
    std::vector<float> p(12);
    for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<float>(k) * 1.5f;
    ModelBuilder b;
    b.input("p", {2, 3, 2});
    b.input("ij", {3, 2});
    b.node("y", "GatherNd", {"p", "ij"});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{3, 2});
    const std::vector<float> rows{1, 2, 0, 0, 1, 0};  // (1,2), (0,0), (1,0)
    check_close(evaluate(g, {p, rows})[0], {p[10], p[11], p[0], p[1], p[6], p[7]}, 0);
    ModelBuilder c;
    c.input("p", {2, 3, 2});
    c.int32s("ij", {2, 3}, {1, 2, 1, 0, 1, 0});  // full indices: p[1][2][1], p[0][1][0]
    c.node("y", "GatherNd", {"p", "ij"});
    check_close(evaluate(c.import(), {p})[0], {p[11], p[2]}, 0);
  }
  SECTION("GatherV2 on axis 1, constant and run-time indices") {
    ModelBuilder b;
    b.input("x", {2, 6});
    b.int32s("idx", {3}, {5, 0, -1});
    b.int32s("axis", {}, {1});
    b.node("y", "GatherV2", {"x", "idx", "axis"});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{2, 3});
    check_close(evaluate(g, {x})[0], {0.f, 0.5f, 0.f, 7.f, -4.f, 7.f}, 0);
    ModelBuilder r;
    r.input("x", {2, 6});
    r.input("idx", {2});
    r.int32s("axis", {}, {1});
    r.node("y", "GatherV2", {"x", "idx", "axis"});
    check_close(evaluate(r.import(), {x, {3, 2}})[0], {3.f, -1.f, -1.5f, -2.f}, 0);
  }
}

TEST_CASE("TF.js TopKV2 for small k: values in order, ties to the lower index; large k is refused", "[tfjs]") {
  // Row 0: 5 twice (indices 1 and 3), row 1 all distinct.
  const std::vector<float> x{1, 5, -2, 5, 0, 3, 9, -1, 4, 2, 8, 7};  // [2, 6]
  ModelBuilder b;
  b.input("x", {2, 6});
  b.int32s("k", {}, {3});
  b.node("top", "TopKV2", {"x", "k"}, {{"sorted", {{"b", true}}}});
  b.node("values", "Identity", {"top"});
  b.node("indices", "Identity", {"top:1"});
  const Graph g = b.import();
  REQUIRE(g.outputs.size() == 2);
  const auto out = evaluate(g, {x});
  check_close(out[0], {5, 5, 3, 9, 8, 7}, 0);
  check_close(out[1], {1, 3, 5, 0, 4, 5}, 0);

  ModelBuilder large;
  large.input("x", {1, 64});
  large.int32s("k", {}, {17});
  large.node("top", "TopKV2", {"x", "k"});
  require_error([&] { large.import(); }, ErrorCode::kUnsupportedModel, {"'top'", "k = 17"});
}

TEST_CASE("TF.js Tile of an activation; Range, Fill, Size, ZerosLike and Tile fold; StridedSlice new axes", "[tfjs]") {
  SECTION("Tile [2, 1, 3] of [1, 2, 1]") {
    ModelBuilder b;
    b.input("x", {1, 2, 1});
    b.int32s("m", {3}, {2, 1, 3});
    b.node("y", "Tile", {"x", "m"});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{2, 2, 3});
    check_close(evaluate(g, {{4, 7}})[0], {4, 4, 4, 7, 7, 7, 4, 4, 4, 7, 7, 7}, 0);
  }
  SECTION("constants from shapes: x * (Range + Fill + ZerosLike(x)) + Size, with a constant Tile") {
    ModelBuilder b;
    b.input("x", {2, 3});
    b.int32s("start", {}, {1});
    b.int32s("limit", {}, {7});
    b.int32s("delta", {}, {2});
    b.node("r", "Range", {"start", "limit", "delta"});   // [1, 3, 5]
    b.int32s("dims", {1}, {3});
    b.int32s("ten", {}, {10});
    b.node("f", "Fill", {"dims", "ten"});                 // [10, 10, 10]
    b.node("sum", "AddV2", {"r", "f"});
    b.node("z", "ZerosLike", {"x"});
    b.node("s", "AddV2", {"sum", "z"});                   // [2, 3] of [11, 13, 15]
    b.node("n", "Size", {"x"});                           // 6
    b.int32s("twice", {1}, {2});
    b.node("t", "Tile", {"r", "twice"});                  // [1, 3, 5, 1, 3, 5]
    b.int32s("shape", {2}, {2, 3});
    b.node("tr", "Reshape", {"t", "shape"});
    b.node("p", "Mul", {"x", "s"});
    b.node("q", "AddV2", {"p", "n"});
    b.node("y", "Sub", {"q", "tr"});
    const Graph g = b.import();
    check_close(evaluate(g, {{1, 1, 1, 2, 2, 2}})[0], {16, 16, 16, 27, 29, 31}, 0);
  }
  SECTION("StridedSlice with new_axis_mask inserts size-1 axes") {
    ModelBuilder b;
    b.input("x", {2, 3});
    b.int32s("begin", {3}, {0, 0, 1});
    b.int32s("end", {3}, {0, 0, 3});
    b.int32s("strides", {3}, {1, 1, 1});
    // spec: [new axis, all of dim 0, 1:3 of dim 1]
    b.node("y", "StridedSlice", {"x", "begin", "end", "strides"},
           {{"new_axis_mask", {{"i", "1"}}}, {"begin_mask", {{"i", "2"}}}, {"end_mask", {{"i", "2"}}}});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{1, 2, 2});
    check_close(evaluate(g, {{1, 2, 3, 4, 5, 6}})[0], {2, 3, 5, 6}, 0);
  }
  SECTION("StridedSlice with an ellipsis keeps the dimensions no other entry reads") {
    ModelBuilder b;
    b.input("x", {2, 2, 3});
    b.int32s("begin", {2}, {0, 1});
    b.int32s("end", {2}, {0, 3});
    b.int32s("strides", {2}, {1, 1});
    // x[..., 1:3]: the ellipsis stands for dims 0 and 1
    b.node("y", "StridedSlice", {"x", "begin", "end", "strides"}, {{"ellipsis_mask", {{"i", "1"}}}});
    const Graph g = b.import();
    REQUIRE(g.tensor(g.outputs[0]).shape == Shape{2, 2, 2});
    check_close(evaluate(g, {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}})[0], {2, 3, 5, 6, 8, 9, 11, 12}, 0);
    ModelBuilder twice;
    twice.input("x", {2, 3});
    twice.int32s("begin", {2}, {0, 0});
    twice.int32s("end", {2}, {0, 0});
    twice.int32s("strides", {2}, {1, 1});
    twice.node("y", "StridedSlice", {"x", "begin", "end", "strides"}, {{"ellipsis_mask", {{"i", "3"}}}});
    CHECK_THROWS_AS(twice.import(), garden::Error);
  }
}

TEST_CASE("TF.js comparisons, Select and casts to int32 and bool give exact 0/1 and whole numbers", "[tfjs]") {
  const std::vector<float> a{-2.5f, -1.f, 0.f, 1.f, 2.7f}, b{-2.5f, 0.f, 0.f, 2.f, 1.f};
  const auto binary = [&](const std::string& op) {
    ModelBuilder m;
    m.input("a", {5});
    m.input("b", {5});
    m.node("y", op, {"a", "b"});
    return evaluate(m.import(), {a, b})[0];
  };
  check_close(binary("Equal"), {1, 0, 1, 0, 0}, 0);
  check_close(binary("NotEqual"), {0, 1, 0, 1, 1}, 0);
  check_close(binary("Greater"), {0, 0, 0, 0, 1}, 0);
  check_close(binary("GreaterEqual"), {1, 0, 1, 0, 1}, 0);
  check_close(binary("Less"), {0, 1, 0, 1, 0}, 0);
  check_close(binary("LessEqual"), {1, 1, 1, 1, 0}, 0);
  ModelBuilder select;
  select.input("a", {5});
  select.input("b", {5});
  select.node("c", "Greater", {"a", "b"});
  select.node("y", "SelectV2", {"c", "a", "b"});  // the larger of the two
  check_close(evaluate(select.import(), {a, b})[0], {-2.5f, 0.f, 0.f, 2.f, 2.7f}, 0);
  for (const char* type : {"DT_INT32", "DT_BOOL"}) {
    ModelBuilder cast;
    cast.input("a", {5});
    cast.node("y", "Cast", {"a"}, {{"SrcT", {{"type", "DT_FLOAT"}}}, {"DstT", {{"type", type}}}});
    const std::vector<float> expected = std::string(type) == "DT_INT32" ? std::vector<float>{-2, -1, 0, 1, 2}
                                                                         : std::vector<float>{1, 1, 0, 1, 1};
    INFO(type);
    check_close(evaluate(cast.import(), {a})[0], expected, 0);
  }
}

TEST_CASE("TF.js BatchMatMulV2 with adj_x and adj_y transposes its operands", "[tfjs]") {
  // a' [2, 3] (a [3, 2] transposed) times b' [3, 2] (b [2, 3] transposed).
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{1, 0, 2, 0, 1, 1};
  ModelBuilder m;
  m.input("a", {3, 2});
  m.input("b", {2, 3});
  m.node("y", "BatchMatMulV2", {"a", "b"}, {{"adj_x", {{"b", true}}}, {"adj_y", {{"b", true}}}});
  const Graph g = m.import();
  REQUIRE(g.tensor(g.outputs[0]).shape == Shape{2, 2});
  // a' = [[1,3,5],[2,4,6]], b' = [[1,0],[0,1],[2,1]]
  check_close(evaluate(g, {a, b})[0], {11, 8, 14, 10}, 0);
}

TEST_CASE("TF.js element-wise binary ops become their graph ops", "[tfjs]") {
  const std::vector<std::pair<std::string, OpType>> ops = {{"Maximum", OpType::kMaximum},
                                                           {"Minimum", OpType::kMinimum},
                                                           {"Pow", OpType::kPow},
                                                           {"Prelu", OpType::kPRelu},
                                                           {"SquaredDifference", OpType::kSquaredDifference},
                                                           {"Atan2", OpType::kAtan2}};
  for (const auto& [name, op] : ops) {
    ModelBuilder b;
    b.input("x", {1, 4, 4, 2});
    b.input("y", {1, 4, 4, 2});
    b.node("z", name, {"x", "y"});
    const Graph g = b.import();
    INFO(name);
    REQUIRE(g.nodes.size() == 1);
    CHECK(g.nodes[0].op == op);
    CHECK(g.nodes[0].inputs.size() == 2);
  }
}

TEST_CASE("TF.js MatMul of two activations and BatchMatMulV2 become BatchMatMul", "[tfjs]") {
  for (const std::string op : {"MatMul", "BatchMatMulV2"}) {
    ModelBuilder b;
    b.input("x", {2, 3, 4});
    b.input("y", {4, 5});
    b.node("z", op, {"x", "y"});
    const Graph g = b.import();
    INFO(op);
    REQUIRE(g.nodes.size() == 1);
    CHECK(g.nodes[0].op == OpType::kBatchMatMul);
    CHECK(g.tensor(g.nodes[0].outputs[0]).shape == Shape{2, 3, 5});
  }
  ModelBuilder b;
  b.input("x", {2, 3, 4});
  b.input("y", {2, 5, 4});
  b.node("z", "BatchMatMulV2", {"x", "y"}, json{{"adj_y", {{"b", true}}}});
  const Graph g = b.import();
  CHECK(g.tensor(g.outputs[0]).shape == Shape{2, 3, 5});
}

TEST_CASE("TF.js depthwise convolution with channel multiplier 2 and dilation 2", "[tfjs]") {
  const int H = 7, W = 6, C = 3, M = 2, K = 3;
  ModelBuilder b;
  b.input("x", {1, H, W, C});
  const std::vector<float> f = random_values(K * K * C * M, 3), x = random_values(H * W * C, 4);
  b.floats("f", {K, K, C, M}, f);
  b.node("dw", "DepthwiseConv2dNative", {"x", "f"}, conv_attrs(1, 2, "SAME"));
  const Graph g = b.import();
  int OH, OW;
  const std::vector<float> expected = tf_depthwise(x, H, W, C, f, K, M, 1, 2, &OH, &OW);
  CHECK(g.tensor(g.outputs[0]).shape == Shape{1, OH, OW, C * M});
  check_close(evaluate(g, {x})[0], expected, 1e-5);
}

TEST_CASE("TF.js Conv2DBackpropInput: stride 2 SAME with filter [kh,kw,O,I]", "[tfjs]") {
  const int H = 3, W = 3, I = 2, O = 3, K = 3, OH = 6, OW = 6;
  ModelBuilder b;
  b.input("x", {1, H, W, I});
  b.int32s("size", {4}, {1, OH, OW, O});
  const std::vector<float> f = random_values(K * K * O * I, 5), x = random_values(H * W * I, 6);
  b.floats("f", {K, K, O, I}, f);
  b.node("deconv", "Conv2DBackpropInput", {"size", "f", "x"}, conv_attrs(2, 1, "SAME"));
  const Graph g = b.import();
  // The gradient of a SAME conv from [OH, OW] to [H, W]: scatter each input pixel.
  int out_h, pad_top;
  tf_same_pad(OH, K, 2, 1, &out_h, &pad_top);
  std::vector<float> expected(static_cast<size_t>(OH * OW * O), 0.f);
  for (int iy = 0; iy < H; ++iy)
    for (int ix = 0; ix < W; ++ix)
      for (int ky = 0; ky < K; ++ky)
        for (int kx = 0; kx < K; ++kx) {
          const int oy = iy * 2 - pad_top + ky, ox = ix * 2 - pad_top + kx;
          if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
          for (int o = 0; o < O; ++o)
            for (int i = 0; i < I; ++i)
              expected[static_cast<size_t>((oy * OW + ox) * O + o)] +=
                  x[static_cast<size_t>((iy * W + ix) * I + i)] * f[static_cast<size_t>(((ky * K + kx) * O + o) * I + i)];
        }
  check_close(evaluate(g, {x})[0], expected, 1e-5);
}

TEST_CASE("TF.js uint8 weights are dequantized as q * scale + min", "[tfjs]") {
  ModelBuilder b;
  b.input("x", {1, 1, 1, 4});
  b.uint8("m", {4}, {0, 1, 128, 255}, 0.5, -2.0);
  b.node("y", "Mul", {"x", "m"});
  const Graph g = b.import();
  const std::vector<float> out = evaluate(g, {{1.f, 1.f, 1.f, 1.f}})[0];
  CHECK(out == std::vector<float>{-2.f, -1.5f, 62.f, 125.5f});
}

TEST_CASE("TF.js shape arithmetic is folded and a final ArgMax yields the scores", "[tfjs]") {
  ModelBuilder b;
  b.input("x", {1, 2, 2, 3});
  b.int32s("begin", {1}, {0});
  b.int32s("end", {1}, {1});
  b.int32s("step", {1}, {1});
  b.int32s("minus_one", {}, {-1});
  b.int32s("axis", {}, {-1});
  b.node("shape", "Shape", {"x"});
  b.node("batch", "StridedSlice", {"shape", "begin", "end", "step"}, {{"shrink_axis_mask", {{"i", "1"}}}});
  b.node("target", "Pack", {"batch", "minus_one"}, {{"axis", {{"i", "0"}}}});
  b.node("flat", "Reshape", {"x", "target"});
  b.node("scores", "Softmax", {"flat"});
  b.node("label", "ArgMax", {"scores", "axis"});
  const Graph g = b.import();
  CHECK(g.tensor(g.outputs[0]).shape == Shape{1, 12});
  REQUIRE(g.nodes.size() == 2);
  CHECK(g.nodes[0].op == OpType::kReshape);
  CHECK(g.nodes[1].op == OpType::kSoftmax);

  // Read by another op, ArgMax computes the index (see the index arithmetic test).
  ModelBuilder read_argmax = b;
  read_argmax.node("after", "Identity", {"label"});
  const Graph indexed = read_argmax.import();
  CHECK(std::any_of(indexed.nodes.begin(), indexed.nodes.end(),
                    [](const garden::Node& n) { return n.op == OpType::kReduceMax; }));
}

namespace {

// y = x + row * column, where row [1, n] and column [n, 1] are uint8 weights
// (n bytes each): folding the Mul makes an n x n constant.
ModelBuilder outer_product_model(int64_t n) {
  ModelBuilder b;
  b.input("x", {1, 1});
  b.uint8("row", {1, n}, std::vector<uint8_t>(static_cast<size_t>(n), 3), 1.0, 0.0);
  b.uint8("column", {n, 1}, std::vector<uint8_t>(static_cast<size_t>(n), 2), 1.0, 0.0);
  b.node("table", "Mul", {"row", "column"});
  b.node("y", "AddV2", {"x", "table"});
  return b;
}

}  // namespace

// TF.js folding spends the budget ONNX folding spends (graph/folding_budget.h),
// checked before the result is allocated.
TEST_CASE("TF.js folding refuses a broadcast beyond the folding budget", "[tfjs][limits]") {
  const Graph small = outer_product_model(64).import();
  REQUIRE(small.nodes.size() == 1);  // the Add; the Mul became a 64 x 64 constant
  const Tensor& table = small.tensor(small.nodes[0].inputs[1]);
  CHECK(table.shape == Shape{64, 64});
  CHECK(table.f32()[0] == 6.f);
  CHECK(table.f32()[64 * 64 - 1] == 6.f);

  // 16 KiB of weights asking for 2^26 elements (the old bound of 2^30 let it
  // through, as 768 MiB of work buffers), one past the budget.
  const int64_t n = 8192;
  REQUIRE(n * n > kMaxFoldedElements);
  require_error([&] { outer_product_model(n).import(); }, ErrorCode::kLimitExceeded, {"Mul", "'table'"});
}

// Copies count too: a chain of Identity nodes on one weight would otherwise
// keep a copy of it per node, from a model.json of a few bytes a node.
TEST_CASE("TF.js folded copies share one total budget", "[tfjs][limits]") {
  const int64_t weight_elements = kMaxFoldedElements / 16;
  const int64_t copies_allowed = kMaxFoldedElementsTotal / weight_elements;  // 32
  ModelBuilder b;
  b.input("x", {1, 1});
  b.uint8("w", {1, weight_elements}, std::vector<uint8_t>(static_cast<size_t>(weight_elements), 1), 1.0, 0.0);
  std::string previous = "w";
  for (int64_t k = 0; k <= copies_allowed; ++k) {
    const std::string name = "copy_" + std::to_string(k);
    b.node(name, "Identity", {previous});
    previous = name;
  }
  b.node("y", "AddV2", {"x", previous});
  require_error([&] { b.import(); }, ErrorCode::kLimitExceeded,
                {"copy_" + std::to_string(copies_allowed), "in total"});
}

TEST_CASE("TF.js dynamic input sizes come from ImportOptions", "[tfjs]") {
  ModelBuilder b;
  b.input("x", {-1, -1, -1, 3});
  b.node("y", "Relu", {"x"});
  require_error([&] { b.import(); }, ErrorCode::kInvalidArgument, {"'x'", "dynamic dimension 1"});
  ImportOptions options;
  options.input_height = 5;
  options.input_width = 7;
  CHECK(b.import(options).tensor(0).shape == Shape{1, 5, 7, 3});
}

TEST_CASE("Malformed TF.js models give a typed error naming the problem", "[tfjs][errors]") {
  const ModelBuilder good = small_conv_model();
  const std::string text = good.text();
  SECTION("invalid JSON") {
    require_error([&] { import_tfjs("{\"modelTopology\": [", {}); }, ErrorCode::kInvalidModel, {"not valid JSON"});
    require_error([&] { import_tfjs("[1, 2]", {}); }, ErrorCode::kInvalidModel, {"top level"});
    require_error([&] { import_tfjs("{}", {}); }, ErrorCode::kInvalidModel, {"modelTopology"});
  }
  SECTION("missing weight file") {
    require_error([&] { import_tfjs(text, {}); }, ErrorCode::kInvalidModel, {"missing weight file 'group1-shard1of1'"});
  }
  SECTION("too few and too many weight bytes") {
    std::vector<uint8_t> shorter(good.bytes.begin(), good.bytes.end() - 4);
    require_error([&] { import_tfjs(text, {shorter}); }, ErrorCode::kInvalidModel, {"weight 'bias'", "group1-shard1of1"});
    std::vector<uint8_t> longer = good.bytes;
    longer.push_back(0);
    require_error([&] { import_tfjs(text, {longer}); }, ErrorCode::kInvalidModel, {"hold", "bytes"});
  }
  SECTION("bad dtypes") {
    json model = good.model();
    model["weightsManifest"][0]["weights"][0]["dtype"] = "float64";
    require_error([&] { import_tfjs(model.dump(), {good.bytes}); }, ErrorCode::kInvalidModel, {"weight 'w'", "float64"});
    model = good.model();
    model["weightsManifest"][0]["weights"][1]["quantization"] = {{"dtype", "int4"}};
    require_error([&] { import_tfjs(model.dump(), {good.bytes}); }, ErrorCode::kInvalidModel, {"weight 'bias'", "int4"});
    model = good.model();
    model["weightsManifest"][0]["weights"][1]["quantization"] = {{"dtype", "uint8"}};
    require_error([&] { import_tfjs(model.dump(), {good.bytes}); }, ErrorCode::kInvalidModel, {"weight 'bias'", "scale"});
  }
  SECTION("unknown op") {
    ModelBuilder b = good;
    b.node("y", "Erf", {"conv"});
    require_error([&] { b.import(); }, ErrorCode::kUnsupportedOp, {"unsupported TF.js op 'Erf' (node 'y')"});
  }
  SECTION("unsupported fused activation") {
    json model = good.model();
    model["modelTopology"]["node"][3]["attr"]["fused_ops"] = strs({"BiasAdd", "Softplus"});
    require_error([&] { import_tfjs(model.dump(), {good.bytes}); }, ErrorCode::kUnsupportedModel, {"Softplus", "'conv'"});
  }
  SECTION("graph structure") {
    ModelBuilder dangling = good;
    dangling.node("y", "Relu", {"nowhere"});
    require_error([&] { dangling.import(); }, ErrorCode::kInvalidModel, {"'nowhere'"});
    ModelBuilder cycle = good;
    cycle.node("a", "Relu", {"b"});
    cycle.node("b", "Relu", {"a"});
    require_error([&] { cycle.import(); }, ErrorCode::kInvalidModel, {"cycle"});
    json model = good.model();
    model["weightsManifest"][0]["weights"][1]["name"] = "other";
    require_error([&] { import_tfjs(model.dump(), {good.bytes}); }, ErrorCode::kInvalidModel, {"'bias'", "weightsManifest"});
  }
  SECTION("every truncation of model.json is refused cleanly") {
    for (size_t length = 0; length < text.size(); length += 7) {
      try {
        import_tfjs(text.substr(0, length), {good.bytes});
        FAIL("a truncated model.json was accepted");
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kInvalidModel);
      }
    }
  }
}

TEST_CASE("load_model_file reads model.json's weight files from its folder", "[tfjs]") {
  const ModelBuilder b = small_conv_model();
  const std::string dir = "tfjs_importer_test_model";
  std::remove((dir + "/group1-shard1of1").c_str());
  std::remove((dir + "/model.json").c_str());
  std::remove(dir.c_str());
  ::mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/model.json") << b.text();
  require_error([&] { load_model_file(dir + "/model.json"); }, ErrorCode::kIo, {"group1-shard1of1"});
  std::ofstream(dir + "/group1-shard1of1", std::ios::binary)
      .write(reinterpret_cast<const char*>(b.bytes.data()), static_cast<std::streamsize>(b.bytes.size()));
  const Model model = load_model_file(dir + "/model.json");
  Session session(model);
  REQUIRE(session.output(0).shape == Shape{1, 2, 2, 3});
  const std::vector<float> x = random_values(32, 2);
  std::copy(x.begin(), x.end(), session.input(0).data);
  session.run();
  const std::vector<float> expected = evaluate(b.import(), {x})[0];
  check_close(std::vector<float>(session.output(0).data, session.output(0).data + 12), expected, 1e-5);

  // From memory: model.json alone is refused with a pointer to load_tfjs_model.
  const std::string text = b.text();
  require_error([&] { load_model_bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size(), ModelFormat::kTfjs); },
                ErrorCode::kInvalidArgument, {"load_tfjs_model"});
  CHECK(load_tfjs_model(text, {b.bytes}).graph.outputs.size() == 1);

  // One buffer: model.json, NUL, then each weight file as a uint64 LE length and its bytes.
  std::vector<uint8_t> bundle(text.begin(), text.end());
  bundle.push_back(0);
  for (int i = 0; i < 8; ++i) bundle.push_back(static_cast<uint8_t>(uint64_t{b.bytes.size()} >> (8 * i)));
  bundle.insert(bundle.end(), b.bytes.begin(), b.bytes.end());
  CHECK(detect_format("", bundle.data(), bundle.size()) == ModelFormat::kTfjs);
  Session bundled(load_model_bytes(bundle.data(), bundle.size(), ModelFormat::kTfjs, LoadOptions{}));
  std::copy(x.begin(), x.end(), bundled.input(0).data);
  bundled.run();
  check_close(std::vector<float>(bundled.output(0).data, bundled.output(0).data + 12), expected, 1e-5);
  // Every cut of the bundle's weight part is an error, never a read past the end.
  const size_t json_end = text.size() + 1;
  for (size_t cut = json_end; cut < bundle.size(); cut += 3) {
    require_error([&] { load_model_bytes(bundle.data(), cut, ModelFormat::kTfjs, LoadOptions{}); },
                  ErrorCode::kInvalidModel, {});
  }
  std::remove((dir + "/group1-shard1of1").c_str());
  std::remove((dir + "/model.json").c_str());
  std::remove(dir.c_str());
}

// A detector's tail as TensorFlow writes a while loop: Enter, Merge, LoopCond,
// Switch, NextIteration (a back edge), Exit, fed by the scores and a
// TensorArray of the boxes, and read by the model's output.
ModelBuilder detector_with_loop(bool with_condition_outside) {
  ModelBuilder b;
  b.input("x", {1, 4});
  b.floats("scale", {1}, {2.f});
  b.node("boxes", "Mul", {"x", "scale"});
  b.node("scores", "Sigmoid", {"x"});
  b.int32s("size", {}, {4});
  b.node("loop/array", "TensorArrayV3", {"size"});
  b.node("loop/scatter", "TensorArrayScatterV3", {"loop/array", "size", "boxes", "loop/array:1"});
  b.node("loop/enter", "Enter", {"scores"});
  b.node("loop/merge", "Merge", {"loop/enter", "loop/next"});
  b.node("loop/cond", "LoopCond", {"loop/merge"});
  b.node("loop/switch", "Switch", {"loop/merge", "loop/cond"});
  b.node("loop/body", "Add", {"loop/switch:1", "loop/scatter"});
  b.node("loop/next", "NextIteration", {"loop/body"});
  b.node("loop/exit", "Exit", {"loop/switch"});
  b.node("y", "Identity", {"loop/exit"});
  if (with_condition_outside) {
    b.node("other/switch", "Switch", {"x", "x"});
    b.node("z", "Identity", {"other/switch"});
  }
  return b;
}

TEST_CASE("TF.js while loops are cut out: the outputs are the tensors the loop reads, and the graph says so", "[tfjs]") {
  const Graph g = detector_with_loop(false).import();
  REQUIRE(g.outputs.size() == 2);
  // File order of the loop's readers: the scatter reads the boxes before Enter reads the scores.
  CHECK(g.tensor(g.outputs[0]).name == "boxes");
  CHECK(g.tensor(g.outputs[1]).name == "scores");
  const std::vector<std::vector<float>> out = evaluate(g, {{-1.f, 0.f, 1.f, 2.f}});
  check_close(out[0], {-2.f, 0.f, 2.f, 4.f}, 0);
  check_close(out[1], {1 / (1 + std::exp(1.f)), 0.5f, 1 / (1 + std::exp(-1.f)), 1 / (1 + std::exp(-2.f))}, 1e-6);
  CHECK(g.info.notes.find("while loop (node 'loop/array'") != std::string::npos);
  CHECK(g.info.notes.find("boxes, scores") != std::string::npos);

  // A conditional outside any loop is still refused, naming it.
  require_error([] { detector_with_loop(true).import(); }, ErrorCode::kUnsupportedModel,
                {"conditional", "other/switch"});
  // A loop that reads only the input (a map over images) leaves nothing to return.
  ModelBuilder map;
  map.input("x", {1, 4});
  map.node("loop/enter", "Enter", {"x"});
  map.node("loop/exit", "Exit", {"loop/enter"});
  require_error([&] { map.import(); }, ErrorCode::kUnsupportedModel, {"while loop", "not post-processing"});
}

TEST_CASE("TF.js outputs keep their type: the signature's dtype, else the node's", "[tfjs]") {
  ModelBuilder b;
  b.input("x", {1, 4});
  b.input("y", {1, 4});
  b.node("sum", "AddV2", {"x", "y"}, {{"T", {{"type", "DT_FLOAT"}}}});
  b.node("count", "Cast", {"sum"}, {{"SrcT", {{"type", "DT_FLOAT"}}}, {"DstT", {{"type", "DT_INT32"}}}});
  b.node("more", "Greater", {"x", "y"}, {{"T", {{"type", "DT_FLOAT"}}}});
  b.node("scores", "Sigmoid", {"sum"});
  const Graph g = b.import();
  REQUIRE(g.outputs.size() == 3);
  CHECK(g.output_types == std::vector<ValueType>{ValueType::kInt32, ValueType::kBool, ValueType::kFloat32});
  // A signature's dtype wins; an ArgMax ending the graph returns the scores it read.
  json model = b.model();
  model["signature"] = {{"outputs", {{"a", {{"name", "count:0"}, {"dtype", "DT_INT64"}}},
                                     {"b", {{"name", "scores:0"}, {"dtype", "DT_FLOAT"}}}}}};
  CHECK(import_tfjs(model.dump(), {b.bytes}).output_types == std::vector<ValueType>{ValueType::kInt64, ValueType::kFloat32});
  ModelBuilder argmax;
  argmax.input("x", {1, 4});
  argmax.int32s("axis", {}, {1});
  argmax.node("label", "ArgMax", {"x", "axis"}, {{"output_type", {{"type", "DT_INT64"}}}});
  CHECK(argmax.import().output_types.empty());
}
