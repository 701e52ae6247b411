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

// BuiltinOperator codes of the TFLite format that the importer knows.
enum BuiltinOp : int32_t {
  kOpAdd = 0,
  kOpAveragePool2D = 1,
  kOpConcatenation = 2,
  kOpConv2D = 3,
  kOpDepthwiseConv2D = 4,
  kOpDequantize = 6,
  kOpFullyConnected = 9,
  kOpLogistic = 14,
  kOpMaxPool2D = 17,
  kOpMul = 18,
  kOpRelu = 19,
  kOpReluN1To1 = 20,
  kOpRelu6 = 21,
  kOpReshape = 22,
  kOpResizeBilinear = 23,
  kOpSoftmax = 25,
  kOpTanh = 28,
  kOpCustom = 32,
  kOpPad = 34,
  kOpMean = 40,
  kOpSub = 41,
  kOpDiv = 42,
  kOpSqueeze = 43,
  kOpTransposeConv = 67,
  kOpResizeNearestNeighbor = 97,
  kOpQuantize = 114,
  kOpHardSwish = 117,
};

// Tags of the BuiltinOptions union (its member index, 1-based).
enum OptionsType : uint8_t {
  kConv2DOptions = 1,
  kDepthwiseConv2DOptions = 2,
  kPool2DOptions = 5,
  kFullyConnectedOptions = 8,
  kSoftmaxOptions = 9,
  kConcatenationOptions = 10,
  kAddOptions = 11,
  kResizeBilinearOptions = 15,
  kMulOptions = 21,
  kReducerOptions = 27,
  kSubOptions = 28,
  kDivOptions = 29,
  kSqueezeOptions = 30,
  kTransposeConvOptions = 49,
  kResizeNearestNeighborOptions = 74,
};

// TensorType values.
enum TensorType : int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kInt16 = 7,
  kInt8 = 9,
};

const char* tensor_type_name(int8_t type);
// "CONV_2D" for known codes, "builtin op 123" otherwise.
std::string builtin_op_name(int32_t code);

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
  // operator has none. Throws kInvalidModel if the options have another type.
  template <typename Options>
  const Options* options(const fb::Operator& op, OptionsType type) const {
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
  void check_options_type(const fb::Operator& op, OptionsType type) const;
  [[noreturn]] void fail_options(const fb::Operator& op) const;

  AlignedBytes bytes_;  // the caller's bytes, or an aligned copy of them
  const uint8_t* data_;
  size_t size_;
  const fb::Model* model_ = nullptr;
  const fb::SubGraph* subgraph_ = nullptr;
};

}  // namespace tflite
}  // namespace garden
