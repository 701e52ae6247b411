// Reference data-movement and reduction ops on literal shapes: Concat,
// Reshape, Transpose, Softmax, Pad, Slice, Mean.
#include <algorithm>
#include <cmath>
#include <string>

#include "graph/reference_ops.h"

namespace garden {
namespace reference {
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

size_t checked_axis(const OpContext& context, int64_t axis, size_t rank) {
  check(context, axis >= 0 && static_cast<size_t>(axis) < rank, "axis " + std::to_string(axis) + " out of range");
  return static_cast<size_t>(axis);
}

}  // namespace

Values concat(const OpContext& context) {
  const Shape& out = context.output_tensor.shape;
  const size_t axis = checked_axis(context, context.node.attrs.axis, out.size());
  int64_t outer = 1, inner = 1, axis_total = 0;
  for (size_t k = 0; k < axis; ++k) outer *= out[k];
  for (size_t k = axis + 1; k < out.size(); ++k) inner *= out[k];
  for (const Tensor* input : context.input_tensors) {
    check(context, input->shape.size() == out.size(), "inputs must have the output's rank");
    for (size_t k = 0; k < out.size(); ++k)
      check(context, k == axis || input->shape[k] == out[k], "inputs differ from the output off the concat axis");
    axis_total += input->shape[axis];
  }
  check(context, axis_total == out[axis], "input sizes along the axis do not add up to the output's");
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

Values reshape(const OpContext& context) {
  check(context, element_count(context.output_tensor.shape) == element_count(context.input_tensors[0]->shape),
        "element counts differ");
  return *context.inputs[0];
}

Values transpose(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const std::vector<int64_t>& perm = context.node.attrs.ints;
  check(context, perm.size() == in.size(), "permutation length differs from the rank");
  std::vector<bool> seen(in.size(), false);
  Shape expected(in.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    const size_t p = checked_axis(context, perm[i], in.size());
    check(context, !seen[p], "permutation repeats an axis");
    seen[p] = true;
    expected[i] = in[p];
  }
  check(context, context.output_tensor.shape == expected, "output shape is not the permuted input shape");
  const std::vector<int64_t> in_strides = row_major_strides(in);
  const Values& x = *context.inputs[0];
  Values y(x.size());
  for_each_index(expected, [&](int64_t flat, const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t i = 0; i < perm.size(); ++i) offset += index[i] * in_strides[static_cast<size_t>(perm[i])];
    y[static_cast<size_t>(flat)] = x[static_cast<size_t>(offset)];
  });
  return y;
}

Values softmax(const OpContext& context) {
  const Shape& shape = context.input_tensors[0]->shape;
  check(context, context.output_tensor.shape == shape, "output shape differs from input");
  const size_t axis = checked_axis(context, context.node.attrs.axis, shape.size());
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

Values pad(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const Shape& out = context.output_tensor.shape;
  const std::vector<int64_t>& pads = context.node.attrs.ints;
  const size_t rank = in.size();
  check(context, pads.size() == 2 * rank && out.size() == rank, "pads must be [begin_0.., end_0..]");
  for (size_t k = 0; k < rank; ++k)
    check(context, out[k] == in[k] + pads[k] + pads[rank + k], "output shape is not input + pads");
  const std::vector<int64_t> in_strides = row_major_strides(in);
  const Values& x = *context.inputs[0];
  Values y(static_cast<size_t>(element_count(out)));
  for_each_index(out, [&](int64_t flat, const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t k = 0; k < rank; ++k) {
      const int64_t source = index[k] - pads[k];
      if (source < 0 || source >= in[k]) {
        y[static_cast<size_t>(flat)] = context.node.attrs.pad_value;
        return;
      }
      offset += source * in_strides[k];
    }
    y[static_cast<size_t>(flat)] = x[static_cast<size_t>(offset)];
  });
  return y;
}

Values slice(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const Shape& out = context.output_tensor.shape;
  const std::vector<int64_t>& ints = context.node.attrs.ints;
  const size_t rank = in.size();
  check(context, ints.size() == 2 * rank && out.size() == rank, "slice needs [begin_0.., size_0..]");
  for (size_t k = 0; k < rank; ++k) {
    const int64_t begin = ints[k], size = ints[rank + k];
    check(context, begin >= 0 && size >= 0 && begin + size <= in[k], "slice runs outside the input");
    check(context, out[k] == size, "output shape is not the slice size");
  }
  const std::vector<int64_t> in_strides = row_major_strides(in);
  const Values& x = *context.inputs[0];
  Values y(static_cast<size_t>(element_count(out)));
  for_each_index(out, [&](int64_t flat, const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t k = 0; k < rank; ++k) offset += (index[k] + ints[k]) * in_strides[k];
    y[static_cast<size_t>(flat)] = x[static_cast<size_t>(offset)];
  });
  return y;
}

Values mean(const OpContext& context) {
  const Shape& in = context.input_tensors[0]->shape;
  const Shape& out = context.output_tensor.shape;
  check(context, out.size() == in.size(), "Mean keeps reduced axes as size-1 dims");
  std::vector<bool> reduced(in.size(), false);
  for (int64_t axis : context.node.attrs.ints) reduced[checked_axis(context, axis, in.size())] = true;
  int64_t reduced_count = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    check(context, out[k] == (reduced[k] ? 1 : in[k]), "output shape does not match the reduced axes");
    if (reduced[k]) reduced_count *= in[k];
  }
  const std::vector<int64_t> out_strides = row_major_strides(out);
  const Values& x = *context.inputs[0];
  std::vector<double> sums(static_cast<size_t>(element_count(out)), 0.0);
  for_each_index(in, [&](int64_t flat, const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t k = 0; k < in.size(); ++k)
      if (!reduced[k]) offset += index[k] * out_strides[k];
    sums[static_cast<size_t>(offset)] += x[static_cast<size_t>(flat)];
  });
  Values y(sums.size());
  for (size_t i = 0; i < sums.size(); ++i)
    y[i] = reduced_count > 0 ? static_cast<float>(sums[i] / static_cast<double>(reduced_count)) : 0.f;
  return y;
}

}  // namespace reference
}  // namespace garden
