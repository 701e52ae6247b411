// The README's "Supported ops" section, from the op cards and the importers'
// own tables, so that it cannot drift from what the runtime does
// (test/import/supported_ops_test.cpp compares the two).
#include <string>
#include <vector>

#include "import/importers.h"
#include "ops/op_card.h"

namespace garden {
namespace {

std::string bullet(const std::string& title, const std::vector<std::string>& names) {
  std::string line = "- **" + title + "** (" + std::to_string(names.size()) + "): ";
  for (size_t k = 0; k < names.size(); ++k) line += (k == 0 ? "`" : ", `") + names[k] + "`";
  return line + "\n";
}

}  // namespace

std::string supported_ops_markdown() {
  std::vector<std::string> graph_ops;
  for (int op = 0; op <= static_cast<int>(OpType::kLast); ++op)
    graph_ops.push_back(ops::op_card(static_cast<OpType>(op)).name);
  return bullet("Graph ops", graph_ops) + bullet("ONNX", onnx_op_types()) + bullet("TF.js", tfjs_op_types()) +
         bullet("TFLite", tflite_op_names());
}

}  // namespace garden
