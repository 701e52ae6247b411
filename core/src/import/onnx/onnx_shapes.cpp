#include "import/onnx/onnx_shapes.h"

#include <algorithm>

namespace garden {
namespace onnx {

Shape reshape_shape(const Node& node, const Shape& input, const std::vector<int64_t>& target, bool allow_zero) {
  require(target.size() <= 8, ErrorCode::kLimitExceeded, describe(node) + ": target rank above 8");
  Shape out(target.size());
  int infer_at = -1;
  int64_t known = 1;
  for (size_t k = 0; k < target.size(); ++k) {
    int64_t d = target[k];
    if (d == 0 && !allow_zero) {
      require(k < input.size(), ErrorCode::kInvalidModel,
              describe(node) + ": shape copies dimension " + std::to_string(k) + " the input lacks");
      d = input[k];
    }
    if (d == -1) {
      require(infer_at < 0, ErrorCode::kInvalidModel, describe(node) + ": more than one -1 in the shape");
      infer_at = static_cast<int>(k);
      continue;
    }
    require(d >= 0, ErrorCode::kInvalidModel, describe(node) + ": negative dimension in the shape");
    out[k] = d;
    known = d == 0 ? 0 : (known <= kMaxTensorElements / d ? known * d : kMaxTensorElements + 1);
  }
  int64_t total = checked_element_count(input, describe(node) + " input");
  if (infer_at >= 0) {
    require(known > 0 && total % known == 0, ErrorCode::kInvalidModel,
            describe(node) + ": cannot infer the -1 dimension");
    out[static_cast<size_t>(infer_at)] = total / known;
  } else {
    require(known == total, ErrorCode::kInvalidModel,
            describe(node) + ": the new shape holds " + std::to_string(known) + " elements, the input " +
                std::to_string(total));
  }
  return out;
}

Shape flatten_shape(const Node& node, const Shape& input, int64_t axis) {
  int64_t rank = static_cast<int64_t>(input.size());
  require(axis >= -rank && axis <= rank, ErrorCode::kInvalidModel, describe(node) + ": axis out of range");
  if (axis < 0) axis += rank;
  Shape outer(input.begin(), input.begin() + axis);
  Shape inner(input.begin() + axis, input.end());
  return {checked_element_count(outer, describe(node)), checked_element_count(inner, describe(node))};
}

std::vector<int64_t> squeeze_axes(const ImportContext& context, const Node& node) {
  if (context.opset() >= 13) {
    if (!context.has_input(node, 1)) return {};
    return context.constant_input(node, 1).to_ints(describe(node) + " axes");
  }
  return NodeAttributes(node).get_ints("axes");
}

namespace {

std::vector<bool> axis_mask(const Node& node, const std::vector<int64_t>& axes, size_t rank) {
  std::vector<bool> mask(rank, false);
  for (int64_t axis : axes) {
    size_t a = static_cast<size_t>(normalize_axis(axis, rank, describe(node)));
    require(!mask[a], ErrorCode::kInvalidModel, describe(node) + ": axis listed twice");
    mask[a] = true;
  }
  return mask;
}

}  // namespace

Shape squeeze_shape(const Node& node, const Shape& input, const std::vector<int64_t>& axes) {
  std::vector<bool> mask = axis_mask(node, axes, input.size());
  Shape out;
  for (size_t k = 0; k < input.size(); ++k) {
    bool squeeze = axes.empty() ? input[k] == 1 : mask[k];
    if (squeeze) {
      require(input[k] == 1, ErrorCode::kInvalidModel, describe(node) + ": squeezes a dimension that is not 1");
      continue;
    }
    out.push_back(input[k]);
  }
  return out;
}

Shape unsqueeze_shape(const Node& node, const Shape& input, const std::vector<int64_t>& axes) {
  size_t rank = input.size() + axes.size();
  require(rank <= 8, ErrorCode::kLimitExceeded, describe(node) + ": result rank above 8");
  std::vector<bool> mask = axis_mask(node, axes, rank);
  Shape out;
  size_t next = 0;
  for (size_t k = 0; k < rank; ++k) out.push_back(mask[k] ? 1 : input[next++]);
  return out;
}

namespace {

struct SliceParams {
  std::vector<int64_t> starts, ends, axes, steps;
};

SliceParams slice_params(const ImportContext& context, const Node& node) {
  SliceParams p;
  if (context.opset() < 10) {
    NodeAttributes attrs(node);
    p.starts = attrs.get_ints("starts");
    p.ends = attrs.get_ints("ends");
    p.axes = attrs.get_ints("axes");
  } else {
    const std::string what = describe(node);
    p.starts = context.constant_input(node, 1).to_ints(what + " starts");
    p.ends = context.constant_input(node, 2).to_ints(what + " ends");
    if (context.has_input(node, 3)) p.axes = context.constant_input(node, 3).to_ints(what + " axes");
    if (context.has_input(node, 4)) p.steps = context.constant_input(node, 4).to_ints(what + " steps");
  }
  require(p.starts.size() == p.ends.size(), ErrorCode::kInvalidModel,
          describe(node) + ": starts and ends differ in length");
  if (p.axes.empty())
    for (size_t k = 0; k < p.starts.size(); ++k) p.axes.push_back(static_cast<int64_t>(k));
  if (p.steps.empty()) p.steps.assign(p.starts.size(), 1);
  require(p.axes.size() == p.starts.size() && p.steps.size() == p.starts.size(), ErrorCode::kInvalidModel,
          describe(node) + ": starts, ends, axes and steps differ in length");
  return p;
}

// ONNX clamping: negative indices count from the end; then clamp to the valid range.
SliceAxis slice_axis(const Node& node, int64_t dim, int64_t start, int64_t end, int64_t step) {
  require(step != 0, ErrorCode::kInvalidModel, describe(node) + ": slice step is 0");
  auto wrap = [dim](int64_t i) { return i < 0 ? (i < -dim ? -1 : i + dim) : i; };
  start = wrap(start);
  end = wrap(end);
  SliceAxis axis;
  axis.step = step;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    axis.count = end > start ? (end - start - 1) / step + 1 : 0;
  } else {
    start = std::clamp<int64_t>(start, -1, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    // Negating INT64_MIN would overflow; any stride that large takes one element.
    int64_t stride = step == INT64_MIN ? INT64_MAX : -step;
    axis.count = start > end ? (start - end - 1) / stride + 1 : 0;
  }
  axis.start = start;
  return axis;
}

}  // namespace

std::vector<SliceAxis> slice_ranges(const ImportContext& context, const Node& node, const Shape& input) {
  SliceParams p = slice_params(context, node);
  std::vector<SliceAxis> ranges(input.size());
  for (size_t k = 0; k < input.size(); ++k) ranges[k].count = input[k];
  std::vector<bool> seen(input.size(), false);
  for (size_t k = 0; k < p.axes.size(); ++k) {
    size_t a = static_cast<size_t>(normalize_axis(p.axes[k], input.size(), describe(node)));
    require(!seen[a], ErrorCode::kInvalidModel, describe(node) + ": axis sliced twice");
    seen[a] = true;
    ranges[a] = slice_axis(node, input[a], p.starts[k], p.ends[k], p.steps[k]);
  }
  return ranges;
}

Shape concat_shape(const Node& node, const std::vector<Shape>& inputs, int64_t axis) {
  require(!inputs.empty(), ErrorCode::kInvalidModel, describe(node) + " has no inputs");
  Shape out = inputs[0];
  size_t a = static_cast<size_t>(normalize_axis(axis, out.size(), describe(node)));
  for (size_t k = 1; k < inputs.size(); ++k) {
    const Shape& s = inputs[k];
    require(s.size() == out.size(), ErrorCode::kInvalidModel, describe(node) + ": inputs differ in rank");
    for (size_t d = 0; d < s.size(); ++d)
      if (d != a)
        require(s[d] == out[d], ErrorCode::kInvalidModel,
                describe(node) + ": inputs differ in dimension " + std::to_string(d));
    require(out[a] <= kMaxTensorElements - s[a], ErrorCode::kLimitExceeded, describe(node) + ": too large");
    out[a] += s[a];
  }
  return out;
}

std::vector<int64_t> transpose_permutation(const Node& node, size_t rank) {
  std::vector<int64_t> perm = NodeAttributes(node).get_ints("perm");
  if (perm.empty())
    for (size_t k = 0; k < rank; ++k) perm.push_back(static_cast<int64_t>(rank - 1 - k));
  require(perm.size() == rank, ErrorCode::kInvalidModel, describe(node) + ": perm length differs from the rank");
  std::vector<bool> seen(rank, false);
  for (int64_t& p : perm) {
    p = normalize_axis(p, rank, describe(node));
    require(!seen[static_cast<size_t>(p)], ErrorCode::kInvalidModel, describe(node) + ": perm repeats an axis");
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

}  // namespace onnx
}  // namespace garden
