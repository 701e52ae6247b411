// What an import could not translate, collected so that one error names every
// op and attribute a model needs that the runtime lacks, not only the first.
// Only kUnsupportedOp and kUnsupportedModel are collected (a malformed model
// still stops at once); a node that reads a value a refused node would have
// made is skipped, since it can only be judged once that op exists, unless
// its op is unknown altogether, which is recorded too (record_unknown_op).
#pragma once

#include <string>
#include <vector>

#include "garden/error.h"

namespace garden {
namespace importer {

class UnsupportedList {
 public:
  // Runs translate(); false, with the problem recorded, if it threw
  // kUnsupportedOp or kUnsupportedModel (other errors pass through).
  template <typename Translate>
  bool attempt(Translate translate) {
    try {
      translate();
      return true;
    } catch (const Error& error) {
      if (error.code() != ErrorCode::kUnsupportedOp && error.code() != ErrorCode::kUnsupportedModel) throw;
      record(error);
      return false;
    }
  }

  bool empty() const { return problems_.empty(); }

  // A node the import skipped whose op it has no translation for at all.
  void record_unknown_op(const std::string& message) { record(Error(ErrorCode::kUnsupportedOp, message)); }

  // Throws one Error with the first problem's code: its message first, then
  // one line per other problem; problems that differ only in the node they
  // name are one line ("... and 4 more nodes like it").
  void throw_if_any() const;

 private:
  struct Problem {
    ErrorCode code;
    std::string message;
    std::string key;  // the message without node names
    int repeats = 0;
  };
  void record(const Error& error);
  std::vector<Problem> problems_;
};

}  // namespace importer
}  // namespace garden
