// The cards of the data-movement and reduction ops, which work on literal
// shapes: Concat, Reshape, Transpose, Softmax, Pad, Slice, and the reductions
// Mean, ReduceMax, ReduceMin and ReduceProd.
#include <algorithm>
#include <cmath>
#include <string>

#include "graph/graph_utils.h"
#include "ops/cards.h"

namespace garden {
namespace ops {
namespace {

std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t k = shape.size(); k-- > 1;) strides[k - 1] = strides[k] * shape[k];
  return strides;
}

// Calls visit(flat_index, multi_index) for every element of `shape` in order.
template <typename Visit>
void for_each_index(const Shape& shape, Visit visit) {
  const int64_t count = element_count(shape);
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    visit(flat, index);
    for (size_t axis = shape.size(); axis-- > 0;) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
}

void check_concat(const NodeTensors& node) {
  const Shape& out = node.output_tensor.shape;
  check_axis(node, node.node.attrs.axis, out.size());
  const size_t axis = static_cast<size_t>(node.node.attrs.axis);
  int64_t axis_total = 0;
  for (const Tensor* input : node.input_tensors) {
    check(node, input->shape.size() == out.size(), "inputs must have the output's rank");
    for (size_t k = 0; k < out.size(); ++k)
      check(node, k == axis || input->shape[k] == out[k], "inputs differ from the output off the concat axis");
    axis_total += input->shape[axis];
  }
  check(node, axis_total == out[axis], "input sizes along the axis do not add up to the output's");
}

Values concat(const OpContext& context) {
  const Shape& out = context.output_tensor.shape;
  const size_t axis = static_cast<size_t>(context.node.attrs.axis);
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < axis; ++k) outer *= out[k];
  for (size_t k = axis + 1; k < out.size(); ++k) inner *= out[k];
  Values y;
  y.reserve(static_cast<size_t>(element_count(out)));
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < context.inputs.size(); ++i) {
      const int64_t chunk = context.input_tensors[i]->shape[axis] * inner;
      const float* begin = context.inputs[i]->data() + o * chunk;
      y.insert(y.end(), begin, begin + chunk);
    }
  return y;
}

// The new shape is the output tensor's: any shape of the same size.
void check_reshape(const NodeTensors& node) {
  check(node, element_count(node.output_tensor.shape) == element_count(node.input_tensors[0]->shape),
        "element counts differ");
}

Values reshape(const OpContext& context) { return *context.inputs[0]; }

bool is_permutation_of_rank(const std::vector<int64_t>& values, size_t rank) {
  if (values.size() != rank) return false;
  std::vector<bool> seen(rank, false);
  for (int64_t v : values) {
    if (v < 0 || static_cast<size_t>(v) >= rank || seen[static_cast<size_t>(v)]) return false;
    seen[static_cast<size_t>(v)] = true;
  }
  return true;
}

void check_transpose(const NodeTensors& node) {
  const Shape& in = node.input_tensors[0]->shape;
  const std::vector<int64_t>& perm = node.node.attrs.ints;
  check(node, is_permutation_of_rank(perm, in.size()),
        "permutation does not match the input's rank " + std::to_string(in.size()));
  check(node, node.output_tensor.shape == permute(in, perm), "output shape is not the permuted input shape");
}

Values transpose(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const std::vector<int64_t>& perm = context.node.attrs.ints;
  const std::vector<int64_t> in_strides = row_major_strides(in);
  const Values& x = *context.inputs[0];
  Values y(x.size());
  for_each_index(context.output_tensor.shape, [&](int64_t flat, const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t i = 0; i < perm.size(); ++i) offset += index[i] * in_strides[static_cast<size_t>(perm[i])];
    y[static_cast<size_t>(flat)] = x[static_cast<size_t>(offset)];
  });
  return y;
}

void check_softmax(const NodeTensors& node) {
  check_axis(node, node.node.attrs.axis, node.input_tensors[0]->shape.size());
  check_same_shape(node);
}

Values softmax(const OpContext& context) {
  const Shape& shape = context.input_tensors[0]->shape;
  const size_t axis = static_cast<size_t>(context.node.attrs.axis);
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < axis; ++k) outer *= shape[k];
  for (size_t k = axis + 1; k < shape.size(); ++k) inner *= shape[k];
  const int64_t size = shape[axis];
  const Values& x = *context.inputs[0];
  Values y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t a) { return static_cast<size_t>((o * size + a) * inner + i); };
      float max_value = -INFINITY;
      for (int64_t a = 0; a < size; ++a) max_value = std::max(max_value, x[at(a)]);
      double sum = 0.0;
      for (int64_t a = 0; a < size; ++a) sum += std::exp(static_cast<double>(x[at(a)] - max_value));
      for (int64_t a = 0; a < size; ++a)
        y[at(a)] = static_cast<float>(std::exp(static_cast<double>(x[at(a)] - max_value)) / sum);
    }
  return y;
}

void check_pad(const NodeTensors& node) {
  const Shape& in = node.input_tensors[0]->shape;
  const Shape& out = node.output_tensor.shape;
  const std::vector<int64_t>& pads = node.node.attrs.ints;
  const size_t rank = in.size();
  check(node, pads.size() == 2 * rank, "needs a begin and an end padding per dimension");
  for (int64_t p : pads) check(node, p >= 0, "padding must be >= 0");
  check(node, out.size() == rank, "output rank differs from input");
  // Subtracted from the output's size, never added: hostile pads may be near the int64 limit.
  for (size_t k = 0; k < rank; ++k)
    check(node, pads[k] <= out[k] && pads[rank + k] <= out[k] - pads[k] && out[k] - pads[k] - pads[rank + k] == in[k],
          "output shape is not input + pads");
}

// Each output element is the input element at the offset `source` gives for
// the output index (given the input's strides), or `fill` where it gives
// kOutside: the walk Pad and Slice share.
constexpr int64_t kOutside = -1;

template <typename Source>
Values copy_by_index(const OpContext& context, float fill, Source source) {
  const std::vector<int64_t> in_strides = row_major_strides(context.input_tensors[0]->shape);
  const Values& x = *context.inputs[0];
  Values y(static_cast<size_t>(element_count(context.output_tensor.shape)));
  for_each_index(context.output_tensor.shape, [&](int64_t flat, const std::vector<int64_t>& index) {
    const int64_t offset = source(index, in_strides);
    y[static_cast<size_t>(flat)] = offset == kOutside ? fill : x[static_cast<size_t>(offset)];
  });
  return y;
}

Values pad(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const std::vector<int64_t>& pads = context.node.attrs.ints;
  return copy_by_index(context, context.node.attrs.pad_value,
                       [&](const std::vector<int64_t>& index, const std::vector<int64_t>& strides) {
                         int64_t offset = 0;
                         for (size_t k = 0; k < in.size(); ++k) {
                           const int64_t source = index[k] - pads[k];
                           if (source < 0 || source >= in[k]) return kOutside;
                           offset += source * strides[k];
                         }
                         return offset;
                       });
}

void check_slice(const NodeTensors& node) {
  const Shape& in = node.input_tensors[0]->shape;
  const std::vector<int64_t>& ints = node.node.attrs.ints;
  const size_t rank = in.size();
  check(node, ints.size() == 2 * rank, "needs a begin and a size per dimension");
  for (size_t d = 0; d < rank; ++d) {
    const int64_t begin = ints[d], size = ints[rank + d];
    check(node, begin >= 0 && size >= 0 && begin <= in[d] && size <= in[d] - begin,
          "slice of dimension " + std::to_string(d) + " is outside the input");
  }
  check(node, node.output_tensor.shape == Shape(ints.begin() + static_cast<std::ptrdiff_t>(rank), ints.end()),
        "output shape is not the slice size");
}

Values slice(const OpContext& context) {
  const std::vector<int64_t>& begins = context.node.attrs.ints;  // then the sizes
  return copy_by_index(context, 0.f, [&](const std::vector<int64_t>& index, const std::vector<int64_t>& strides) {
    int64_t offset = 0;
    for (size_t k = 0; k < index.size(); ++k) offset += (index[k] + begins[k]) * strides[k];
    return offset;
  });
}

std::vector<bool> reduced_axes(const Node& node, size_t rank) {
  std::vector<bool> reduced(rank, false);
  for (int64_t axis : node.attrs.ints) reduced[static_cast<size_t>(axis)] = true;
  return reduced;
}

// Mean, ReduceMax, ReduceMin, ReduceProd: the axes are distinct and in
// range, and the output keeps each reduced axis as a size-1 dimension.
void check_reduction(const NodeTensors& node) {
  const Shape& in = node.input_tensors[0]->shape;
  const Shape& out = node.output_tensor.shape;
  std::vector<bool> seen(in.size(), false);
  for (int64_t axis : node.node.attrs.ints) {
    check_axis(node, axis, in.size());
    check(node, !seen[static_cast<size_t>(axis)], "axis " + std::to_string(axis) + " repeats");
    seen[static_cast<size_t>(axis)] = true;
  }
  check(node, out.size() == in.size(), "a reduction keeps reduced axes as size-1 dims");
  for (size_t k = 0; k < in.size(); ++k)
    check(node, out[k] == (seen[k] ? 1 : in[k]), "output shape does not match the reduced axes");
}

// Folds every input value into its output element in double precision:
// combine(accumulator, x) from `initial`.
template <typename Combine>
std::vector<double> reduce(const OpContext& context, double initial, Combine combine) {
  const Shape& in = context.input_tensors[0]->shape;
  const std::vector<bool> reduced = reduced_axes(context.node, in.size());
  const std::vector<int64_t> out_strides = row_major_strides(context.output_tensor.shape);
  const Values& x = *context.inputs[0];
  std::vector<double> accumulators(static_cast<size_t>(element_count(context.output_tensor.shape)), initial);
  for_each_index(in, [&](int64_t flat, const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t k = 0; k < in.size(); ++k)
      if (!reduced[k]) offset += index[k] * out_strides[k];
    double& accumulator = accumulators[static_cast<size_t>(offset)];
    accumulator = combine(accumulator, static_cast<double>(x[static_cast<size_t>(flat)]));
  });
  return accumulators;
}

Values to_floats(const std::vector<double>& values) { return Values(values.begin(), values.end()); }

Values mean(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const std::vector<bool> reduced = reduced_axes(context.node, in.size());
  int64_t reduced_count = 1;
  for (size_t k = 0; k < in.size(); ++k)
    if (reduced[k]) reduced_count *= in[k];
  std::vector<double> sums = reduce(context, 0.0, [](double sum, double x) { return sum + x; });
  for (double& sum : sums) sum = reduced_count > 0 ? sum / static_cast<double>(reduced_count) : 0.0;
  return to_floats(sums);
}

// An empty reduction gives the operator's identity (-inf, +inf, 1), as numpy's
// with an `initial` and ONNX's reference do.
Values reduce_max(const OpContext& context) {
  return to_floats(reduce(context, -INFINITY, [](double m, double x) { return std::max(m, x); }));
}
Values reduce_min(const OpContext& context) {
  return to_floats(reduce(context, INFINITY, [](double m, double x) { return std::min(m, x); }));
}
Values reduce_prod(const OpContext& context) {
  return to_floats(reduce(context, 1.0, [](double p, double x) { return p * x; }));
}

}  // namespace

const OpCard kConcatCard{OpType::kConcat, "Concat", 1, kUnbounded, AttrTable::kConcat, LayoutRule::kConcatAxis,
                         false, check_concat, concat};
const OpCard kReshapeCard{OpType::kReshape, "Reshape", 1, 1, AttrTable::kNone, LayoutRule::kNchwMemoryOrder,
                          false, check_reshape, reshape};
const OpCard kTransposeCard{OpType::kTranspose, "Transpose", 1, 1, AttrTable::kTranspose, LayoutRule::kPermutation,
                            false, check_transpose, transpose};
const OpCard kSoftmaxCard{OpType::kSoftmax, "Softmax", 1, 1, AttrTable::kSoftmax, LayoutRule::kAxisAttribute,
                          false, check_softmax, softmax};
const OpCard kPadCard{OpType::kPad, "Pad", 1, 1, AttrTable::kPad, LayoutRule::kPerDimensionInts,
                      false, check_pad, pad};
const OpCard kSliceCard{OpType::kSlice, "Slice", 1, 1, AttrTable::kSlice, LayoutRule::kPerDimensionInts,
                        false, check_slice, slice};
const OpCard kMeanCard{OpType::kMean, "Mean", 1, 1, AttrTable::kMean, LayoutRule::kAxesList,
                       false, check_reduction, mean};
const OpCard kReduceMaxCard{OpType::kReduceMax, "ReduceMax", 1, 1, AttrTable::kMean, LayoutRule::kAxesList,
                            false, check_reduction, reduce_max};
const OpCard kReduceMinCard{OpType::kReduceMin, "ReduceMin", 1, 1, AttrTable::kMean, LayoutRule::kAxesList,
                            false, check_reduction, reduce_min};
const OpCard kReduceProdCard{OpType::kReduceProd, "ReduceProd", 1, 1, AttrTable::kMean, LayoutRule::kAxesList,
                             false, check_reduction, reduce_prod};

}  // namespace ops
}  // namespace garden
