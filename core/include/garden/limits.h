// Bounds the runtime applies by default to what a model may declare.
#pragma once

#include <cstdint>

namespace garden {

// Default bound on the activation memory a model may declare: the f32 values
// of every tensor that is not a weight (inputs, outputs, intermediates),
// summed as if none shared memory. Sessions (SessionOptions::max_activation_bytes)
// and the reference evaluator refuse a model over it with
// Error(kLimitExceeded) before allocating. The sum is well above what runs
// need (PP-OCRv4 at 960x960 declares 831 MiB, of which 70 MiB are live at
// once). 2 GiB, natively and in wasm (whose sizes are 32-bit).
constexpr uint64_t kDefaultMaxActivationBytes = uint64_t{1} << 31;

// The largest kernel, stride, dilation or padding of a convolution or pooling
// window, in pixels, that a model may declare (every format alike): far above
// any real model, and small enough that window arithmetic stays exact.
constexpr int32_t kMaxWindow = 1 << 16;

}  // namespace garden
