#include "format/attrs_codec.h"

#include <cstring>
#include <string>
#include <vector>

#include "garden/error.h"
#include "ops/op_card.h"

namespace garden {
namespace {

static_assert(static_cast<int>(fb::OpType::MAX) == static_cast<int>(OpType::kLast),
              "garden.fbs and garden/graph.h list the same ops");

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

fb::Int2 to_int2(const std::array<int32_t, 2>& v) { return fb::Int2(v[0], v[1]); }

std::array<int32_t, 2> from_int2(const fb::Int2* v, std::array<int32_t, 2> fallback) {
  return v ? std::array<int32_t, 2>{v->h(), v->w()} : fallback;
}

fb::Padding2D to_padding(const std::array<int32_t, 4>& p) {
  return fb::Padding2D(p[0], p[1], p[2], p[3]);
}

std::array<int32_t, 4> from_padding(const fb::Padding2D* p) {
  return p ? std::array<int32_t, 4>{p->top(), p->left(), p->bottom(), p->right()}
           : std::array<int32_t, 4>{0, 0, 0, 0};
}

// Only a real clamp is stored, so "no activation" round-trips as absent.
const fb::ActivationRange* optional_activation(const Attributes& a, fb::ActivationRange& storage) {
  if (!a.has_activation()) return nullptr;
  storage = fb::ActivationRange(a.activation_min, a.activation_max);
  return &storage;
}

void read_activation(const fb::ActivationRange* range, Attributes& a) {
  if (!range) return;
  a.activation_min = range->min();
  a.activation_max = range->max();
}

Offset<flatbuffers::Vector<int64_t>> int_range(FlatBufferBuilder& b, const std::vector<int64_t>& v,
                                               size_t begin, size_t end) {
  return b.CreateVector(v.data() + begin, end - begin);
}

std::vector<int64_t> concat(const flatbuffers::Vector<int64_t>* first,
                            const flatbuffers::Vector<int64_t>* second) {
  std::vector<int64_t> out = read_int64_vector(first);
  const std::vector<int64_t> tail = read_int64_vector(second);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

// Splits ints = [first half.., second half..]; the writer's checks guarantee
// an even length for the ops that use this.
size_t half_of(const std::vector<int64_t>& ints) { return ints.size() / 2; }

Offset<void> encode_conv(FlatBufferBuilder& b, const Attributes& a) {
  const fb::Int2 stride = to_int2(a.stride), dilation = to_int2(a.dilation),
                 output_padding = to_int2(a.output_padding);
  const fb::Padding2D pad = to_padding(a.pad);
  fb::ActivationRange storage;
  return fb::CreateConv2DAttrs(b, &stride, &dilation, &pad, a.groups, &output_padding,
                               optional_activation(a, storage))
      .Union();
}

Offset<void> encode_pool(FlatBufferBuilder& b, const Attributes& a) {
  const fb::Int2 kernel = to_int2(a.kernel), stride = to_int2(a.stride),
                 dilation = to_int2(a.dilation);
  const fb::Padding2D pad = to_padding(a.pad);
  fb::ActivationRange storage;
  return fb::CreatePoolAttrs(b, &kernel, &stride, &dilation, &pad, a.count_include_pad,
                             optional_activation(a, storage))
      .Union();
}

Attributes decode_conv(const fb::Conv2DAttrs& t) {
  Attributes a;
  a.stride = from_int2(t.stride(), a.stride);
  a.dilation = from_int2(t.dilation(), a.dilation);
  a.pad = from_padding(t.pad());
  a.groups = t.groups();
  a.output_padding = from_int2(t.output_padding(), a.output_padding);
  read_activation(t.activation(), a);
  return a;
}

Attributes decode_pool(const fb::PoolAttrs& t) {
  Attributes a;
  a.kernel = from_int2(t.kernel(), a.kernel);
  a.stride = from_int2(t.stride(), a.stride);
  a.dilation = from_int2(t.dilation(), a.dilation);
  a.pad = from_padding(t.pad());
  a.count_include_pad = t.count_include_pad();
  read_activation(t.activation(), a);
  return a;
}

[[noreturn]] void bad_attrs(const std::string& node_name, OpType op, const std::string& problem) {
  fail(ErrorCode::kInvalidModel,
       std::string(op_name(op)) + " node '" + node_name + "': " + problem);
}

Attributes decode_resize(const fb::ResizeAttrs& t, OpType op, const std::string& name) {
  if (t.mode() > fb::ResizeMode::MAX) bad_attrs(name, op, "unknown resize mode");
  if (t.coordinate_mode() > fb::CoordinateMode::MAX) bad_attrs(name, op, "unknown coordinate mode");
  Attributes a;
  a.resize_mode = static_cast<ResizeMode>(t.mode());
  a.coordinate_mode = static_cast<CoordinateMode>(t.coordinate_mode());
  return a;
}

Attributes decode_table(const fb::Node& node, OpType op, const std::string& name) {
  Attributes a;
  switch (node.attrs_type()) {
    case fb::OpAttrs::NONE:
      return a;
    case fb::OpAttrs::Conv2DAttrs:
      return decode_conv(*node.attrs_as_Conv2DAttrs());
    case fb::OpAttrs::PoolAttrs:
      return decode_pool(*node.attrs_as_PoolAttrs());
    case fb::OpAttrs::ResizeAttrs:
      return decode_resize(*node.attrs_as_ResizeAttrs(), op, name);
    case fb::OpAttrs::ActivationAttrs:
      read_activation(node.attrs_as_ActivationAttrs()->activation(), a);
      return a;
    case fb::OpAttrs::AlphaBetaAttrs:
      a.alpha = node.attrs_as_AlphaBetaAttrs()->alpha();
      a.beta = node.attrs_as_AlphaBetaAttrs()->beta();
      return a;
    case fb::OpAttrs::ConcatAttrs:
      a.axis = node.attrs_as_ConcatAttrs()->axis();
      return a;
    case fb::OpAttrs::SoftmaxAttrs:
      a.axis = node.attrs_as_SoftmaxAttrs()->axis();
      return a;
    case fb::OpAttrs::TransposeAttrs:
      a.ints = concat(node.attrs_as_TransposeAttrs()->permutation(), nullptr);
      return a;
    case fb::OpAttrs::PadAttrs: {
      const fb::PadAttrs* t = node.attrs_as_PadAttrs();
      if (!t->begin() || !t->end() || t->begin()->size() != t->end()->size())
        bad_attrs(name, op, "begin and end paddings differ in length");
      a.ints = concat(t->begin(), t->end());
      a.pad_value = t->value();
      return a;
    }
    case fb::OpAttrs::BatchNormAttrs:
      a.epsilon = node.attrs_as_BatchNormAttrs()->epsilon();
      return a;
    case fb::OpAttrs::SliceAttrs: {
      const fb::SliceAttrs* t = node.attrs_as_SliceAttrs();
      if (!t->begin() || !t->size() || t->begin()->size() != t->size()->size())
        bad_attrs(name, op, "slice begin and size differ in length");
      a.ints = concat(t->begin(), t->size());
      return a;
    }
    case fb::OpAttrs::MeanAttrs:
      a.ints = concat(node.attrs_as_MeanAttrs()->axes(), nullptr);
      return a;
    case fb::OpAttrs::DepthToSpaceAttrs:
      a.block_size = node.attrs_as_DepthToSpaceAttrs()->block_size();
      return a;
  }
  bad_attrs(name, op, "unknown attribute table");
}

}  // namespace

std::vector<int64_t> read_int64_vector(const flatbuffers::Vector<int64_t>* vector) {
  std::vector<int64_t> out;
  if (!vector || vector->size() == 0) return out;
  out.resize(vector->size());
  // .garden files are little-endian, like every target this runtime builds for.
  std::memcpy(out.data(), vector->Data(), out.size() * sizeof(int64_t));
  return out;
}

fb::OpAttrs attrs_type_for(OpType op) {
  switch (ops::op_card(op).attrs) {
    case ops::AttrTable::kNone: return fb::OpAttrs::NONE;
    case ops::AttrTable::kConv2D: return fb::OpAttrs::Conv2DAttrs;
    case ops::AttrTable::kPool: return fb::OpAttrs::PoolAttrs;
    case ops::AttrTable::kActivation: return fb::OpAttrs::ActivationAttrs;
    case ops::AttrTable::kAlphaBeta: return fb::OpAttrs::AlphaBetaAttrs;
    case ops::AttrTable::kResize: return fb::OpAttrs::ResizeAttrs;
    case ops::AttrTable::kConcat: return fb::OpAttrs::ConcatAttrs;
    case ops::AttrTable::kSoftmax: return fb::OpAttrs::SoftmaxAttrs;
    case ops::AttrTable::kTranspose: return fb::OpAttrs::TransposeAttrs;
    case ops::AttrTable::kPad: return fb::OpAttrs::PadAttrs;
    case ops::AttrTable::kBatchNorm: return fb::OpAttrs::BatchNormAttrs;
    case ops::AttrTable::kSlice: return fb::OpAttrs::SliceAttrs;
    case ops::AttrTable::kMean: return fb::OpAttrs::MeanAttrs;
    case ops::AttrTable::kDepthToSpace: return fb::OpAttrs::DepthToSpaceAttrs;
  }
  return fb::OpAttrs::NONE;
}

Offset<void> encode_attrs(FlatBufferBuilder& b, const Node& node) {
  const Attributes& a = node.attrs;
  const std::vector<int64_t>& ints = a.ints;
  fb::ActivationRange storage;
  switch (attrs_type_for(node.op)) {
    case fb::OpAttrs::NONE:
      return 0;
    case fb::OpAttrs::Conv2DAttrs:
      return encode_conv(b, a);
    case fb::OpAttrs::PoolAttrs:
      return encode_pool(b, a);
    case fb::OpAttrs::ActivationAttrs:
      return fb::CreateActivationAttrs(b, optional_activation(a, storage)).Union();
    case fb::OpAttrs::AlphaBetaAttrs:
      return fb::CreateAlphaBetaAttrs(b, a.alpha, a.beta).Union();
    case fb::OpAttrs::ResizeAttrs:
      return fb::CreateResizeAttrs(b, static_cast<fb::ResizeMode>(a.resize_mode),
                                   static_cast<fb::CoordinateMode>(a.coordinate_mode))
          .Union();
    case fb::OpAttrs::ConcatAttrs:
      return fb::CreateConcatAttrs(b, a.axis).Union();
    case fb::OpAttrs::SoftmaxAttrs:
      return fb::CreateSoftmaxAttrs(b, a.axis).Union();
    case fb::OpAttrs::TransposeAttrs:
      return fb::CreateTransposeAttrs(b, b.CreateVector(ints)).Union();
    case fb::OpAttrs::PadAttrs: {
      const auto begin = int_range(b, ints, 0, half_of(ints));
      const auto end = int_range(b, ints, half_of(ints), ints.size());
      return fb::CreatePadAttrs(b, begin, end, a.pad_value).Union();
    }
    case fb::OpAttrs::BatchNormAttrs:
      return fb::CreateBatchNormAttrs(b, a.epsilon).Union();
    case fb::OpAttrs::SliceAttrs: {
      const auto begin = int_range(b, ints, 0, half_of(ints));
      const auto size = int_range(b, ints, half_of(ints), ints.size());
      return fb::CreateSliceAttrs(b, begin, size).Union();
    }
    case fb::OpAttrs::MeanAttrs:
      return fb::CreateMeanAttrs(b, b.CreateVector(ints)).Union();
    case fb::OpAttrs::DepthToSpaceAttrs:
      return fb::CreateDepthToSpaceAttrs(b, a.block_size).Union();
  }
  return 0;
}

Attributes decode_attrs(const fb::Node& node, OpType op, const std::string& node_name) {
  const fb::OpAttrs expected = attrs_type_for(op);
  if (node.attrs_type() != expected) {
    bad_attrs(node_name, op,
              std::string("carries attribute table ") +
                  (node.attrs_type() <= fb::OpAttrs::MAX ? fb::EnumNameOpAttrs(node.attrs_type())
                                                         : "(unknown)") +
                  ", expected " + fb::EnumNameOpAttrs(expected));
  }
  // A union type without its table: the Verifier accepts an absent value.
  if (expected != fb::OpAttrs::NONE && node.attrs() == nullptr)
    bad_attrs(node_name, op, "attribute table is missing");
  return decode_table(node, op, node_name);
}

}  // namespace garden
