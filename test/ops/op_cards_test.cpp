// The op cards: one per OpType, and the contracts they state are enforced the
// same way by validation (.garden files, imported graphs) and evaluation.
#include "ops/op_card.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "format/garden_format.h"
#include "garden/error.h"
#include "garden/limits.h"
#include "garden/model.h"
#include "garden_generated.h"
#include "graph/reference.h"
#include "import/importers.h"
#include "import/onnx_builder.h"
#include "format/sample_graphs.h"

using namespace garden;

namespace {

std::vector<OpType> every_op() {
  std::vector<OpType> ops;
  for (int op = 0; op <= static_cast<int>(OpType::kLast); ++op) ops.push_back(static_cast<OpType>(op));
  return ops;
}

// The message of the garden::Error that `action` throws, which must have `code`.
template <typename Action>
std::string error_message(ErrorCode code, Action action) {
  try {
    action();
  } catch (const Error& error) {
    CHECK(error.code() == code);
    return error.what();
  }
  FAIL("expected garden::Error");
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One node of `op` reading `input_count` copies of a [4] activation.
Graph single_node_graph(OpType op, size_t input_count) {
  Graph graph;
  Tensor x;
  x.name = "x";
  x.shape = {4};
  graph.inputs = {graph.add_tensor(x)};
  Tensor y = x;
  y.name = "y";
  graph.outputs = {graph.add_tensor(y)};
  graph.nodes.push_back(Node{op, "n", std::vector<TensorId>(input_count, 0), {1}, {}});
  return graph;
}

}  // namespace

TEST_CASE("every OpType has its card, with a unique name", "[ops]") {
  std::set<std::string> names;
  for (OpType op : every_op()) {
    const ops::OpCard& card = ops::op_card(op);
    INFO("op " << static_cast<int>(op));
    CHECK(card.op == op);
    REQUIRE(card.name != nullptr);
    CHECK(std::string(card.name) != "");
    CHECK(std::string(op_name(op)) == card.name);
    CHECK(card.min_inputs >= 1);
    CHECK(card.min_inputs <= card.max_inputs);
    CHECK(card.check != nullptr);
    CHECK(card.evaluate != nullptr);
    names.insert(card.name);
  }
  CHECK(names.size() == every_op().size());
  CHECK_FALSE(ops::is_known_op(static_cast<OpType>(static_cast<int>(OpType::kLast) + 1)));
  error_message(ErrorCode::kInvalidModel, [] { ops::op_card(static_cast<OpType>(200)); });
}

TEST_CASE("arity is enforced alike by validation and evaluation", "[ops]") {
  for (OpType op : every_op()) {
    const ops::OpCard& card = ops::op_card(op);
    std::vector<size_t> wrong_counts = {card.min_inputs - 1};
    if (card.max_inputs != ops::kUnbounded) wrong_counts.push_back(card.max_inputs + 1);
    for (size_t count : wrong_counts) {
      INFO(card.name << " with " << count << " inputs");
      const Graph graph = single_node_graph(op, count);
      const std::string validated = error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(graph); });
      CHECK(contains(validated, "wrong number of inputs"));
      const std::vector<float> value(4, 1.f);
      const std::vector<const std::vector<float>*> values(count, &value);
      const std::string evaluated =
          error_message(ErrorCode::kInvalidModel, [&] { evaluate_node(graph, graph.nodes[0], values); });
      CHECK(evaluated == validated);
    }
  }
}

TEST_CASE("a declared output shape that breaks the op's shape rule is refused", "[ops]") {
  const Graph valid = garden_test::every_op_graph();
  REQUIRE_NOTHROW(ops::validate_graph(valid));
  std::set<OpType> covered;
  for (size_t i = 0; i < valid.nodes.size(); ++i) {
    const Node& node = valid.nodes[i];
    INFO(node.name);
    Graph graph = valid;
    // One more element along the last dimension: no op's rule allows that
    // (Resize2D and Reshape take their output size from the output tensor,
    // but keep the channels and the element count).
    graph.tensor(node.outputs[0]).shape.back() += 1;
    const std::string message = error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(graph); });
    CHECK(contains(message, "node '" + node.name + "'"));
    covered.insert(node.op);
  }
  CHECK(covered.size() == every_op().size());
}

// The .garden file of `graph` after `edit` on its FlatBuffers object: how a
// test makes a file the writer would refuse.
template <typename Edit>
std::vector<uint8_t> edited_garden_file(const Graph& graph, Edit edit) {
  const std::vector<uint8_t> valid = write_garden(graph);
  fb::ModelT model;
  fb::GetModel(valid.data())->UnPackTo(&model);
  edit(model);
  model.weight_section_size = 0;
  model.weight_section_offset = 64;  // non-default, so the field is stored
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(fb::Model::Pack(builder, &model), fb::ModelIdentifier());
  std::vector<uint8_t> file(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
  // The (empty) weight section starts at the next multiple of 64 and ends the file.
  const size_t end = (file.size() + 63) / 64 * 64;
  REQUIRE(fb::GetMutableModel(file.data())->mutate_weight_section_offset(end));
  file.resize(end, 0);
  return file;
}

TEST_CASE("an imported graph and a .garden file with the same bad attribute get the same message", "[ops]") {
  // The ONNX importer refuses every bad attribute it reads itself, so the bad
  // value is put into the graph it produced, which load_model_bytes
  // validates with ops::validate_graph before the passes.
  using namespace garden_test;
  GraphSpec spec;
  spec.inputs = {value_info("x", {1, 1, 4, 4})};
  spec.outputs = {value_info("y", {1, 1, 2, 2})};
  spec.nodes = {node("AveragePool", {"x"}, {"y"}, "pool", {attr_ints("kernel_shape", {3, 3})})};
  const std::vector<uint8_t> onnx = model(spec);
  Graph imported = import_onnx(onnx.data(), onnx.size());
  REQUIRE(imported.nodes.size() == 1);
  REQUIRE_NOTHROW(ops::validate_graph(imported));
  imported.nodes[0].attrs.stride = {0, 1};
  const std::string from_import = error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(imported); });

  // The same node in a .garden file.
  Graph graph;
  graph.inputs = {graph.add_tensor(Tensor{"x", DType::kF32, {1, 1, 4, 4}, Layout::kNCHW, {}})};
  graph.outputs = {graph.add_tensor(Tensor{"y", DType::kF32, {1, 1, 2, 2}, Layout::kNCHW, {}})};
  Attributes window;
  window.kernel = {3, 3};
  graph.nodes.push_back(Node{OpType::kAveragePool2D, "pool", {0}, {1}, window});
  const std::vector<uint8_t> file = edited_garden_file(
      graph, [](fb::ModelT& model) { model.nodes[0]->attrs.AsPoolAttrs()->stride = std::make_unique<fb::Int2>(0, 1); });
  const std::string from_file =
      error_message(ErrorCode::kInvalidModel, [&] { load_model_bytes(file.data(), file.size(), ModelFormat::kGarden); });

  CHECK(from_file == "AveragePool2D node 'pool': stride must be in [1, 65536]");
  CHECK(from_import == from_file);
}

TEST_CASE("window attributes beyond kMaxWindow are refused before any arithmetic on them", "[ops][hostile]") {
  // Found by read_garden_fuzzer: a .garden MaxPool with dilation 2^24 and a
  // 514-wide kernel overflowed the int32 product of the shape rule.
  auto pool = [](const Attributes& attrs) {
    garden_test::GraphBuilder b(Layout::kNHWC);
    b.output(b.node(OpType::kMaxPool2D, {b.input({1, 8, 8, 2})}, {1, 8, 8, 2}, attrs));
    return b.graph();
  };
  Attributes huge_dilation;
  huge_dilation.kernel = {514, 1};
  huge_dilation.dilation = {1 << 24, 1};
  CHECK(contains(error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(pool(huge_dilation)); }),
                 "dilation must be in [1, 65536]"));
  Attributes huge_kernel;
  huge_kernel.kernel = {kMaxWindow + 1, 1};
  CHECK(contains(error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(pool(huge_kernel)); }),
                 "kernel size must be in [1, 65536]"));
  Attributes huge_padding;
  huge_padding.pad = {0, 0, 0, kMaxWindow + 1};
  CHECK(contains(error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(pool(huge_padding)); }),
                 "padding must be in [0, 65536]"));
}

TEST_CASE("pads and block sizes near the integer limits are refused, not overflowed", "[ops][hostile]") {
  garden_test::GraphBuilder b(Layout::kAny);
  Attributes pad;
  pad.ints = {0, INT64_MAX, 0, INT64_MAX};  // begin, end per dimension of a [2, 3] input
  b.output(b.node(OpType::kPad, {b.input({2, 3}, Layout::kAny)}, {2, 2}, Layout::kAny, pad));
  CHECK(contains(error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(b.graph()); }),
                 "output shape is not input + pads"));
  garden_test::GraphBuilder d(Layout::kNHWC);
  Attributes block;
  block.block_size = INT32_MAX;
  d.output(d.node(OpType::kDepthToSpace, {d.input({1, 2, 2, 8})}, {1, 4, 4, 2}, block));
  CHECK(contains(error_message(ErrorCode::kInvalidModel, [&] { ops::validate_graph(d.graph()); }),
                 "block size must be in [1, 65536]"));
}
