// What the family files (conv.cpp, elementwise.cpp, spatial.cpp, shape.cpp)
// share: the cards they define for the table in op_cards.cpp, and the helpers
// their checks and reference kernels use.
#pragma once

#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "garden/limits.h"
#include "ops/op_card.h"

namespace garden {
namespace ops {

// conv.cpp
extern const OpCard kConv2DCard;
extern const OpCard kConvTranspose2DCard;
extern const OpCard kFullyConnectedCard;
extern const OpCard kBatchMatMulCard;

// elementwise.cpp
extern const OpCard kAddCard;
extern const OpCard kSubCard;
extern const OpCard kMulCard;
extern const OpCard kDivCard;
extern const OpCard kClampCard;
extern const OpCard kSigmoidCard;
extern const OpCard kHardSigmoidCard;
extern const OpCard kHardSwishCard;
extern const OpCard kSwishCard;
extern const OpCard kTanhCard;
extern const OpCard kBatchNormCard;
extern const OpCard kLeakyReluCard;
extern const OpCard kAbsCard;
extern const OpCard kNegCard;
extern const OpCard kExpCard;
extern const OpCard kLogCard;
extern const OpCard kSqrtCard;
extern const OpCard kFloorCard;
extern const OpCard kCeilCard;
extern const OpCard kRoundCard;
extern const OpCard kEluCard;
extern const OpCard kMaximumCard;
extern const OpCard kMinimumCard;
extern const OpCard kPowCard;
extern const OpCard kPReluCard;
extern const OpCard kSquaredDifferenceCard;
extern const OpCard kSignCard;
extern const OpCard kReciprocalCard;
extern const OpCard kSinCard;
extern const OpCard kCosCard;
extern const OpCard kAtan2Card;

// spatial.cpp
extern const OpCard kAveragePool2DCard;
extern const OpCard kMaxPool2DCard;
extern const OpCard kGlobalAveragePool2DCard;
extern const OpCard kResize2DCard;
extern const OpCard kDepthToSpaceCard;

// shape.cpp
extern const OpCard kConcatCard;
extern const OpCard kReshapeCard;
extern const OpCard kTransposeCard;
extern const OpCard kSoftmaxCard;
extern const OpCard kPadCard;
extern const OpCard kSliceCard;
extern const OpCard kMeanCard;
extern const OpCard kReduceMaxCard;
extern const OpCard kReduceMinCard;
extern const OpCard kReduceProdCard;

// A 4-D activation's dimensions and element strides, per its layout.
struct ImageView {
  int64_t n = 0, h = 0, w = 0, c = 0;
  int64_t stride_n = 0, stride_h = 0, stride_w = 0, stride_c = 0;
  int64_t at(int64_t in, int64_t ih, int64_t iw, int64_t ic) const {
    return in * stride_n + ih * stride_h + iw * stride_w + ic * stride_c;
  }
};
// Throws Error(kInvalidModel) naming the node if `tensor` is not 4-D.
ImageView image_view(const NodeTensors& node, const Tensor& tensor);

// Each of `values` is in [minimum, kMaxWindow] ("<what> must be in [...]"),
// so that window arithmetic in int64 cannot overflow.
void check_window_values(const NodeTensors& node, const int32_t* values, size_t count, int32_t minimum,
                         const char* what);

// A 2-D window's stride and dilation are in [1, kMaxWindow], its padding in [0, kMaxWindow].
void check_window(const NodeTensors& node);

// 0 <= axis < rank.
void check_axis(const NodeTensors& node, int64_t axis, size_t rank);

// The output has the shape of the first input.
void check_same_shape(const NodeTensors& node);

// Numpy broadcasting: `out` has the larger rank of `a` and `b`, and each
// dimension of a and b, aligned to the right of out's, is out's or 1.
void check_broadcast_shapes(const NodeTensors& node, const Shape& a, const Shape& b, const Shape& out);

// Strides of `shape` aligned to the right of an output of shape `out`, with 0
// for broadcast dimensions.
std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out);

// Visits every element of `out` in row-major order as visit(i, offset_a,
// offset_b): its flat index and the flat offsets of the elements of `a` and
// `b` it reads under numpy broadcasting.
template <typename Visit>
void for_each_broadcast(const Shape& a, const Shape& b, const Shape& out, Visit visit) {
  const size_t rank = out.size();
  const std::vector<int64_t> strides_a = broadcast_strides(a, out);
  const std::vector<int64_t> strides_b = broadcast_strides(b, out);
  const int64_t count = element_count(out);
  std::vector<int64_t> index(rank, 0);
  int64_t offset_a = 0, offset_b = 0;
  for (int64_t i = 0; i < count; ++i) {
    visit(i, offset_a, offset_b);
    // Advance the multi-index like an odometer, keeping both offsets in step.
    for (size_t axis = rank; axis-- > 0;) {
      ++index[axis];
      offset_a += strides_a[axis];
      offset_b += strides_b[axis];
      if (index[axis] < out[axis]) break;
      offset_a -= strides_a[axis] * index[axis];
      offset_b -= strides_b[axis] * index[axis];
      index[axis] = 0;
    }
  }
}

}  // namespace ops
}  // namespace garden
