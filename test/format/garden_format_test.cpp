// .garden writer and reader: exact round trips, the file layout, and hostile
// input (every truncation, random corruption, crafted out-of-range values),
// each of which must end in garden::Error, never a crash.
#include "format/garden_format.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden_generated.h"
#include "graph_compare.h"
#include "support/errors.h"
#include "sample_graphs.h"

using namespace garden;
using garden_test::every_op_graph;
using garden_test::small_graph;

namespace {

// Copies exactly `size` bytes to their own heap block, so that a read past
// the end is caught by AddressSanitizer.
Graph read_exact_copy(const std::vector<uint8_t>& file, size_t size) {
  const std::vector<uint8_t> copy(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(size));
  return read_garden(copy.data(), copy.size());
}

using garden_test::error_code_of;

ErrorCode read_error(const std::vector<uint8_t>& file) {
  return error_code_of([&] { read_exact_copy(file, file.size()); });
}

std::string read_error_message(const std::vector<uint8_t>& file) {
  try {
    read_exact_copy(file, file.size());
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

// A valid file taken apart with the FlatBuffers object API, so a test can
// change one field and put it back together with the original weights.
struct EditableFile {
  fb::ModelT model;
  std::vector<uint8_t> weights;

  explicit EditableFile(const std::vector<uint8_t>& file) {
    const fb::Model* root = fb::GetModel(file.data());
    root->UnPackTo(&model);
    weights.assign(file.begin() + static_cast<std::ptrdiff_t>(root->weight_section_offset()),
                   file.end());
  }

  // Same layout as the writer: FlatBuffer, zero padding to 64, weights.
  std::vector<uint8_t> assemble() {
    model.weight_section_size = weights.size();
    model.weight_section_offset = 64;  // non-default, so the field is stored
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(fb::Model::Pack(builder, &model), fb::ModelIdentifier());
    std::vector<uint8_t> file(builder.GetBufferPointer(),
                              builder.GetBufferPointer() + builder.GetSize());
    const size_t offset = (file.size() + 63) / 64 * 64;
    REQUIRE(fb::GetMutableModel(file.data())->mutate_weight_section_offset(offset));
    file.resize(offset, 0);
    file.insert(file.end(), weights.begin(), weights.end());
    return file;
  }
};

fb::NodeT& node_of(EditableFile& f, OpType op) {
  for (auto& node : f.model.nodes)
    if (node->op == static_cast<fb::OpType>(op)) return *node;
  FAIL("no such node");
  return *f.model.nodes.front();
}

fb::TensorT& first_constant(EditableFile& f) {
  for (auto& tensor : f.model.tensors)
    if (tensor->weight) return *tensor;
  FAIL("no constant");
  return *f.model.tensors.front();
}

}  // namespace

TEST_CASE("every op, attribute, dtype and layout survives a round trip", "[garden]") {
  const Graph original = every_op_graph();
  std::set<OpType> ops;
  for (const Node& node : original.nodes) ops.insert(node.op);
  REQUIRE(ops.size() == static_cast<size_t>(OpType::kLast) + 1);

  const std::vector<uint8_t> file = write_garden(original);
  const Graph restored = read_garden(file.data(), file.size());
  garden_test::require_same_graph(original, restored);
  // Writing again gives the same bytes: the format has one encoding per graph.
  REQUIRE(write_garden(restored) == file);
}

// FNV-1a, 64 bits: a fingerprint of a file's bytes.
uint64_t fingerprint(const std::vector<uint8_t>& bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (const uint8_t byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
  return hash;
}

// The native build (GCC), the sanitizer builds and the wasm runtime (Clang)
// each run this test against the same recorded fingerprint, so a file whose
// bytes depend on the compiler (the order it evaluates a call's arguments
// in, say) fails in at least one of them. A deliberate change of the format
// or of every_op_graph() changes the fingerprint: record the new one.
TEST_CASE("every build writes the same bytes for the same graph", "[garden]") {
  const std::vector<uint8_t> file = write_garden(every_op_graph());
  CHECK(file.size() == 21640);
  CHECK(fingerprint(file) == 0xe55277c013e9c63bull);
}

TEST_CASE("the file starts with the GRDN identifier and keeps weights 64-byte aligned",
          "[garden]") {
  const Graph graph = every_op_graph();
  const std::vector<uint8_t> file = write_garden(graph);
  REQUIRE(std::memcmp(file.data() + 4, "GRDN", 4) == 0);
  const fb::Model* model = fb::GetModel(file.data());
  REQUIRE(model->format_version() == kGardenFormatVersion);
  REQUIRE(model->weight_section_offset() % 64 == 0);
  REQUIRE(model->weight_section_offset() + model->weight_section_size() == file.size());

  size_t constants = 0;
  for (flatbuffers::uoffset_t i = 0; i < model->tensors()->size(); ++i) {
    const fb::WeightRef* weight = model->tensors()->Get(i)->weight();
    const Tensor& tensor = graph.tensors[i];
    REQUIRE((weight != nullptr) == tensor.is_constant());
    if (!weight) continue;
    ++constants;
    const uint64_t at = model->weight_section_offset() + weight->offset();
    CHECK(at % 64 == 0);
    REQUIRE(weight->size() == tensor.data.size());
    CHECK(std::memcmp(file.data() + at, tensor.data.data(), tensor.data.size()) == 0);
  }
  REQUIRE(constants == 20);
}

TEST_CASE("a graph without constants or metadata round-trips", "[garden]") {
  garden_test::GraphBuilder g(Layout::kAny);
  const TensorId x = g.activation("x", {2, 3});
  g.graph().inputs = {x};
  g.graph().outputs = {g.node(OpType::kTanh, {x}, {2, 3})};
  const std::vector<uint8_t> file = write_garden(g.graph());
  garden_test::require_same_graph(g.graph(), read_garden(file.data(), file.size()));
}

TEST_CASE("reading does not need an aligned buffer", "[garden]") {
  const Graph graph = small_graph();
  const std::vector<uint8_t> file = write_garden(graph);
  std::vector<uint8_t> shifted(file.size() + 1);
  std::memcpy(shifted.data() + 1, file.data(), file.size());
  garden_test::require_same_graph(graph, read_garden(shifted.data() + 1, file.size()));
}

TEST_CASE("the writer refuses graphs it could not read back", "[garden]") {
  SECTION("invalid graph") {
    Graph graph = small_graph();
    graph.outputs.push_back(99);
    CHECK(error_code_of([&] { write_garden(graph); }) == ErrorCode::kInvalidModel);
  }
  SECTION("odd-length pad list") {
    garden_test::GraphBuilder g(Layout::kAny);
    const TensorId x = g.activation("x", {1, 2});
    g.graph().inputs = {x};
    Attributes pad;
    pad.ints = {0, 1, 1};
    g.graph().outputs = {g.node(OpType::kPad, {x}, {1, 4}, pad)};
    CHECK(error_code_of([&] { write_garden(g.graph()); }) == ErrorCode::kInvalidModel);
  }
  SECTION("rank above the limit") {
    garden_test::GraphBuilder g(Layout::kAny);
    const TensorId x = g.activation("x", Shape(9, 1));
    g.graph().inputs = {x};
    g.graph().outputs = {g.node(OpType::kTanh, {x}, Shape(9, 1))};
    CHECK(error_code_of([&] { write_garden(g.graph()); }) == ErrorCode::kLimitExceeded);
  }
}

TEST_CASE("every truncation of a valid file is refused", "[garden][hostile]") {
  const std::vector<uint8_t> file = write_garden(small_graph());
  INFO("file size " << file.size());
  for (size_t size = 0; size < file.size(); ++size) {
    INFO("truncated to " << size << " bytes");
    REQUIRE(error_code_of([&] { read_exact_copy(file, size); }) == ErrorCode::kInvalidModel);
  }
  std::vector<uint8_t> extended = file;
  extended.push_back(0);
  CHECK(read_error(extended) == ErrorCode::kInvalidModel);
}

TEST_CASE("5000 seeded random corruptions never crash", "[garden][hostile]") {
  const std::vector<uint8_t> file = write_garden(small_graph());
  // mt19937's output is fixed by the standard (distributions are not), so the
  // same 5000 files are tried with every standard library.
  std::mt19937 random(20240611u);
  int refused = 0, accepted = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::vector<uint8_t> corrupt = file;
    const uint32_t edits = 1 + random() % 4;
    for (uint32_t e = 0; e < edits; ++e) {
      const size_t at = random() % file.size();
      if (trial % 2 == 0)
        corrupt[at] ^= static_cast<uint8_t>(1u << (random() % 8));
      else
        corrupt[at] = static_cast<uint8_t>(random());
    }
    try {
      // Changes to weights, names or float attributes leave a valid file.
      read_exact_copy(corrupt, corrupt.size());
      ++accepted;
    } catch (const Error& error) {
      INFO("trial " << trial << ": " << error.what());
      REQUIRE(error.code() == ErrorCode::kInvalidModel);
      ++refused;
    }
  }
  INFO("refused " << refused << ", accepted " << accepted);
  CHECK(refused > 1000);
  CHECK(refused + accepted == 5000);
}

TEST_CASE("crafted files with out-of-range values are refused", "[garden][hostile]") {
  const std::vector<uint8_t> valid = write_garden(every_op_graph());
  EditableFile f(valid);
  // The editing helper itself reproduces a readable file.
  REQUIRE_NOTHROW(read_exact_copy(f.assemble(), f.assemble().size()));
  const int32_t tensor_count = static_cast<int32_t>(f.model.tensors.size());

  auto refused = [&](const char* expected_text) {
    const std::vector<uint8_t> file = f.assemble();
    const std::string message = read_error_message(file);
    INFO(message);
    CHECK(read_error(file) == ErrorCode::kInvalidModel);
    CHECK(message.find(expected_text) != std::string::npos);
  };

  SECTION("node input id past the end") {
    node_of(f, OpType::kAdd).inputs[0] = tensor_count;
    refused("refers to tensor id");
  }
  SECTION("negative node output id") {
    node_of(f, OpType::kTanh).outputs[0] = -1;
    refused("refers to tensor id -1");
  }
  SECTION("graph output id past the end") {
    f.model.outputs.push_back(1 << 30);
    refused("graph outputs");
  }
  SECTION("graph input id negative") {
    f.model.inputs[0] = -7;
    refused("graph inputs");
  }
  SECTION("weight offset beyond the weight section") {
    first_constant(f).weight->mutate_offset((f.weights.size() + 63) / 64 * 64 + 64);
    refused("outside the weight section");
  }
  SECTION("weight offset + size wrapping around") {
    fb::TensorT& t = first_constant(f);
    t.weight = std::make_unique<fb::WeightRef>(64, UINT64_MAX - 32);
    refused("outside the weight section");
  }
  SECTION("weight not 64-byte aligned") {
    first_constant(f).weight->mutate_offset(first_constant(f).weight->offset() + 4);
    refused("aligned");
  }
  SECTION("weight size that does not match the shape") {
    fb::TensorT& t = first_constant(f);
    t.weight->mutate_size(t.weight->size() - 4);
    refused("bytes, its shape needs");
  }
  SECTION("weight section size that does not reach the end of the file") {
    f.weights.push_back(0);
    const std::vector<uint8_t> file = f.assemble();
    std::vector<uint8_t> short_section = file;
    fb::GetMutableModel(short_section.data())->mutate_weight_section_size(f.weights.size() - 1);
    CHECK(read_error(short_section) == ErrorCode::kInvalidModel);
  }
  SECTION("negative dimension") {
    f.model.tensors[0]->shape[1] = -8;
    refused("negative dimension");
  }
  SECTION("huge dimensions") {
    f.model.tensors[0]->shape = {1, int64_t{1} << 40, 1, 4};
    refused("too large");
  }
  SECTION("element count over the limit") {
    f.model.tensors[0]->shape = {65536, 65536, 2};
    refused("too many elements");
  }
  SECTION("rank above 8") {
    f.model.tensors[0]->shape = std::vector<int64_t>(9, 1);
    refused("rank");
  }
  SECTION("unknown op") {
    node_of(f, OpType::kTanh).op = static_cast<fb::OpType>(200);
    refused("unknown op");
  }
  SECTION("unknown dtype") {
    f.model.tensors[0]->dtype = static_cast<fb::DType>(77);
    refused("unknown dtype");
  }
  SECTION("quantized dtype without quantization parameters") {
    f.model.tensors[0]->dtype = fb::DType::QUInt8PerTensor;
    refused("quantization");
  }
  SECTION("unknown layout") {
    f.model.tensors[0]->layout = static_cast<fb::Layout>(9);
    refused("unknown layout");
  }
  SECTION("unknown resize mode") {
    node_of(f, OpType::kResize2D).attrs.AsResizeAttrs()->mode = static_cast<fb::ResizeMode>(5);
    refused("resize mode");
  }
  SECTION("attribute table of another op family") {
    fb::NodeT& conv = node_of(f, OpType::kConv2D);
    fb::PoolAttrsT pool;
    conv.attrs.Set(pool);
    refused("expected Conv2DAttrs");
  }
  SECTION("attribute table on an op without attributes") {
    fb::ConcatAttrsT concat;
    node_of(f, OpType::kSigmoid).attrs.Set(concat);
    refused("expected NONE");
  }
  SECTION("missing attribute table") {
    node_of(f, OpType::kConv2D).attrs.Reset();
    refused("expected Conv2DAttrs");
  }
  SECTION("zero stride") {
    node_of(f, OpType::kConv2D).attrs.AsConv2DAttrs()->stride = std::make_unique<fb::Int2>(0, 1);
    refused("stride");
  }
  SECTION("concat axis outside the rank") {
    node_of(f, OpType::kConcat).attrs.AsConcatAttrs()->axis = 4;
    refused("axis 4");
  }
  SECTION("transpose permutation that repeats an axis") {
    node_of(f, OpType::kTranspose).attrs.AsTransposeAttrs()->permutation = {0, 3, 3, 2};
    refused("permutation");
  }
  SECTION("slice past the input") {
    node_of(f, OpType::kSlice).attrs.AsSliceAttrs()->size[2] = 100;
    refused("slice of dimension 2");
  }
  SECTION("pad begin and end of different lengths") {
    node_of(f, OpType::kPad).attrs.AsPadAttrs()->end.pop_back();
    refused("differ in length");
  }
  SECTION("binary op with one input") {
    node_of(f, OpType::kAdd).inputs.pop_back();
    refused("wrong number of inputs");
  }
  SECTION("node reading a tensor before it is produced") {
    std::swap(f.model.nodes[0], f.model.nodes[1]);
    refused("before it is produced");
  }
  SECTION("unsupported format version") {
    f.model.format_version = kGardenFormatVersion + 1;
    refused("format version");
  }
}

TEST_CASE("a well-formed quantized tensor is refused as unsupported", "[garden]") {
  EditableFile f(write_garden(small_graph()));
  fb::TensorT& input = *f.model.tensors[0];
  input.dtype = fb::DType::QUInt8PerTensor;
  input.quantization = std::make_unique<fb::QuantizationT>();
  input.quantization->scale = {0.5f};
  input.quantization->zero_point = {128};
  CHECK(read_error(f.assemble()) == ErrorCode::kUnsupportedModel);
}

TEST_CASE("buffers that are not .garden files are refused", "[garden][hostile]") {
  CHECK(error_code_of([] { read_garden(nullptr, 0); }) == ErrorCode::kInvalidModel);
  const std::vector<uint8_t> tflite = {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0, 0, 0};
  CHECK(read_error(tflite) == ErrorCode::kInvalidModel);
  std::vector<uint8_t> root_past_end = {0xff, 0xff, 0xff, 0x7f, 'G', 'R', 'D', 'N'};
  root_past_end.resize(64, 0);
  CHECK(read_error(root_past_end) == ErrorCode::kInvalidModel);
}

namespace {

// Reads `file` through read_garden_in_parts, checking every request lies in
// the file; `largest` is set to the biggest single request.
Graph read_in_parts(const std::vector<uint8_t>& file, uint64_t* largest = nullptr, uint64_t* total = nullptr) {
  const GardenFileReader read = [&](uint64_t offset, uint64_t size, uint8_t* out) {
    REQUIRE(offset <= file.size());
    REQUIRE(size <= file.size() - offset);
    if (largest) *largest = std::max(*largest, size);
    if (total) *total += size;
    std::memcpy(out, file.data() + offset, size);
  };
  return read_garden_in_parts(file.size(), read);
}

}  // namespace

TEST_CASE("read in parts: the same graph, one constant at a time after the FlatBuffer part", "[garden]") {
  const Graph original = every_op_graph();
  const std::vector<uint8_t> file = write_garden(original);
  uint64_t largest = 0, total = 0;
  garden_test::require_same_graph(original, read_in_parts(file, &largest, &total));

  const uint64_t head = fb::GetModel(file.data())->weight_section_offset();
  uint64_t largest_constant = 0;
  for (const Tensor& tensor : original.tensors) largest_constant = std::max<uint64_t>(largest_constant, tensor.data.size());
  REQUIRE(largest_constant > 0);
  // Never the whole file at once (unless the FlatBuffer part is most of it).
  CHECK(largest <= std::max<uint64_t>({head, largest_constant, kGardenRootWindow}));
  CHECK(largest < file.size());
  // The first window, the FlatBuffer part and each constant once.
  CHECK(total <= file.size() + kGardenRootWindow);
}

TEST_CASE("read in parts: truncations, corruptions and a failing reader are errors", "[garden][hostile]") {
  const std::vector<uint8_t> file = write_garden(small_graph());
  for (size_t size = 0; size < file.size(); ++size) {
    INFO("truncated to " << size << " bytes");
    const std::vector<uint8_t> truncated(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(size));
    REQUIRE(error_code_of([&] { read_in_parts(truncated); }) == ErrorCode::kInvalidModel);
  }
  // What it accepts, read_garden accepts as the same graph: reading in parts
  // only adds the rule that the FlatBuffer part ends before the weights.
  std::mt19937 random(20261207u);
  int refused = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> corrupt = file;
    for (uint32_t e = 0, edits = 1 + random() % 4; e < edits; ++e)
      corrupt[random() % file.size()] = static_cast<uint8_t>(random());
    Graph parts;
    try {
      parts = read_in_parts(corrupt);
    } catch (const Error& error) {
      INFO("trial " << trial << ": " << error.what());
      REQUIRE(error.code() == ErrorCode::kInvalidModel);
      ++refused;
      continue;
    }
    INFO("trial " << trial);
    garden_test::require_same_graph(read_exact_copy(corrupt, corrupt.size()), parts);
  }
  CHECK(refused > 400);
  const GardenFileReader failing = [](uint64_t, uint64_t, uint8_t*) {
    throw Error(ErrorCode::kIo, "the cache went away");
  };
  CHECK(error_code_of([&] { read_garden_in_parts(file.size(), failing); }) == ErrorCode::kIo);
}
