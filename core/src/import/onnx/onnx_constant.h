// ONNX TensorProtos (initializers, Constant nodes) as constants.
#pragma once

#include <string>

#include "import/common/constant.h"
#include "import/onnx/onnx_model.h"

namespace garden {
namespace onnx {

using importer::Constant;
using importer::checked_element_count;
using importer::kMaxTensorElements;

// Decodes a TensorProto's payload; `what` names it in errors.
Constant constant_from_proto(const TensorProto& proto, const std::string& what);

}  // namespace onnx
}  // namespace garden
