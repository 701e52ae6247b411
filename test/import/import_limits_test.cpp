// Size bounds of model loading: a small hostile file must not make the
// importer allocate more than a bounded amount. Each case is a model of a few
// hundred bytes whose import-time folding would otherwise compute gigabytes;
// each must end in Error(kLimitExceeded) before the allocation happens.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/model.h"
#include "graph/folding_budget.h"
#include "import/importers.h"
#include "onnx_builder.h"

using namespace garden;
using namespace garden_test;

namespace {

ErrorCode import_error(const std::vector<uint8_t>& bytes, std::string* message = nullptr) {
  try {
    import_onnx(bytes.data(), bytes.size());
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  FAIL("the model imported without an error");
  return ErrorCode::kBackend;
}

Proto fill_value(float v) { return attr_tensor("value", float_tensor("v", {1}, {v})); }

// y = x + ConstantOfShape(dims): the constant's size is chosen by `dims`.
std::vector<uint8_t> constant_of_shape_model(const std::vector<int64_t>& dims) {
  GraphSpec spec;
  spec.initializers.push_back(int64_tensor("dims", {static_cast<int64_t>(dims.size())}, dims));
  spec.nodes.push_back(node("ConstantOfShape", {"dims"}, {"c"}, "fill", {fill_value(1.f)}));
  spec.nodes.push_back(node("Add", {"x", "c"}, {"y"}, "add"));
  spec.inputs.push_back(value_info("x", {1, 4}));
  spec.outputs.push_back(value_info("y", {1, 4}));
  return model(spec);
}

}  // namespace

TEST_CASE("ConstantOfShape folds small shapes and refuses huge ones before allocating",
          "[onnx][limits]") {
  const std::vector<uint8_t> small = constant_of_shape_model({1, 4});
  const Graph g = import_onnx(small.data(), small.size());
  CHECK(g.nodes.size() == 1);  // the Add; the ConstantOfShape became a constant

  // 32767^2 floats: 4 GiB from a 200-byte file.
  std::string message;
  CHECK(import_error(constant_of_shape_model({32767, 32767}), &message) == ErrorCode::kLimitExceeded);
  CHECK(message.find("fill") != std::string::npos);
  // One element over the per-result bound.
  CHECK(import_error(constant_of_shape_model({kMaxFoldedElements + 1})) == ErrorCode::kLimitExceeded);
}

TEST_CASE("Expand and Range refuse results beyond the folding bound", "[onnx][limits]") {
  GraphSpec expand;
  expand.initializers.push_back(float_tensor("one", {1}, {1.f}));
  expand.initializers.push_back(int64_tensor("dims", {2}, {65536, 65536}));
  expand.nodes.push_back(node("Expand", {"one", "dims"}, {"c"}, "expand"));
  expand.nodes.push_back(node("Add", {"x", "c"}, {"y"}, "add"));
  expand.inputs.push_back(value_info("x", {1, 4}));
  expand.outputs.push_back(value_info("y", {1, 4}));
  CHECK(import_error(model(expand)) == ErrorCode::kLimitExceeded);

  GraphSpec range;
  range.initializers.push_back(int64_tensor("start", {}, {0}));
  range.initializers.push_back(int64_tensor("limit", {}, {int64_t{1} << 40}));
  range.initializers.push_back(int64_tensor("delta", {}, {1}));
  range.nodes.push_back(node("Range", {"start", "limit", "delta"}, {"r"}, "range"));
  range.nodes.push_back(node("Reshape", {"x", "r"}, {"y"}, "reshape"));
  range.inputs.push_back(value_info("x", {1, 4}));
  range.outputs.push_back(value_info("y", {4}));
  CHECK(import_error(model(range)) == ErrorCode::kLimitExceeded);
}

TEST_CASE("Concat of folded constants counts its whole result", "[onnx][limits]") {
  // Each part is within the bound; three of them together are not.
  const int64_t part = kMaxFoldedElements / 2;
  GraphSpec spec;
  spec.initializers.push_back(int64_tensor("dims", {1}, {part}));
  spec.nodes.push_back(node("ConstantOfShape", {"dims"}, {"c"}, "fill", {fill_value(0.f)}));
  spec.nodes.push_back(node("Concat", {"c", "c", "c"}, {"cat"}, "cat", {attr_int("axis", 0)}));
  spec.nodes.push_back(node("Add", {"x", "cat"}, {"y"}, "add"));
  spec.inputs.push_back(value_info("x", {1}));
  spec.outputs.push_back(value_info("y", {3 * part}));
  std::string message;
  CHECK(import_error(model(spec), &message) == ErrorCode::kLimitExceeded);
  CHECK(message.find("cat") != std::string::npos);
}

TEST_CASE("All folded results of one import share one budget", "[onnx][limits]") {
  // Three results of exactly the per-result bound: the third spends the budget.
  GraphSpec spec;
  spec.initializers.push_back(int64_tensor("dims", {1}, {kMaxFoldedElements}));
  for (const char* name : {"a", "b", "c"})
    spec.nodes.push_back(node("ConstantOfShape", {"dims"}, {name}, std::string("fill_") + name, {fill_value(0.f)}));
  spec.nodes.push_back(node("Add", {"x", "c"}, {"y"}, "add"));
  spec.inputs.push_back(value_info("x", {1}));
  spec.outputs.push_back(value_info("y", {kMaxFoldedElements}));
  std::string message;
  CHECK(import_error(model(spec), &message) == ErrorCode::kLimitExceeded);
  CHECK(message.find("fill_c") != std::string::npos);
  CHECK(message.find("in total") != std::string::npos);
}

namespace {

// y = x + mean(Pad(c)): the importer leaves a Pad of a one-element constant,
// which fold_constants computes with the reference evaluator while the model
// loads; `pad` pixels on each side of H and W.
std::vector<uint8_t> padded_constant_model(int64_t pad) {
  GraphSpec spec;
  spec.initializers.push_back(float_tensor("c", {1, 1, 1, 1}, {2.f}));
  spec.initializers.push_back(int64_tensor("pads", {8}, {0, 0, 0, 0, 0, 0, pad, pad}));
  spec.nodes.push_back(node("Pad", {"c", "pads"}, {"p"}, "pad"));
  spec.nodes.push_back(node("ReduceMean", {"p"}, {"m"}, "mean", {attr_ints("axes", {2, 3})}));
  spec.nodes.push_back(node("Add", {"x", "m"}, {"y"}, "add"));
  spec.inputs.push_back(value_info("x", {1, 1, 1, 4}));
  spec.outputs.push_back(value_info("y", {1, 1, 1, 4}));
  return model(spec);
}

}  // namespace

// The passes spend the importers' folding budget too: their folding runs the
// reference evaluator on every imported model.
TEST_CASE("fold_constants refuses a Pad of a constant beyond the folding budget", "[onnx][limits]") {
  const std::vector<uint8_t> small = padded_constant_model(1);
  const Model folded = load_model_bytes(small.data(), small.size(), ModelFormat::kOnnx);
  for (const Node& n : folded.graph.nodes) CHECK(n.op != OpType::kPad);  // folded into a constant

  // A 300-byte file asking for 16385^2 floats (1 GiB) when loaded.
  const std::vector<uint8_t> bomb = padded_constant_model(8192);
  try {
    load_model_bytes(bomb.data(), bomb.size(), ModelFormat::kOnnx);
    FAIL("loaded a model folding a 1 GiB constant");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == ErrorCode::kLimitExceeded);
    CHECK(std::string(e.what()).find("Pad node 'pad'") != std::string::npos);
  }
}

TEST_CASE("load_model_bytes applies LoadOptions::max_file_bytes before parsing", "[limits]") {
  // Garbage, so a parser would answer kInvalidModel: kLimitExceeded proves the
  // bound is checked first.
  const std::vector<uint8_t> bytes(100, 0x5a);
  LoadOptions options;
  options.max_file_bytes = 99;
  for (ModelFormat format : {ModelFormat::kGarden, ModelFormat::kOnnx, ModelFormat::kTflite}) {
    INFO("format " << static_cast<int>(format));
    try {
      load_model_bytes(bytes.data(), bytes.size(), format, options);
      FAIL("loaded garbage");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kLimitExceeded);
    }
  }
  options.max_file_bytes = 100;
  CHECK_THROWS_MATCHES(load_model_bytes(bytes.data(), bytes.size(), ModelFormat::kOnnx, options), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::kInvalidModel; }));
}
