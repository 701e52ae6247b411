// TFLite tensors -> graph tensors: shapes, constants (f16 and quantized
// weights become f32 here) and the bookkeeping of the operator being translated.
#include "import/tflite/tflite_import_context.h"

#include <cstring>
#include <iterator>
#include <limits>

#include "graph/graph_utils.h"
#include "graph/half.h"
#include "import/common/constant.h"

namespace garden {
namespace tflite {
namespace {

constexpr size_t kMaxRank = 8;
constexpr int64_t kMaxDim = int64_t{1} << 24;

template <typename T>
T load(const uint8_t* bytes, size_t index) {
  T value;
  std::memcpy(&value, bytes + index * sizeof(T), sizeof(T));
  return value;
}

bool is_quantized(const fb::Tensor& tensor) {
  const fb::QuantizationParameters* q = tensor.quantization();
  return q != nullptr && q->scale() != nullptr && q->scale()->size() > 0;
}

template <typename T>
double stored_value(const uint8_t* bytes, size_t index) {
  return static_cast<double>(load<T>(bytes, index));
}

// A TensorType of the TFLite schema: its name, its bytes per element (0 for
// types the importer does not read) and how it reads a stored integer.
struct TensorType {
  const char* name;
  size_t bytes;
  double (*stored_integer)(const uint8_t* bytes, size_t index);  // nullptr for floats
};

constexpr int8_t kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kInt64 = 4;

const TensorType& tensor_type(int8_t code) {
  static const TensorType kUnsupported{"an unsupported type", 0, nullptr};
  static const TensorType kByCode[] = {
      {"FLOAT32", 4, nullptr},  {"FLOAT16", 2, nullptr},  {"INT32", 4, stored_value<int32_t>},
      {"UINT8", 1, stored_value<uint8_t>}, {"INT64", 8, stored_value<int64_t>}, kUnsupported /* STRING */,
      kUnsupported /* BOOL */, {"INT16", 2, stored_value<int16_t>}, kUnsupported /* COMPLEX64 */,
      {"INT8", 1, stored_value<int8_t>},
  };
  return code >= 0 && static_cast<size_t>(code) < std::size(kByCode) ? kByCode[code] : kUnsupported;
}

// real = scale[c] * (q - zero_point[c]), c the index along quantized_dimension
// (one scale for the whole tensor when there is a single one).
std::vector<float> dequantize(const fb::Tensor& tensor, const Shape& shape, const Bytes& bytes,
                              const std::string& name) {
  const fb::QuantizationParameters& q = *tensor.quantization();
  const size_t channels = q.scale()->size();
  const size_t zero_points = q.zero_point() == nullptr ? 0 : q.zero_point()->size();
  require(zero_points == 0 || zero_points == 1 || zero_points == channels, ErrorCode::kInvalidModel,
          "tensor '" + name + "' has " + std::to_string(zero_points) + " zero points for " +
              std::to_string(channels) + " scales");
  size_t inner = 1;  // elements between two steps along the quantized dimension
  if (channels > 1) {
    const int32_t axis = q.quantized_dimension();
    require(axis >= 0 && static_cast<size_t>(axis) < shape.size() &&
                shape[static_cast<size_t>(axis)] == static_cast<int64_t>(channels),
            ErrorCode::kInvalidModel, "tensor '" + name + "': per-channel scales do not match its shape");
    for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= static_cast<size_t>(shape[d]);
  }
  const int8_t type = tensor.type();
  const size_t count = static_cast<size_t>(element_count(shape));
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t c = channels > 1 ? (i / inner) % channels : 0;
    const double zero = zero_points == 0 ? 0.0 : static_cast<double>(q.zero_point()->Get(zero_points > 1 ? c : 0));
    values[i] = static_cast<float>(q.scale()->Get(static_cast<flatbuffers::uoffset_t>(c)) *
                                   (tensor_type(type).stored_integer(bytes.data, i) - zero));
  }
  return values;
}

// int8 with one scale per index of axis 0 and zero points all 0: what
// XNNPACK's int8 layers take as they are (TFLite's per-channel weights).
bool is_symmetric_per_channel_int8(const fb::Tensor& tensor, const Shape& shape) {
  constexpr int8_t kInt8 = 9;
  if (tensor.type() != kInt8 || !is_quantized(tensor) || shape.size() < 2) return false;
  const fb::QuantizationParameters& q = *tensor.quantization();
  if (q.quantized_dimension() != 0 || static_cast<int64_t>(q.scale()->size()) != shape[0]) return false;
  if (q.zero_point() != nullptr)
    for (int64_t zero : *q.zero_point())
      if (zero != 0) return false;
  return true;
}

Tensor constant_tensor(const fb::Tensor& tensor, const Shape& shape, const Bytes& bytes, const std::string& name) {
  const int8_t type = tensor.type();
  const size_t size = tensor_type(type).bytes;
  require(size != 0, ErrorCode::kUnsupportedModel,
          "constant '" + name + "' has " + tensor_type(type).name + " elements");
  const size_t count = static_cast<size_t>(element_count(shape));
  require(bytes.size == count * size, ErrorCode::kInvalidModel,
          "constant '" + name + "' has " + std::to_string(bytes.size) + " bytes; its shape needs " +
              std::to_string(count * size));
  Tensor t;
  t.name = name;
  t.shape = shape;
  std::vector<float> values;
  if (is_quantized(tensor) && type != kFloat32 && type != kFloat16) {
    values = dequantize(tensor, shape, bytes, name);  // quantized models run in f32
  } else if (type == kFloat16) {
    values.resize(count);
    for (size_t i = 0; i < count; ++i) values[i] = half_to_float(load<uint16_t>(bytes.data, i));
  } else if (type == kInt32 || type == kInt64) {
    t.dtype = type == kInt32 ? DType::kI32 : DType::kI64;
    t.data.assign(bytes.data, bytes.data + bytes.size);
    return t;
  } else {
    require(type == kFloat32, ErrorCode::kUnsupportedModel,
            "constant '" + name + "' has unquantized " + tensor_type(type).name + " elements");
    values.resize(count);
    std::memcpy(values.data(), bytes.data, bytes.size);
  }
  set_f32_data(t, values);
  return t;
}

}  // namespace

ImportContext::ImportContext(const ModelView& model, Graph& graph)
    : model_(model), graph_(graph), ids_(model.tensor_count(), -1) {}

std::string ImportContext::tensor_name(int32_t index) const {
  const fb::Tensor& tensor = model_.tensor(index);
  if (tensor.name() != nullptr && tensor.name()->size() > 0) return tensor.name()->str();
  return "tensor_" + std::to_string(index);
}

Shape ImportContext::declared_shape(int32_t index) const {
  const fb::Tensor& tensor = model_.tensor(index);
  Shape shape;
  if (tensor.shape() == nullptr) return shape;
  require(tensor.shape()->size() <= kMaxRank, ErrorCode::kUnsupportedModel,
          "tensor '" + tensor_name(index) + "' has rank " + std::to_string(tensor.shape()->size()));
  for (int32_t d : *tensor.shape()) {
    require(d >= 1, ErrorCode::kUnsupportedModel,
            "tensor '" + tensor_name(index) + "' has dimension " + std::to_string(d) +
                " (dynamic or empty shapes are not supported)");
    require(d <= kMaxDim, ErrorCode::kLimitExceeded, "tensor '" + tensor_name(index) + "' is too large");
    shape.push_back(d);
  }
  importer::checked_element_count(shape, "tensor '" + tensor_name(index) + "'");  // the product of kMaxRank dims can overflow
  return shape;
}

TensorId ImportContext::add_activation(const std::string& name, const Shape& shape) {
  return garden::add_activation(graph_, name, shape, activation_layout(shape));
}

TensorId ImportContext::add_constant(const std::string& name, const Shape& shape, const std::vector<float>& values) {
  return add_f32_constant(graph_, name, shape, values);
}

void ImportContext::define_graph_inputs() {
  const flatbuffers::Vector<int32_t>* inputs = model_.subgraph().inputs();
  require(inputs != nullptr && inputs->size() > 0, ErrorCode::kInvalidModel, "TFLite subgraph has no inputs");
  for (int32_t index : *inputs) {
    const fb::Tensor& tensor = model_.tensor(index);
    require(model_.buffer_of(tensor).size == 0, ErrorCode::kInvalidModel,
            "graph input '" + tensor_name(index) + "' is a constant");
    require(ids_[static_cast<size_t>(index)] < 0, ErrorCode::kInvalidModel,
            "graph input '" + tensor_name(index) + "' is listed twice");
    require(tensor.type() == kFloat32 || is_quantized(tensor), ErrorCode::kUnsupportedModel,
            "graph input '" + tensor_name(index) + "' has " + tensor_type(tensor.type()).name + " elements");
    const TensorId id = add_activation(tensor_name(index), declared_shape(index));
    ids_[static_cast<size_t>(index)] = id;
    graph_.inputs.push_back(id);
  }
}

void ImportContext::define_graph_outputs() {
  const flatbuffers::Vector<int32_t>* outputs = model_.subgraph().outputs();
  require(outputs != nullptr && outputs->size() > 0, ErrorCode::kInvalidModel, "TFLite subgraph has no outputs");
  for (int32_t index : *outputs) {
    model_.tensor(index);  // bounds check
    const TensorId id = ids_[static_cast<size_t>(index)];
    require(id >= 0 && !graph_.tensor(id).is_constant(), ErrorCode::kInvalidModel,
            "graph output '" + tensor_name(index) + "' is not computed by any operator");
    graph_.outputs.push_back(id);
  }
}

void ImportContext::begin_operator(size_t index, const std::string& op_name, uint8_t options_type) {
  op_ = &model_.op(index);
  op_index_ = index;
  op_name_ = op_name;
  options_type_ = options_type;
}

std::string ImportContext::describe() const {
  return op_name_ + " (operator " + std::to_string(op_index_) + ")";
}

void ImportContext::fail_op(ErrorCode code, const std::string& message) const {
  fail(code, describe() + ": " + message);
}

size_t ImportContext::input_count() const { return op_->inputs() == nullptr ? 0 : op_->inputs()->size(); }

void ImportContext::require_arity(size_t min_inputs, size_t max_inputs, size_t outputs) const {
  const size_t in = input_count();
  const size_t out = op_->outputs() == nullptr ? 0 : op_->outputs()->size();
  if (in < min_inputs || in > max_inputs || out != outputs)
    fail_op(ErrorCode::kInvalidModel, "has " + std::to_string(in) + " inputs and " + std::to_string(out) +
                                          " outputs; expected " + std::to_string(min_inputs) +
                                          (max_inputs != min_inputs ? "-" + std::to_string(max_inputs) : "") +
                                          " inputs and " + std::to_string(outputs) + " outputs");
}

bool ImportContext::has_input(size_t k) const { return k < input_count() && op_->inputs()->Get(k) != -1; }

Bytes ImportContext::custom_options() const {
  if (op_->custom_options() == nullptr) return {};
  return {op_->custom_options()->data(), op_->custom_options()->size()};
}

int32_t ImportContext::input_index(size_t k) const {
  if (!has_input(k)) fail_op(ErrorCode::kInvalidModel, "input " + std::to_string(k) + " is missing");
  const int32_t index = op_->inputs()->Get(static_cast<flatbuffers::uoffset_t>(k));
  model_.tensor(index);  // bounds check
  return index;
}

int32_t ImportContext::output_index(size_t k) const {
  const size_t count = op_->outputs() == nullptr ? 0 : op_->outputs()->size();
  if (k >= count) fail_op(ErrorCode::kInvalidModel, "output " + std::to_string(k) + " is missing");
  const int32_t index = op_->outputs()->Get(static_cast<flatbuffers::uoffset_t>(k));
  model_.tensor(index);  // bounds check
  if (ids_[static_cast<size_t>(index)] >= 0)
    fail_op(ErrorCode::kInvalidModel, "writes tensor '" + tensor_name(index) + "', which is already defined");
  return index;
}

TensorId ImportContext::materialize(int32_t index) {
  const fb::Tensor& tensor = model_.tensor(index);
  const Bytes bytes = model_.buffer_of(tensor);
  if (bytes.size == 0)
    fail_op(ErrorCode::kInvalidModel, "reads tensor '" + tensor_name(index) + "' before any operator writes it");
  const Shape shape = declared_shape(index);
  const TensorId id = graph_.add_tensor(constant_tensor(tensor, shape, bytes, tensor_name(index)));
  ids_[static_cast<size_t>(index)] = id;
  if (is_symmetric_per_channel_int8(tensor, shape)) graph_.info.int8_weights.push_back(graph_.tensor(id).name);
  return id;
}

TensorId ImportContext::input(size_t k) {
  const int32_t index = input_index(k);
  const TensorId id = ids_[static_cast<size_t>(index)];
  return id >= 0 ? id : materialize(index);
}

Shape ImportContext::input_shape(size_t k) { return graph_.tensor(input(k)).shape; }

bool ImportContext::input_is_constant(size_t k) { return graph_.tensor(input(k)).is_constant(); }

std::vector<float> ImportContext::constant_f32(size_t k) {
  if (!input_is_constant(k))
    fail_op(ErrorCode::kUnsupportedModel, "input " + std::to_string(k) + " must be a constant");
  return constant_as_f32(graph_.tensor(input(k)));
}

std::vector<int64_t> ImportContext::constant_ints(size_t k) {
  const Tensor& t = graph_.tensor(input(k));
  if (!t.is_constant() || (t.dtype != DType::kI32 && t.dtype != DType::kI64))
    fail_op(ErrorCode::kUnsupportedModel, "input " + std::to_string(k) + " must be a constant integer tensor");
  std::vector<int64_t> values(static_cast<size_t>(element_count(t.shape)));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = t.dtype == DType::kI32 ? load<int32_t>(t.data.data(), i) : load<int64_t>(t.data.data(), i);
  return values;
}

Shape ImportContext::declared_output_shape(size_t k) const { return declared_shape(output_index(k)); }

TensorId ImportContext::output(size_t k, const Shape& shape) {
  const int32_t index = output_index(k);
  const Shape declared = declared_shape(index);
  if (declared != shape)
    fail_op(ErrorCode::kInvalidModel, "output '" + tensor_name(index) + "' is declared with a shape that does not "
                                      "follow from its inputs");
  const TensorId id = add_activation(tensor_name(index), shape);
  ids_[static_cast<size_t>(index)] = id;
  return id;
}

void ImportContext::alias_output(size_t k, TensorId existing) {
  const int32_t index = output_index(k);
  if (declared_shape(index) != graph_.tensor(existing).shape)
    fail_op(ErrorCode::kInvalidModel, "output '" + tensor_name(index) + "' has a different shape than its input");
  ids_[static_cast<size_t>(index)] = existing;
}

Node& ImportContext::emit(OpType type, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
                          Attributes attrs) {
  const std::string name = graph_.tensor(outputs.at(0)).name;
  graph_.nodes.push_back(Node{type, name, std::move(inputs), std::move(outputs), std::move(attrs)});
  return graph_.nodes.back();
}

ActivationRange ImportContext::activation(int8_t fused_activation_function) const {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  switch (fused_activation_function) {
    case 0: return {-kInf, kInf};  // NONE
    case 1: return {0.f, kInf};    // RELU
    case 2: return {-1.f, 1.f};    // RELU_N1_TO_1
    case 3: return {0.f, 6.f};     // RELU6
    default:
      fail_op(ErrorCode::kUnsupportedModel,
              "fused activation function " + std::to_string(fused_activation_function) + " is not supported");
  }
}

}  // namespace tflite
}  // namespace garden
