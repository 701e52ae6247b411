// A TF.js graph model (model.json + weight shards) decoded into plain structs:
// the nodes of modelTopology with their TensorFlow attributes, and every
// weight of weightsManifest dequantized to float32 (or int64 for int32 weights).
//
// model.json is the JSON form of a TensorFlow GraphDef:
//   {"modelTopology": {"node": [{"name", "op", "input": ["a", "b:1", "^ctrl"],
//                                "attr": {"strides": {"list": {"i": ["1","2","2","1"]}}, ...}}]},
//    "weightsManifest": [{"paths": ["group1-shard1of2", ...],
//                         "weights": [{"name", "shape", "dtype",
//                                      "quantization": {"dtype", "scale", "min"}}]}],
//    "signature": {"outputs": {"key": {"name": "Identity:0"}}}   (optional)}
// Each group's weights are stored back to back across its shards, in manifest order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "import/common/constant.h"

namespace garden {
namespace tfjs {

using importer::Constant;

// One data input: output `index` of node `node` ("b:1" -> {"b", 1}).
struct NodeInput {
  std::string node;
  int index = 0;
};

// A TensorFlow AttrValue, reduced to the forms graph models use.
struct AttrValue {
  enum class Kind { kNone, kInt, kFloat, kBool, kString, kType, kShape, kList };
  Kind kind = Kind::kNone;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;                 // decoded bytes of "s"; the type name for kType
  std::vector<int64_t> shape;    // -1 for unknown dims
  bool unknown_rank = false;
  std::vector<int64_t> list_i;   // "list": {"i": [...]}
  std::vector<double> list_f;    // "list": {"f": [...]}
  std::vector<std::string> list_s;
};

struct TfNode {
  std::string name;
  std::string op;
  std::vector<NodeInput> inputs;  // control inputs ("^x") are dropped
  std::map<std::string, AttrValue> attrs;
};

// Where a while loop was cut out of the graph (see parse_model).
struct LoopCut {
  std::string at;                      // the loop's first node, in file order
  size_t dropped = 0;                  // nodes removed with it
  std::vector<NodeInput> loop_inputs;  // what the loop read from outside it, in file order
};

struct TfModel {
  std::vector<TfNode> nodes;                  // file order
  std::vector<std::string> signature_outputs; // "name" or "name:k"; empty if no signature
  std::vector<std::string> signature_output_types;  // "DT_INT32"..., "" where not given; one per output
  std::map<std::string, Constant> weights;    // by weight name
  std::optional<LoopCut> loop_cut;            // set when a while loop was cut out
};

// Parses model.json and decodes the weights from `shards` (the files named by
// every group's "paths", all groups in manifest order). Throws
// Error(kInvalidModel) naming the problem: bad JSON, a missing field, a missing
// or short shard, an unknown dtype. A conditional is refused
// (kUnsupportedModel); a while loop is cut out with every node that reads it,
// and `loop_cut` says what it read.
TfModel parse_model(const std::string& model_json, const std::vector<std::vector<uint8_t>>& shards);

// The weight file names of model.json, all groups in manifest order.
std::vector<std::string> weight_paths(const std::string& model_json);

}  // namespace tfjs
}  // namespace garden
