// The few-shot search (models/few_shot) against a double-precision
// reference, at dimensions with and without a tail past its 8-float steps.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "few_shot/cosine_scores.h"

TEST_CASE("cosine scores equal the cosine similarities in double precision", "[classification][few_shot]") {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  for (size_t dimension : {1u, 3u, 8u, 13u, 1792u}) {
    const size_t count = 37;
    std::vector<float> examples(count * dimension), query(dimension), inverse_norms(count), scores(count, NAN);
    for (float& v : examples) v = uniform(rng);
    for (float& v : query) v = uniform(rng);
    const auto norm = [&](const float* v) {
      double sum = 0;
      for (size_t d = 0; d < dimension; ++d) sum += double(v[d]) * v[d];
      return std::sqrt(sum);
    };
    for (size_t i = 0; i < count; ++i) inverse_norms[i] = static_cast<float>(1.0 / norm(&examples[i * dimension]));
    const double query_norm = norm(query.data());
    garden_cosine_scores(examples.data(), inverse_norms.data(), count, dimension, query.data(),
                         static_cast<float>(1.0 / query_norm), scores.data());
    for (size_t i = 0; i < count; ++i) {
      double dot = 0;
      for (size_t d = 0; d < dimension; ++d) dot += double(examples[i * dimension + d]) * query[d];
      INFO("dimension " << dimension << " row " << i);
      // f32 sums of up to 1792 products: a few ulps of the largest partial sums.
      CHECK(scores[i] == Approx(dot / (norm(&examples[i * dimension]) * query_norm)).margin(1e-5));
    }
  }
}
