// XNNPACK through its subgraph API on a 2-thread pthreadpool: a 3x3 convolution
// (padding 1, bias) followed by an element-wise add, checked against a scalar
// reference computed here in double precision.
#include <catch2/catch.hpp>

#include <pthreadpool.h>
#include <xnnpack.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

constexpr size_t kHeight = 7, kWidth = 9, kInChannels = 3, kOutChannels = 5, kKernel = 3;
constexpr uint32_t kThreads = 2;
// float32 sums of 27 products of values in [-1, 1]: rounding stays well under this.
constexpr float kTolerance = 1e-4f;

// Deterministic values in [-1, 1] (no <random>: its distributions differ by library).
std::vector<float> pseudo_random(size_t count, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t state = seed;
  for (float& value : values) {
    state = state * 1664525u + 1013904223u;
    value = static_cast<float>(state >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return values;
}

struct Tensors {
  std::vector<float> input = pseudo_random(kHeight * kWidth * kInChannels, 1);                // NHWC
  std::vector<float> filter = pseudo_random(kOutChannels * kKernel * kKernel * kInChannels, 2);  // OHWI
  std::vector<float> bias = pseudo_random(kOutChannels, 3);
  std::vector<float> addend = pseudo_random(kHeight * kWidth * kOutChannels, 4);              // NHWC
};

// out[y][x][o] = bias[o] + sum_{ky,kx,i} in[y+ky-1][x+kx-1][i] * w[o][ky][kx][i] + addend[y][x][o]
std::vector<float> reference(const Tensors& t) {
  std::vector<float> out(kHeight * kWidth * kOutChannels);
  for (size_t y = 0; y < kHeight; ++y) {
    for (size_t x = 0; x < kWidth; ++x) {
      for (size_t o = 0; o < kOutChannels; ++o) {
        double sum = t.bias[o];
        for (size_t ky = 0; ky < kKernel; ++ky) {
          for (size_t kx = 0; kx < kKernel; ++kx) {
            const long iy = static_cast<long>(y + ky) - 1, ix = static_cast<long>(x + kx) - 1;
            if (iy < 0 || ix < 0 || iy >= static_cast<long>(kHeight) || ix >= static_cast<long>(kWidth)) continue;
            for (size_t i = 0; i < kInChannels; ++i) {
              sum += static_cast<double>(t.input[(iy * kWidth + ix) * kInChannels + i]) *
                     t.filter[((o * kKernel + ky) * kKernel + kx) * kInChannels + i];
            }
          }
        }
        const size_t at = (y * kWidth + x) * kOutChannels + o;
        out[at] = static_cast<float>(sum + t.addend[at]);
      }
    }
  }
  return out;
}

struct PoolDeleter { void operator()(pthreadpool_t pool) const { pthreadpool_destroy(pool); } };
struct SubgraphDeleter { void operator()(xnn_subgraph_t s) const { xnn_delete_subgraph(s); } };
struct RuntimeDeleter { void operator()(xnn_runtime_t r) const { xnn_delete_runtime(r); } };

enum ExternalId : uint32_t { kInputId = 0, kAddendId = 1, kOutputId = 2, kExternalCount = 3 };

uint32_t define_tensor(xnn_subgraph_t subgraph, std::array<size_t, 4> dims, const float* data,
                       uint32_t external_id, uint32_t flags) {
  uint32_t id = XNN_INVALID_VALUE_ID;
  REQUIRE(xnn_define_tensor_value(subgraph, xnn_datatype_fp32, dims.size(), dims.data(), data,
                                  external_id, flags, &id) == xnn_status_success);
  return id;
}

// input -> conv3x3(+bias) -> add(addend) -> output
std::unique_ptr<xnn_subgraph, SubgraphDeleter> build_subgraph(const Tensors& t) {
  xnn_subgraph_t raw = nullptr;
  REQUIRE(xnn_create_subgraph(kExternalCount, 0, &raw) == xnn_status_success);
  std::unique_ptr<xnn_subgraph, SubgraphDeleter> subgraph(raw);

  const uint32_t input = define_tensor(raw, {1, kHeight, kWidth, kInChannels}, nullptr, kInputId,
                                       XNN_VALUE_FLAG_EXTERNAL_INPUT);
  const uint32_t filter = define_tensor(raw, {kOutChannels, kKernel, kKernel, kInChannels},
                                        t.filter.data(), XNN_INVALID_VALUE_ID, 0);
  size_t bias_dims[1] = {kOutChannels};
  uint32_t bias = XNN_INVALID_VALUE_ID;
  REQUIRE(xnn_define_tensor_value(raw, xnn_datatype_fp32, 1, bias_dims, t.bias.data(),
                                  XNN_INVALID_VALUE_ID, 0, &bias) == xnn_status_success);
  const uint32_t conv = define_tensor(raw, {1, kHeight, kWidth, kOutChannels}, nullptr,
                                      XNN_INVALID_VALUE_ID, 0);
  const uint32_t addend = define_tensor(raw, {1, kHeight, kWidth, kOutChannels}, nullptr, kAddendId,
                                        XNN_VALUE_FLAG_EXTERNAL_INPUT);
  const uint32_t output = define_tensor(raw, {1, kHeight, kWidth, kOutChannels}, nullptr, kOutputId,
                                        XNN_VALUE_FLAG_EXTERNAL_OUTPUT);

  REQUIRE(xnn_define_convolution_2d(raw, 1, 1, 1, 1, kKernel, kKernel, 1, 1, 1, 1, 1, kInChannels,
                                    kOutChannels, -INFINITY, INFINITY, input, filter, bias, conv,
                                    0) == xnn_status_success);
  REQUIRE(xnn_define_binary(raw, xnn_binary_add, nullptr, conv, addend, output, 0) ==
          xnn_status_success);
  return subgraph;
}

}  // namespace

TEST_CASE("XNNPACK runs conv3x3 + add on a 2-thread pool and matches the reference") {
  REQUIRE(xnn_initialize(nullptr) == xnn_status_success);
  std::unique_ptr<pthreadpool, PoolDeleter> pool(pthreadpool_create(kThreads));
  REQUIRE(pool != nullptr);
  REQUIRE(pthreadpool_get_threads_count(pool.get()) == kThreads);

  Tensors tensors;
  auto subgraph = build_subgraph(tensors);
  xnn_runtime_t raw_runtime = nullptr;
  REQUIRE(xnn_create_runtime_v2(subgraph.get(), pool.get(), XNN_FLAG_YIELD_WORKERS, &raw_runtime) ==
          xnn_status_success);
  std::unique_ptr<xnn_runtime, RuntimeDeleter> runtime(raw_runtime);

  std::vector<float> output(kHeight * kWidth * kOutChannels, NAN);
  const std::array<xnn_external_value, kExternalCount> externals = {{
      {kInputId, tensors.input.data()},
      {kAddendId, tensors.addend.data()},
      {kOutputId, output.data()},
  }};
  REQUIRE(xnn_reshape_runtime(runtime.get()) == xnn_status_success);
  REQUIRE(xnn_setup_runtime_v2(runtime.get(), externals.size(), externals.data()) ==
          xnn_status_success);

  // Twice: the second run must see new input values written in place.
  for (int run = 0; run < 2; ++run) {
    if (run == 1) {
      const std::vector<float> next = pseudo_random(tensors.input.size(), 5);
      std::copy(next.begin(), next.end(), tensors.input.begin());
    }
    REQUIRE(xnn_invoke_runtime(runtime.get()) == xnn_status_success);

    const std::vector<float> expected = reference(tensors);
    float max_error = 0.0f;
    size_t out_of_tolerance = 0;  // NaN (an unwritten output) counts as out of tolerance
    for (size_t i = 0; i < expected.size(); ++i) {
      const float error = std::fabs(output[i] - expected[i]);
      if (!(error <= kTolerance)) ++out_of_tolerance;
      if (error > max_error) max_error = error;
    }
    INFO("run " << run << ": max |xnnpack - reference| = " << max_error << " over " << expected.size()
                << " values, tolerance " << kTolerance);
    CHECK(out_of_tolerance == 0);
  }
}
