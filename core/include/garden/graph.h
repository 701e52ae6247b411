// The in-memory graph every importer produces and every backend consumes.
//
// A Graph is a list of tensors and a topologically ordered list of nodes.
// Shapes are static: importers resolve every shape when they build the graph
// (shape-computing subgraphs such as ONNX Shape/Gather/Concat are folded away
// by the importer), so every Tensor has a full shape.
//
// Layout. Importers emit 4-D activations in the layout of their source format
// and say so in Tensor::layout (ONNX: NCHW, TF.js/TFLite: NHWC). The layout
// pass (graph/passes.h) rewrites the graph so that every 4-D activation is
// NHWC, which is what XNNPACK runs; only the graph's inputs and outputs keep
// their declared layout, joined to the rest by a single Transpose each.
// Op semantics below are written for NHWC; for an NCHW op read "C axis = 1".
//
// Weight layouts (fixed, whatever the tensor layout of the activations):
//   Conv2D           weight [O, kH, kW, I/groups]   ("OHWI")
//   ConvTranspose2D  weight [O, kH, kW, I/groups]   ("OHWI"), O = groups * O_g
//   FullyConnected   weight [O, I]
// Importers convert their format's weight layout to these.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace garden {

enum class DType : uint8_t {
  kF32 = 0,
  kF16 = 1,  // storage only: constants may be f16; activations are f32
  kI32 = 2,
  kI64 = 3,
  // Storage only, for the weights of convolutions and fully connected
  // layers: int8 with one scale per output channel (axis 0), zero point 0;
  // value = q * scales[channel]. Backends run such layers in int8
  // (activations quantized per image at run time) or widen them to f32.
  kQI8 = 4,
};

size_t dtype_size(DType dtype);

enum class Layout : uint8_t {
  kAny = 0,   // rank != 4, or a constant whose layout does not matter
  kNCHW = 1,
  kNHWC = 2,
};

using Shape = std::vector<int64_t>;

int64_t element_count(const Shape& shape);  // 1 for rank 0

struct Tensor {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  Layout layout = Layout::kAny;
  // Non-empty for constants: raw little-endian bytes, element_count * dtype_size.
  std::vector<uint8_t> data;
  // kQI8: one scale per index of axis 0 (shape[0] of them, each a positive normal float).
  std::vector<float> scales;

  bool is_constant() const { return !data.empty(); }
  const float* f32() const { return reinterpret_cast<const float*>(data.data()); }
  float* f32() { return reinterpret_cast<float*>(data.data()); }
};

// A closed set of ops. Keep in sync with core/schema/garden.fbs; each has its
// card in core/src/ops.
enum class OpType : uint8_t {
  // inputs: x, weight, [bias]; attrs: stride, dilation, pad, groups, activation
  kConv2D = 0,
  // inputs: x, weight, [bias]; attrs: stride, dilation, pad, output_padding, groups, activation
  // Output size: (in - 1) * stride - pad_begin - pad_end + dilation * (k - 1) + 1 + output_padding
  kConvTranspose2D = 1,
  // inputs: x [N, I] (or any rank, flattened to [prod(leading), I]), weight [O, I], [bias [O]]
  kFullyConnected = 2,
  // Element-wise, numpy broadcasting on the two inputs; attrs: activation
  kAdd = 3,
  kSub = 4,
  kMul = 5,
  kDiv = 6,
  // Element-wise unary
  kClamp = 7,        // attrs: activation (min, max); Relu = Clamp(0, inf), Relu6 = Clamp(0, 6)
  kSigmoid = 8,
  kHardSigmoid = 9,  // attrs: alpha, beta: clamp(alpha * x + beta, 0, 1)
  kHardSwish = 10,   // x * relu6(x + 3) / 6
  kSwish = 11,       // x * sigmoid(x)  (SiLU)
  kTanh = 12,
  // inputs: x; attrs: kernel, stride, pad; pads do not count in the average
  // (count_include_pad = false) unless attrs.count_include_pad.
  kAveragePool2D = 13,
  kMaxPool2D = 14,
  kGlobalAveragePool2D = 15,  // mean over H and W, keeps dims: [N,1,1,C]
  // inputs: x; attrs: resize_mode, coordinate_mode; output size from the output tensor's shape
  kResize2D = 16,
  kConcat = 17,     // inputs: 2+ tensors; attrs: axis (non-negative)
  kReshape = 18,    // inputs: x; the new shape is the output tensor's shape
  kTranspose = 19,  // inputs: x; attrs: ints = permutation (output dim i = input dim perm[i])
  kSoftmax = 20,    // inputs: x; attrs: axis (non-negative)
  kPad = 21,        // inputs: x; attrs: ints = [begin_0.., end_0..] per dim; pad_value
  // inputs: x, scale, bias, mean, var (constants); attrs: epsilon. Folded into a
  // preceding convolution when it can be, otherwise lowered as Mul + Add.
  kBatchNorm = 22,
  kSlice = 23,      // inputs: x; attrs: ints = [begin_0.., size_0..] per dim (steps of 1)
  kMean = 24,       // inputs: x; attrs: ints = axes reduced (kept as size-1 dims)
  kDepthToSpace = 25,  // inputs: x; attrs: block_size (DCR order, as TF / ONNX mode DCR)
  kLeakyRelu = 26,     // attrs: alpha: x >= 0 ? x : alpha * x
  // Element-wise unary math
  kAbs = 27,      // |x|
  kNeg = 28,      // -x
  kExp = 29,      // e^x
  kLog = 30,      // natural logarithm
  kSqrt = 31,     // square root
  kFloor = 32,    // round down
  kCeil = 33,     // round up
  kRound = 34,    // to nearest, halves to even
  kElu = 35,      // attrs: alpha: x >= 0 ? x : alpha * (e^x - 1)
  // Element-wise binary, numpy broadcasting on the two inputs; attrs: activation
  kMaximum = 36,
  kMinimum = 37,
  kPow = 38,                // x^y (XNNPACK lowering: a constant exponent, one value)
  kPRelu = 39,              // inputs: x, slope: x >= 0 ? x : slope * x
  kSquaredDifference = 40,  // (x - y)^2
  // Element-wise unary math, continued
  kSign = 41,        // -1, 0 or 1
  kReciprocal = 42,  // 1 / x
  // inputs: a [..., M, K], b [..., K, N] (either may be an activation); the
  // leading (batch) dimensions broadcast like numpy's matmul. Output [..., M, N].
  kBatchMatMul = 43,
  // Reductions like Mean (inputs: x; attrs: ints = axes reduced, kept as
  // size-1 dims), by maximum, minimum and product.
  kReduceMax = 44,
  kReduceMin = 45,
  kReduceProd = 46,
  // Element-wise unary math, continued (radians)
  kSin = 47,
  kCos = 48,
  kAtan2 = 49,  // atan2(y, x): the angle of (x, y), in (-pi, pi]
  kLast = kAtan2,  // the highest value: the op card table is checked against it
};

const char* op_name(OpType op);

enum class ResizeMode : uint8_t { kBilinear = 0, kNearest = 1 };
enum class CoordinateMode : uint8_t {
  kHalfPixel = 0,      // ONNX half_pixel / pytorch_half_pixel, TF half_pixel_centers
  kAlignCorners = 1,   // ONNX align_corners, TF align_corners
  kAsymmetric = 2,     // ONNX asymmetric, TF default (neither flag)
};

struct Attributes {
  std::array<int32_t, 2> kernel{1, 1};    // pooling window [h, w]
  std::array<int32_t, 2> stride{1, 1};    // [h, w]
  std::array<int32_t, 2> dilation{1, 1};  // [h, w]
  std::array<int32_t, 4> pad{0, 0, 0, 0}; // [top, left, bottom, right]
  std::array<int32_t, 2> output_padding{0, 0};  // ConvTranspose2D [h, w]
  int32_t groups = 1;
  // Fused output clamp; (-inf, inf) means none.
  float activation_min = -std::numeric_limits<float>::infinity();
  float activation_max = std::numeric_limits<float>::infinity();
  float alpha = 0.f;
  float beta = 0.f;
  float epsilon = 1e-5f;
  float pad_value = 0.f;
  int32_t axis = 0;
  int32_t block_size = 1;
  bool count_include_pad = false;
  ResizeMode resize_mode = ResizeMode::kBilinear;
  CoordinateMode coordinate_mode = CoordinateMode::kHalfPixel;
  std::vector<int64_t> ints;

  bool has_activation() const {
    return activation_min != -std::numeric_limits<float>::infinity() ||
           activation_max != std::numeric_limits<float>::infinity();
  }
};

using TensorId = int32_t;

struct Node {
  OpType op;
  std::string name;  // the source node's name, for errors and profiles
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  Attributes attrs;
};

// What a model is for, and how to feed it; stored in .garden metadata.
struct ModelInfo {
  std::string task;          // "classification", "segmentation", "text_detection", or ""
  std::string source;        // where the model came from
  std::string license;
  std::vector<std::string> labels;
  std::array<float, 3> mean{0.f, 0.f, 0.f};  // input = (pixel/255 - mean) / std
  std::array<float, 3> std{1.f, 1.f, 1.f};
  std::string notes;  // what the import changed that users should know (a graph cut at a loop), or ""
  // Constants the source file stored as symmetric per-channel int8 (a
  // quantized TFLite model); loading runs the layers they weigh in int8
  // (see run_published_int8). Not kept in .garden files.
  std::vector<std::string> int8_weights;
};

// The element type a model declares for an output. Activations are computed
// in float32 (integer ones as exact whole numbers, below 2^24); an output
// declared integer or bool is converted to its type where it leaves the
// runtime (the package returns an Int32Array, a BigInt64Array or a Uint8Array).
enum class ValueType : uint8_t { kFloat32 = 0, kInt32 = 1, kInt64 = 2, kUint8 = 3, kBool = 4 };
const char* value_type_name(ValueType type);  // "float32", "int32", "int64", "uint8", "bool"

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // topological order
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  // One per output, or empty when every output is float32.
  std::vector<ValueType> output_types;
  ModelInfo info;

  // The declared type of output `index` (float32 when none is recorded).
  ValueType output_type(size_t index) const {
    return index < output_types.size() ? output_types[index] : ValueType::kFloat32;
  }

  TensorId add_tensor(Tensor tensor);
  Tensor& tensor(TensorId id);
  const Tensor& tensor(TensorId id) const;
  // Checks ids, shapes and topological order; throws Error(kInvalidModel) naming
  // the first problem. Run after every importer and every pass in debug tests.
  void validate() const;
};

}  // namespace garden
