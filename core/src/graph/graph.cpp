#include "garden/graph.h"

#include <cmath>
#include <string>

#include "garden/error.h"
#include "ops/op_card.h"

namespace garden {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidModel: return "INVALID_MODEL";
    case ErrorCode::kUnsupportedOp: return "UNSUPPORTED_OP";
    case ErrorCode::kUnsupportedModel: return "UNSUPPORTED_MODEL";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kLimitExceeded: return "LIMIT_EXCEEDED";
    case ErrorCode::kIo: return "IO";
    case ErrorCode::kBackend: return "BACKEND";
  }
  return "UNKNOWN";
}

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kF32: return 4;
    case DType::kF16: return 2;
    case DType::kI32: return 4;
    case DType::kI64: return 8;
    case DType::kQI8: return 1;
  }
  return 0;
}

int64_t element_count(const Shape& shape) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  return count;
}

const char* op_name(OpType op) { return ops::is_known_op(op) ? ops::op_card(op).name : "?"; }

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kFloat32: return "float32";
    case ValueType::kInt32: return "int32";
    case ValueType::kInt64: return "int64";
    case ValueType::kUint8: return "uint8";
    case ValueType::kBool: return "bool";
  }
  return "?";
}

TensorId Graph::add_tensor(Tensor tensor) {
  tensors.push_back(std::move(tensor));
  return static_cast<TensorId>(tensors.size() - 1);
}

Tensor& Graph::tensor(TensorId id) {
  require(id >= 0 && static_cast<size_t>(id) < tensors.size(), ErrorCode::kInvalidModel,
          "tensor id " + std::to_string(id) + " out of range");
  return tensors[static_cast<size_t>(id)];
}

const Tensor& Graph::tensor(TensorId id) const {
  require(id >= 0 && static_cast<size_t>(id) < tensors.size(), ErrorCode::kInvalidModel,
          "tensor id " + std::to_string(id) + " out of range");
  return tensors[static_cast<size_t>(id)];
}

void Graph::validate() const {
  require(output_types.empty() || output_types.size() == outputs.size(), ErrorCode::kInvalidModel,
          "output types: " + std::to_string(output_types.size()) + " for " + std::to_string(outputs.size()) + " outputs");
  for (ValueType type : output_types)
    require(static_cast<uint8_t>(type) <= static_cast<uint8_t>(ValueType::kBool), ErrorCode::kInvalidModel,
            "an output type out of range");
  std::vector<bool> defined(tensors.size(), false);
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    for (int64_t d : t.shape)
      require(d >= 0, ErrorCode::kInvalidModel, "tensor '" + t.name + "' has a negative dimension");
    if (t.is_constant()) {
      require(t.data.size() == static_cast<size_t>(element_count(t.shape)) * dtype_size(t.dtype),
              ErrorCode::kInvalidModel, "constant '" + t.name + "' has the wrong byte count");
      if (t.dtype == DType::kQI8) {
        bool positive = !t.shape.empty() && t.scales.size() == static_cast<size_t>(t.shape[0]);
        for (float scale : t.scales) positive = positive && scale > 0.f && std::isnormal(scale);
        require(positive, ErrorCode::kInvalidModel,
                "int8 constant '" + t.name + "' needs one positive normal float scale per index of its first axis");
      }
      defined[i] = true;
    }
  }
  for (TensorId id : inputs) {
    tensor(id);
    defined[static_cast<size_t>(id)] = true;
  }
  for (const Node& node : nodes) {
    for (TensorId id : node.inputs) {
      tensor(id);
      require(defined[static_cast<size_t>(id)], ErrorCode::kInvalidModel,
              std::string(op_name(node.op)) + " node '" + node.name + "' reads tensor '" +
                  tensors[static_cast<size_t>(id)].name + "' before it is produced");
    }
    for (TensorId id : node.outputs) {
      tensor(id);
      require(!defined[static_cast<size_t>(id)], ErrorCode::kInvalidModel,
              "tensor '" + tensors[static_cast<size_t>(id)].name + "' is produced twice");
      defined[static_cast<size_t>(id)] = true;
    }
  }
  for (TensorId id : outputs) {
    tensor(id);
    require(defined[static_cast<size_t>(id)], ErrorCode::kInvalidModel,
            "graph output '" + tensors[static_cast<size_t>(id)].name + "' is never produced");
  }
}

}  // namespace garden
