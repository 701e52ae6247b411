// A verified, bounds-checked view of a .tflite file (FlatBuffers, identifier
// "TFL3"). The constructor runs the FlatBuffers Verifier over every table the
// importer reads (core/schema/tflite.fbs); each accessor checks the index it
// is given. Only subgraph 0 (the model's main graph) is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "format/aligned_bytes.h"
#include "tflite_generated.h"

namespace garden {
namespace tflite {

namespace fb = garden::tflite_schema;

struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

class ModelView {
 public:
  // Throws Error(kInvalidModel) unless `data` is a verified TFLite model with
  // at least one subgraph.
  ModelView(const uint8_t* data, size_t size);

  const fb::SubGraph& subgraph() const { return *subgraph_; }
  size_t tensor_count() const;
  size_t operator_count() const;
  const fb::Tensor& tensor(int32_t index) const;
  const fb::Operator& op(size_t index) const;
  // The operator's BuiltinOperator code (resolving the deprecated 8-bit field).
  int32_t builtin_code(const fb::Operator& op) const;
  std::string custom_code(const fb::Operator& op) const;
  // Contents of a tensor's buffer; empty for activations.
  Bytes buffer_of(const fb::Tensor& tensor) const;

  // The operator's options table as `Options`, verified, or nullptr when the
  // operator has none. Throws kInvalidModel unless the options have the
  // BuiltinOptions tag `type` (the member index of `Options` in the union).
  template <typename Options>
  const Options* options(const fb::Operator& op, uint8_t type) const {
    const fb::OpaqueTable* table = op.builtin_options();
    if (table == nullptr) return nullptr;
    check_options_type(op, type);
    // Both are flatbuffers::Table with no data members: the same bytes read
    // through the right field accessors, verified before use.
    const Options* options = reinterpret_cast<const Options*>(table);
    flatbuffers::Verifier verifier(data_, size_);
    if (!options->Verify(verifier)) fail_options(op);
    return options;
  }

 private:
  void check_options_type(const fb::Operator& op, uint8_t type) const;
  [[noreturn]] void fail_options(const fb::Operator& op) const;

  AlignedBytes bytes_;  // the caller's bytes, or an aligned copy of them
  const uint8_t* data_;
  size_t size_;
  const fb::Model* model_ = nullptr;
  const fb::SubGraph* subgraph_ = nullptr;
};

}  // namespace tflite
}  // namespace garden
