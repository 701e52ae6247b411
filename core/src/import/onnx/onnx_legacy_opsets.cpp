// ONNX opsets 1 to 6. Most ops kept their meaning in opset 7 and changed only
// in ways that do not matter to an importer (consumed_inputs, is_test, type
// lists). The ones whose meaning differs are refused here, before translation,
// so an old model never runs with an opset-7 meaning it does not have; the
// rest of the differences (Reshape's shape attribute before opset 5, Cast's
// type name before opset 6) are read by their translators.
#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {

void check_legacy_node(ImportContext& context, const Node& node) {
  if (context.opset() >= 7) return;
  const std::string& op = node.op_type;
  const NodeAttributes attrs(node);
  const auto refuse_if = [&](bool condition, const std::string& what) {
    require(!condition, ErrorCode::kUnsupportedModel,
            describe(node) + ": " + what + " (ONNX opset " + std::to_string(context.opset()) + ") is not supported");
  };
  const bool arithmetic = op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow";
  if (arithmetic && attrs.get_int("broadcast", 0) != 0 && attrs.has("axis")) {
    // Broadcasting B from `axis` of A is numpy's right alignment only when B
    // ends where A does.
    const int64_t rank_a = static_cast<int64_t>(context.input(node, 0).shape.size());
    const int64_t rank_b = static_cast<int64_t>(context.input(node, 1).shape.size());
    int64_t axis = attrs.get_int("axis", 0);
    if (axis < 0) axis += rank_a;
    refuse_if(axis != rank_a - rank_b, "broadcasting from an axis");
  }
  refuse_if(op == "PRelu" && element_count(context.input(node, 1).shape) != 1, "a per-channel slope before opset 7");
  refuse_if(op == "BatchNormalization" && attrs.get_int("spatial", 1) != 1, "non-spatial batch normalization");
  refuse_if(op == "Upsample", "Upsample with scale attributes");
  refuse_if(op == "Pad" && context.opset() < 2, "Pad with 'paddings'");
}

}  // namespace onnx
}  // namespace garden
