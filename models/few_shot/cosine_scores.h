// The search behind the package's few-shot classifier (wasm/src/few_shot.mjs):
// the cosine similarity of one query to every stored example. Built into a
// tiny standalone WebAssembly module of its own (SIMD128; no imports, a
// memory the caller lays out), embedded in the package as base64, and
// natively for its test.
#pragma once

#include <cstddef>

extern "C" {

// scores[i] = (examples[i] . query) * inverse_norms[i] * query_inverse_norm,
// for `count` rows of `dimension` floats (examples is row-major).
void garden_cosine_scores(const float* examples, const float* inverse_norms, size_t count, size_t dimension,
                          const float* query, float query_inverse_norm, float* scores);
}
