// Running a model (garden/model.h loads it): load once, run many times.
//
//   garden::Model model = garden::load_model_file("m.onnx");  // any supported format
//   garden::Session session(model, {.threads = 2});
//   std::copy(pixels..., session.input(0).data);
//   session.run();
//   const float* out = session.output(0).data;
//
// Buffers returned by input()/output() stay valid for the session's lifetime:
// nothing is allocated per run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "garden/limits.h"
#include "garden/model.h"

namespace garden {

// How a Session exposes the 4-D inputs and outputs a model declares NCHW.
enum class PortLayout {
  // As the model declares them (NCHW for ONNX): each run transposes them to
  // and from the NHWC the session computes in.
  kDeclared,
  // NHWC: the caller writes and reads NHWC and no run pays those transposes.
  // Other ports are as declared. TensorView::shape and ::layout say which.
  kNhwc,
};

namespace xnn {
class XnnRuntime;
}

// Sessions that share their memory: the same model opened at several input
// sizes (a text recognizer's width buckets). Sessions of one group keep one
// copy of every block of packed weights they have in common (matched by its
// packed bytes, so grouping unrelated models is correct, only useless) and
// one activation arena, as large as the largest of them needs. They must
// not run at the same time. The group lives as long as its last session.
class SessionGroup {
 public:
  SessionGroup();
  ~SessionGroup();
  SessionGroup(const SessionGroup&) = delete;
  SessionGroup& operator=(const SessionGroup&) = delete;

  // Bytes of packed weights held (each distinct block once).
  size_t packed_bytes() const;
  // Bytes packed again by a later session and found already held.
  size_t shared_bytes() const;

  struct Impl;

 private:
  friend class xnn::XnnRuntime;
  std::unique_ptr<Impl> impl_;
};

struct SessionOptions {
  int threads = 1;       // 1 = run on the calling thread only
  bool profile = false;  // collect per-node times (see Session::profile)
  // Bound on the activation memory a model may declare (see
  // kDefaultMaxActivationBytes in garden/limits.h): a model over it is
  // refused with Error(kLimitExceeded) before any activation memory is
  // allocated. Raise it for very large inputs.
  uint64_t max_activation_bytes = kDefaultMaxActivationBytes;
  PortLayout port_layout = PortLayout::kDeclared;
  // The group whose weights and activation memory this session shares (see
  // SessionGroup); null: it keeps its own.
  std::shared_ptr<SessionGroup> group;
  // Internal tensors, by name, exposed as outputs after the model's own
  // (output(output_count() - extra_outputs.size() + i)), written by the
  // same run(): a classifier's pooled features beside its scores. A 4-D
  // tensor reads as the session computes it, NHWC. A name that is not a
  // computed tensor of the model (unknown, a constant, an input, already an
  // output, or fused away by the model's passes) is Error(kInvalidArgument).
  std::vector<std::string> extra_outputs;

  static constexpr uint64_t kDefaultMaxActivationBytes = garden::kDefaultMaxActivationBytes;
};

struct TensorView {
  std::string name;
  Shape shape;    // as the caller reads or writes it (see SessionOptions::port_layout)
  Layout layout;  // kNCHW, kNHWC or kAny
  float* data;    // element_count(shape) floats
  // What the model declares (outputs only): an integer or bool output holds
  // exact whole numbers, to be read as that type.
  ValueType type = ValueType::kFloat32;
};

struct NodeTime {
  std::string name;
  double milliseconds;
};

class Session {
 public:
  // With PortLayout::kNhwc this holds a copy of the model's graph until its
  // weights are packed: the ports are rewritten on the copy.
  Session(const Model& model, const SessionOptions& options = {});
  // Takes the model and frees its weights as soon as they are packed, before
  // the activation memory is allocated: loading then needs about one copy of
  // the weights less at its peak (in wasm, memory once grown is never returned).
  Session(Model&& model, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  size_t input_count() const;
  size_t output_count() const;
  TensorView input(size_t index);
  TensorView output(size_t index);

  void run();
  // Per-operator times of the last run (needs options.profile).
  std::vector<NodeTime> profile() const;
  int threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace garden
