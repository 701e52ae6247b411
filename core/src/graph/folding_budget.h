// The budget of constant folding while a model loads, one for every place
// that computes constants from a model's bytes: import-time folding in the
// ONNX and TF.js importers, and the fold_constants pass (through the
// reference evaluator). A few bytes of ConstantOfShape, Expand, a
// broadcasting Mul or a Pad of a constant could otherwise ask for gigabytes;
// real models fold shape tensors and at most weight-sized constants (a few
// million elements).
#pragma once

#include <cstdint>
#include <string>

#include "garden/error.h"
#include "garden/graph.h"

namespace garden {

// Bounds on one folded result, and on all of them together in one import
// (or one run of fold_constants).
constexpr int64_t kMaxFoldedElements = int64_t{1} << 25;
constexpr int64_t kMaxFoldedElementsTotal = int64_t{1} << 26;

// Element count of a result folding is about to compute, checked before
// anything is allocated for it: kInvalidModel for a negative dimension,
// kLimitExceeded above kMaxFoldedElements (computed without overflow).
// `what` names the node.
inline int64_t checked_folded_count(const Shape& shape, const std::string& what) {
  for (int64_t d : shape) require(d >= 0, ErrorCode::kInvalidModel, what + " has a negative dimension");
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d == 0) return 0;
    require(count <= kMaxFoldedElements / d, ErrorCode::kLimitExceeded,
            what + ": folding it while loading the model would compute more than " +
                std::to_string(kMaxFoldedElements) + " elements");
    count *= d;
  }
  return count;
}

// What the folded results of one import have spent of kMaxFoldedElementsTotal.
class FoldingBudget {
 public:
  // Charges a folded result of `count` elements (at most kMaxFoldedElements,
  // or a copy of a loaded tensor); kLimitExceeded naming `what` once the
  // budget is spent.
  void charge(int64_t count, const std::string& what) {
    require(count >= 0 && count <= kMaxFoldedElementsTotal - spent_, ErrorCode::kLimitExceeded,
            what + ": folding while loading the model would compute more than " +
                std::to_string(kMaxFoldedElementsTotal) + " elements in total");
    spent_ += count;
  }

 private:
  int64_t spent_ = 0;
};

}  // namespace garden
