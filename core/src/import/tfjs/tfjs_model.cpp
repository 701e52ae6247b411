#include "import/tfjs/tfjs_model.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "garden/error.h"
#include "graph/half.h"

namespace garden {
namespace tfjs {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& message) {
  fail(ErrorCode::kInvalidModel, "TF.js model.json: " + message);
}

// ---- JSON scalars (protobuf's JSON form writes int64 as strings) ----

int64_t to_int64(const json& value, const std::string& what) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && std::fabs(d) < 9.2e18 && d == std::floor(d)) return static_cast<int64_t>(d);
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && end == text.c_str() + text.size() && errno == 0) return parsed;
  }
  invalid(what + " is not an integer");
}

double to_double(const json& value, const std::string& what) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  invalid(what + " is not a number");
}

const std::string& to_string(const json& value, const std::string& what) {
  if (!value.is_string()) invalid(what + " is not a string");
  return value.get_ref<const std::string&>();
}

const json& member(const json& object, const char* key, const std::string& what) {
  if (!object.is_object()) invalid(what + " is not an object");
  const auto it = object.find(key);
  if (it == object.end()) invalid(what + " has no \"" + key + "\"");
  return *it;
}

const json* optional_member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json& array_member(const json& object, const char* key, const std::string& what) {
  const json& value = member(object, key, what);
  if (!value.is_array()) invalid(what + "'s \"" + key + "\" is not an array");
  return value;
}

std::string base64_decode(const std::string& text, const std::string& what) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos) invalid(what + " is not valid base64");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// ---- nodes ----

NodeInput parse_input(const std::string& text, const std::string& what) {
  NodeInput input;
  const size_t colon = text.rfind(':');
  input.node = text.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string index = text.substr(colon + 1);
    const bool digits = !index.empty() && index.size() < 6 &&
                        index.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) invalid(what + " has a malformed input '" + text + "'");
    input.index = std::stoi(index);
  }
  if (input.node.empty()) invalid(what + " has an empty input name");
  return input;
}

std::vector<int64_t> parse_shape(const json& shape, const std::string& what, bool* unknown_rank) {
  std::vector<int64_t> dims;
  *unknown_rank = false;
  if (const json* rank = optional_member(shape, "unknownRank")) *unknown_rank = rank->is_boolean() && rank->get<bool>();
  if (const json* dim = optional_member(shape, "dim")) {
    if (!dim->is_array()) invalid(what + " has a malformed shape");
    for (const json& d : *dim) {
      const json* size = optional_member(d, "size");
      dims.push_back(size == nullptr ? 0 : to_int64(*size, what + " dim"));
    }
  }
  return dims;
}

void parse_list(const json& list, const std::string& what, AttrValue& value) {
  value.kind = AttrValue::Kind::kList;
  if (const json* i = optional_member(list, "i")) {
    if (!i->is_array()) invalid(what + " list.i is not an array");
    for (const json& v : *i) value.list_i.push_back(to_int64(v, what));
  }
  if (const json* f = optional_member(list, "f")) {
    if (!f->is_array()) invalid(what + " list.f is not an array");
    for (const json& v : *f) value.list_f.push_back(to_double(v, what));
  }
  if (const json* s = optional_member(list, "s")) {
    if (!s->is_array()) invalid(what + " list.s is not an array");
    for (const json& v : *s) value.list_s.push_back(base64_decode(to_string(v, what), what));
  }
}

AttrValue parse_attr(const json& attr, const std::string& what) {
  AttrValue value;
  if (!attr.is_object()) invalid(what + " is not an object");
  if (const json* i = optional_member(attr, "i")) {
    value.kind = AttrValue::Kind::kInt;
    value.i = to_int64(*i, what);
  } else if (const json* f = optional_member(attr, "f")) {
    value.kind = AttrValue::Kind::kFloat;
    value.f = to_double(*f, what);
  } else if (const json* b = optional_member(attr, "b")) {
    if (!b->is_boolean()) invalid(what + " is not a boolean");
    value.kind = AttrValue::Kind::kBool;
    value.b = b->get<bool>();
  } else if (const json* s = optional_member(attr, "s")) {
    value.kind = AttrValue::Kind::kString;
    value.s = base64_decode(to_string(*s, what), what);
  } else if (const json* type = optional_member(attr, "type")) {
    value.kind = AttrValue::Kind::kType;
    value.s = to_string(*type, what);
  } else if (const json* shape = optional_member(attr, "shape")) {
    value.kind = AttrValue::Kind::kShape;
    value.shape = parse_shape(*shape, what, &value.unknown_rank);
  } else if (const json* list = optional_member(attr, "list")) {
    parse_list(*list, what, value);
  }
  // Other forms ("tensor", "func") are left as kNone: no supported op reads them.
  return value;
}

TfNode parse_node(const json& node, size_t position) {
  TfNode out;
  const std::string where = "node #" + std::to_string(position);
  out.name = to_string(member(node, "name", where), where + " name");
  out.op = to_string(member(node, "op", where), where + " op");
  const std::string what = out.op + " node '" + out.name + "'";
  if (const json* inputs = optional_member(node, "input")) {
    if (!inputs->is_array()) invalid(what + ": \"input\" is not an array");
    for (const json& input : *inputs) {
      const std::string& text = to_string(input, what + " input");
      if (!text.empty() && text[0] == '^') continue;  // control dependency: no data
      out.inputs.push_back(parse_input(text, what));
    }
  }
  if (const json* attrs = optional_member(node, "attr")) {
    if (!attrs->is_object()) invalid(what + ": \"attr\" is not an object");
    for (auto it = attrs->begin(); it != attrs->end(); ++it)
      out.attrs[it.key()] = parse_attr(it.value(), what + " attribute '" + it.key() + "'");
  }
  return out;
}

// The signature's outputs: names, and dtypes ("" where the signature has none).
void parse_signature_outputs(const json& root, TfModel& model) {
  const json* signature = optional_member(root, "signature");
  const json* outputs = signature ? optional_member(*signature, "outputs") : nullptr;
  if (outputs == nullptr || !outputs->is_object()) return;
  for (auto it = outputs->begin(); it != outputs->end(); ++it) {
    model.signature_outputs.push_back(to_string(member(it.value(), "name", "signature output"), "signature output name"));
    const json* dtype = optional_member(it.value(), "dtype");
    model.signature_output_types.push_back(dtype && dtype->is_string() ? dtype->get<std::string>() : "");
  }
}

// ---- weights ----

struct Encoding {
  std::string dtype;        // what the values are: float32, int32, float16
  std::string stored;       // how they are stored: the dtype, or uint8/uint16/float16 quantization
  double scale = 1, min = 0;
};

size_t stored_size(const std::string& stored, const std::string& what) {
  if (stored == "uint8") return 1;
  if (stored == "uint16" || stored == "float16") return 2;
  if (stored == "float32" || stored == "int32") return 4;
  invalid(what + " has unsupported dtype '" + stored + "'");
}

Encoding parse_encoding(const json& weight, const std::string& what) {
  Encoding e;
  e.dtype = to_string(member(weight, "dtype", what), what + " dtype");
  if (e.dtype == "bool" || e.dtype == "string" || e.dtype == "complex64")
    fail(ErrorCode::kUnsupportedModel, what + " has dtype '" + e.dtype + "', which is not supported");
  if (e.dtype != "float32" && e.dtype != "int32" && e.dtype != "float16")
    invalid(what + " has unsupported dtype '" + e.dtype + "'");
  e.stored = e.dtype;
  if (const json* q = optional_member(weight, "quantization")) {
    e.stored = to_string(member(*q, "dtype", what + " quantization"), what + " quantization dtype");
    if (e.stored == "uint8" || e.stored == "uint16") {
      e.scale = to_double(member(*q, "scale", what + " quantization"), what + " quantization scale");
      e.min = to_double(member(*q, "min", what + " quantization"), what + " quantization min");
    } else if (e.stored != "float16" || e.dtype != "float32") {
      invalid(what + " has unsupported quantization dtype '" + e.stored + "' for " + e.dtype);
    }
  }
  stored_size(e.stored, what);
  return e;
}

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// One element as TF.js's decodeWeights computes it (in double, then stored).
double decode_element(const Encoding& e, const uint8_t* p) {
  if (e.stored == "uint8") return p[0] * e.scale + e.min;
  if (e.stored == "uint16") return load<uint16_t>(p) * e.scale + e.min;
  if (e.stored == "float16") return half_to_float(load<uint16_t>(p));
  if (e.stored == "int32") return load<int32_t>(p);
  return load<float>(p);
}

Constant decode_weight(const Encoding& e, const Shape& shape, const uint8_t* bytes, size_t count) {
  const size_t size = stored_size(e.stored, "");
  if (e.dtype == "int32") {
    std::vector<int64_t> values(count);
    for (size_t k = 0; k < count; ++k) values[k] = static_cast<int64_t>(std::round(decode_element(e, bytes + k * size)));
    return Constant::ints(shape, std::move(values));
  }
  std::vector<float> values(count);
  for (size_t k = 0; k < count; ++k) values[k] = static_cast<float>(decode_element(e, bytes + k * size));
  return Constant::floats(shape, std::move(values));
}

// The shards of one group, read as one byte stream.
class GroupBytes {
 public:
  GroupBytes(std::vector<const std::vector<uint8_t>*> shards, std::vector<std::string> paths)
      : shards_(std::move(shards)), paths_(std::move(paths)) {
    for (const auto* shard : shards_) total_ += shard->size();
  }
  size_t total() const { return total_; }
  // Copies `size` bytes at `offset` (they may span shards).
  std::vector<uint8_t> read(size_t offset, size_t size) const {
    std::vector<uint8_t> out(size);
    size_t done = 0, base = 0;
    for (const auto* shard : shards_) {
      const size_t end = base + shard->size();
      while (done < size && offset + done < end) {
        const size_t from = offset + done - base;
        const size_t n = std::min(size - done, shard->size() - from);
        std::memcpy(out.data() + done, shard->data() + from, n);
        done += n;
      }
      base = end;
    }
    return out;
  }
  std::string describe() const {
    std::string names;
    for (const std::string& p : paths_) names += (names.empty() ? "'" : ", '") + p + "'";
    return names;
  }

 private:
  std::vector<const std::vector<uint8_t>*> shards_;
  std::vector<std::string> paths_;
  size_t total_ = 0;
};

std::vector<std::string> group_paths(const json& group, size_t g) {
  std::vector<std::string> paths;
  const std::string what = "weightsManifest group " + std::to_string(g);
  for (const json& path : array_member(group, "paths", what)) paths.push_back(to_string(path, what + " path"));
  return paths;
}

void decode_group(const json& group, size_t g, const GroupBytes& bytes, TfModel& model) {
  const std::string what = "weightsManifest group " + std::to_string(g);
  size_t offset = 0;
  for (const json& weight : array_member(group, "weights", what)) {
    const std::string name = to_string(member(weight, "name", what + " weight"), what + " weight name");
    const std::string where = "weight '" + name + "'";
    Shape shape;
    for (const json& d : array_member(weight, "shape", where)) shape.push_back(to_int64(d, where + " shape"));
    const Encoding encoding = parse_encoding(weight, where);
    const int64_t count = importer::checked_element_count(shape, where);
    const size_t size = static_cast<size_t>(count) * stored_size(encoding.stored, where);
    if (offset + size > bytes.total())
      invalid(where + " needs bytes " + std::to_string(offset) + ".." + std::to_string(offset + size) +
              " but the weight files " + bytes.describe() + " hold " + std::to_string(bytes.total()));
    const std::vector<uint8_t> raw = bytes.read(offset, size);
    model.weights[name] = decode_weight(encoding, shape, raw.data(), static_cast<size_t>(count));
    offset += size;
  }
  if (offset != bytes.total())
    invalid("the weight files " + bytes.describe() + " hold " + std::to_string(bytes.total()) +
            " bytes but the manifest describes " + std::to_string(offset));
}

void decode_weights(const json& root, const std::vector<std::vector<uint8_t>>& shards, TfModel& model) {
  const json* manifest = optional_member(root, "weightsManifest");
  if (manifest == nullptr) return;
  if (!manifest->is_array()) invalid("\"weightsManifest\" is not an array");
  size_t next_shard = 0;
  for (size_t g = 0; g < manifest->size(); ++g) {
    const std::vector<std::string> paths = group_paths((*manifest)[g], g);
    std::vector<const std::vector<uint8_t>*> group_shards;
    for (const std::string& path : paths) {
      if (next_shard >= shards.size())
        invalid("missing weight file '" + path + "' (" + std::to_string(shards.size()) + " given, manifest names more)");
      group_shards.push_back(&shards[next_shard++]);
    }
    decode_group((*manifest)[g], g, GroupBytes(group_shards, paths), model);
  }
  if (next_shard != shards.size())
    invalid(std::to_string(shards.size()) + " weight files given but the manifest names " + std::to_string(next_shard));
}

json parse_json(const std::string& text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) invalid("not valid JSON");
  if (!root.is_object()) invalid("the top level is not an object");
  return root;
}

}  // namespace

// TF.js runs while loops and conditionals (Enter/Exit/NextIteration/Merge/
// Switch, or the functional While/If ops) by executing the graph step by
// step; the graph here is static. A conditional is refused up front, naming
// it. A while loop, in the models published the non-maximum suppression that
// ends a detector, is cut out: the loop, the TensorArray/TensorList ops that
// feed it and every node that reads them go, and the model's outputs become
// the tensors the loop read (the boxes and scores before suppression).
void cut_control_flow(TfModel& model) {
  static const char* const kLoops[] = {"Enter", "Exit", "NextIteration", "LoopCond", "While", "StatelessWhile"};
  static const char* const kConditions[] = {"Switch", "Merge", "If", "StatelessIf"};
  const auto is_one_of = [](const std::string& op, const auto& names) {
    return std::any_of(std::begin(names), std::end(names), [&](const char* name) { return op == name; });
  };
  const auto is_loop_op = [&](const std::string& op) {
    return is_one_of(op, kLoops) || op.rfind("TensorArray", 0) == 0 || op.rfind("TensorList", 0) == 0;
  };
  std::unordered_set<std::string> dropped;
  std::string first_loop_node;
  for (const TfNode& node : model.nodes) {
    if (is_loop_op(node.op)) {
      dropped.insert(node.name);
      if (first_loop_node.empty()) first_loop_node = node.name;
    }
  }
  // Every reader of a dropped node goes too (breadth first: the loop's back
  // edges make file order no topological order).
  std::unordered_map<std::string, std::vector<const TfNode*>> readers;
  for (const TfNode& node : model.nodes)
    for (const NodeInput& in : node.inputs) readers[in.node].push_back(&node);
  std::vector<std::string> frontier(dropped.begin(), dropped.end());
  while (!frontier.empty()) {
    const std::string name = std::move(frontier.back());
    frontier.pop_back();
    for (const TfNode* reader : readers[name])
      if (dropped.insert(reader->name).second) frontier.push_back(reader->name);
  }
  // A loop's body branches with Switch and Merge too; any other is a conditional.
  for (const TfNode& node : model.nodes)
    if (is_one_of(node.op, kConditions) && !dropped.count(node.name))
      fail(ErrorCode::kUnsupportedModel, "TF.js model: a conditional (" + node.op + " node '" + node.name +
                                             "') is not supported: the graph must be static");
  if (dropped.empty()) return;
  LoopCut cut;
  cut.at = first_loop_node;
  cut.dropped = dropped.size();
  std::set<std::pair<std::string, int>> seen;
  std::vector<TfNode> kept;
  for (TfNode& node : model.nodes) {
    if (!dropped.count(node.name)) {
      kept.push_back(std::move(node));
      continue;
    }
    for (const NodeInput& in : node.inputs)
      if (!dropped.count(in.node) && seen.emplace(in.node, in.index).second) cut.loop_inputs.push_back(in);
  }
  model.nodes = std::move(kept);
  model.loop_cut = std::move(cut);
}

TfModel parse_model(const std::string& model_json, const std::vector<std::vector<uint8_t>>& shards) {
  try {
    const json root = parse_json(model_json);
    if (const json* format = optional_member(root, "format")) {
      if (format->is_string() && format->get_ref<const std::string&>() != "graph-model")
        fail(ErrorCode::kUnsupportedModel, "TF.js model.json: format '" + format->get<std::string>() +
                                               "' is not supported (only graph-model)");
    }
    TfModel model;
    const json& topology = member(root, "modelTopology", "model.json");
    const json& nodes = array_member(topology, "node", "modelTopology");
    for (size_t k = 0; k < nodes.size(); ++k) model.nodes.push_back(parse_node(nodes[k], k));
    cut_control_flow(model);
    parse_signature_outputs(root, model);
    decode_weights(root, shards, model);
    return model;
  } catch (const json::exception& e) {
    // Every access above checks types first; this is a last line of defence.
    invalid(e.what());
  }
}

std::vector<std::string> weight_paths(const std::string& model_json) {
  try {
    const json root = parse_json(model_json);
    std::vector<std::string> paths;
    const json* manifest = optional_member(root, "weightsManifest");
    if (manifest == nullptr) return paths;
    if (!manifest->is_array()) invalid("\"weightsManifest\" is not an array");
    for (size_t g = 0; g < manifest->size(); ++g)
      for (std::string& p : group_paths((*manifest)[g], g)) paths.push_back(std::move(p));
    return paths;
  } catch (const json::exception& e) {
    invalid(e.what());
  }
}

}  // namespace tfjs
}  // namespace garden
