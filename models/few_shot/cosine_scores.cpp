// The few-shot search (see cosine_scores.h). Written with vector types so
// that clang emits SIMD128 for wasm and SSE natively; two accumulators of
// four lanes each keep two multiply-adds in flight.
#include "few_shot/cosine_scores.h"

namespace {

typedef float Lanes __attribute__((vector_size(16)));

// Unaligned loads: the caller's layout only promises float alignment.
inline Lanes load(const float* from) {
  Lanes lanes;
  __builtin_memcpy(&lanes, from, sizeof lanes);
  return lanes;
}

float dot(const float* row, const float* query, size_t dimension) {
  Lanes even = {0.f, 0.f, 0.f, 0.f};
  Lanes odd = {0.f, 0.f, 0.f, 0.f};
  size_t d = 0;
  for (; d + 8 <= dimension; d += 8) {
    even += load(row + d) * load(query + d);
    odd += load(row + d + 4) * load(query + d + 4);
  }
  const Lanes sum = even + odd;
  float total = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  for (; d < dimension; ++d) total += row[d] * query[d];
  return total;
}

}  // namespace

extern "C" void garden_cosine_scores(const float* examples, const float* inverse_norms, size_t count,
                                     size_t dimension, const float* query, float query_inverse_norm,
                                     float* scores) {
  for (size_t i = 0; i < count; ++i)
    scores[i] = dot(examples + i * dimension, query, dimension) * inverse_norms[i] * query_inverse_norm;
}
