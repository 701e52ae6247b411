// Verification and bounds-checked access for .tflite files.
#include "import/tflite/tflite_model.h"

#include <algorithm>

#include "garden/error.h"

namespace garden {
namespace tflite {
namespace {

template <typename T>
size_t length(const flatbuffers::Vector<T>* vector) {
  return vector == nullptr ? 0 : vector->size();
}

}  // namespace

ModelView::ModelView(const uint8_t* data, size_t size) : bytes_(data, size), data_(bytes_.data()), size_(size) {
  require(data != nullptr && size >= 8 && fb::ModelBufferHasIdentifier(data_), ErrorCode::kInvalidModel,
          "not a TFLite model (no \"TFL3\" file identifier)");
  // The FlatBuffers verifier addresses at most 2 GB; larger TFLite models keep
  // their weights outside the FlatBuffer, which we do not read.
  require(size < FLATBUFFERS_MAX_BUFFER_SIZE, ErrorCode::kLimitExceeded, "TFLite model larger than 2 GB");
  flatbuffers::Verifier verifier(data_, size_);
  require(fb::VerifyModelBuffer(verifier), ErrorCode::kInvalidModel,
          "malformed TFLite model (FlatBuffers verification failed)");
  model_ = fb::GetModel(data_);
  require(length(model_->subgraphs()) >= 1 && model_->subgraphs()->Get(0) != nullptr, ErrorCode::kInvalidModel,
          "TFLite model has no subgraph");
  subgraph_ = model_->subgraphs()->Get(0);
}

size_t ModelView::tensor_count() const { return length(subgraph_->tensors()); }

size_t ModelView::operator_count() const { return length(subgraph_->operators()); }

const fb::Tensor& ModelView::tensor(int32_t index) const {
  require(index >= 0 && static_cast<size_t>(index) < tensor_count(), ErrorCode::kInvalidModel,
          "tensor index " + std::to_string(index) + " is out of range (" + std::to_string(tensor_count()) +
              " tensors)");
  const fb::Tensor* tensor = subgraph_->tensors()->Get(static_cast<flatbuffers::uoffset_t>(index));
  require(tensor != nullptr, ErrorCode::kInvalidModel, "tensor " + std::to_string(index) + " is missing");
  return *tensor;
}

const fb::Operator& ModelView::op(size_t index) const {
  require(index < operator_count(), ErrorCode::kInvalidModel, "operator index out of range");
  const fb::Operator* op = subgraph_->operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
  require(op != nullptr, ErrorCode::kInvalidModel, "operator " + std::to_string(index) + " is missing");
  return *op;
}

namespace {

const fb::OperatorCode& operator_code(const fb::Model& model, const fb::Operator& op) {
  const size_t count = length(model.operator_codes());
  require(op.opcode_index() < count, ErrorCode::kInvalidModel,
          "operator code index " + std::to_string(op.opcode_index()) + " is out of range (" +
              std::to_string(count) + " codes)");
  const fb::OperatorCode* code = model.operator_codes()->Get(op.opcode_index());
  require(code != nullptr, ErrorCode::kInvalidModel, "operator code is missing");
  return *code;
}

}  // namespace

int32_t ModelView::builtin_code(const fb::Operator& op) const {
  const fb::OperatorCode& code = operator_code(*model_, op);
  // Files written before the 32-bit field hold the op in the 8-bit one; newer
  // files write the larger of the two (127 as the 8-bit placeholder).
  return std::max<int32_t>(code.deprecated_builtin_code(), code.builtin_code());
}

std::string ModelView::custom_code(const fb::Operator& op) const {
  const fb::OperatorCode& code = operator_code(*model_, op);
  return code.custom_code() == nullptr ? std::string() : code.custom_code()->str();
}

Bytes ModelView::buffer_of(const fb::Tensor& tensor) const {
  const size_t count = length(model_->buffers());
  // Buffer 0 is the format's shared empty buffer; a model may omit the list
  // entirely when it has no constants.
  if (tensor.buffer() == 0) return {};
  require(tensor.buffer() < count, ErrorCode::kInvalidModel,
          "buffer index " + std::to_string(tensor.buffer()) + " is out of range (" + std::to_string(count) +
              " buffers)");
  const fb::Buffer* buffer = model_->buffers()->Get(tensor.buffer());
  require(buffer != nullptr, ErrorCode::kInvalidModel, "buffer " + std::to_string(tensor.buffer()) + " is missing");
  require(buffer->offset() == 0 && buffer->size() == 0, ErrorCode::kUnsupportedModel,
          "TFLite buffers stored outside the FlatBuffer (models over 2 GB) are not supported");
  if (buffer->data() == nullptr) return {};
  return {buffer->data()->data(), buffer->data()->size()};
}

void ModelView::check_options_type(const fb::Operator& op, uint8_t type) const {
  require(op.builtin_options_type() == type, ErrorCode::kInvalidModel,
          "operator options of type " + std::to_string(op.builtin_options_type()) + " where type " +
              std::to_string(type) + " is expected");
}

void ModelView::fail_options(const fb::Operator&) const {
  fail(ErrorCode::kInvalidModel, "malformed operator options (FlatBuffers verification failed)");
}

}  // namespace tflite
}  // namespace garden
