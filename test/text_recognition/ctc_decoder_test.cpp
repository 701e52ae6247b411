// CTC greedy decoding and dictionaries, by hand.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "garden/error.h"
#include "support/errors.h"
#include "text_recognition/ctc_decoder.h"

using garden::ErrorCode;
using garden::text::ctc_greedy_decode;
using garden::text::Dictionary;
using garden_test::error_code_of;

namespace {

// One step per entry: `best` gets probability `p`, the rest share 1 - p.
std::vector<float> steps(const std::vector<size_t>& best, size_t classes, float p = 0.9f) {
  std::vector<float> probabilities;
  for (size_t b : best)
    for (size_t c = 0; c < classes; ++c)
      probabilities.push_back(c == b ? p : (1.f - p) / float(classes - 1));
  return probabilities;
}

}  // namespace

TEST_CASE("CTC merges repeats, drops blanks and keeps a letter repeated across a blank", "[text_recognition]") {
  // Classes: 0 blank, 1 "a", 2 "é" (two UTF-8 bytes), 3 the space.
  const Dictionary dictionary = Dictionary::from_lines("a\n\xc3\xa9\n");
  REQUIRE(dictionary.class_count() == 4);
  const std::vector<float> p = steps({0, 1, 1, 0, 1, 2, 2, 3, 2, 0}, 4);
  const auto decoded = ctc_greedy_decode(p.data(), 10, 4, dictionary);
  CHECK(decoded.text == "aa\xc3\xa9 \xc3\xa9");
  CHECK(decoded.score == Approx(0.9f));
}

TEST_CASE("CTC scores are the mean probability of the characters kept", "[text_recognition]") {
  const Dictionary dictionary = Dictionary::from_lines("x\r\ny\r\n", false);  // CRLF, no space class
  REQUIRE(dictionary.class_count() == 3);
  std::vector<float> p = steps({1}, 3, 0.6f);
  const std::vector<float> second = steps({2}, 3, 0.8f);
  p.insert(p.end(), second.begin(), second.end());
  const auto decoded = ctc_greedy_decode(p.data(), 2, 3, dictionary);
  CHECK(decoded.text == "xy");
  CHECK(decoded.score == Approx(0.7f));
  const std::vector<float> blanks = steps({0, 0, 0}, 3);
  const auto nothing = ctc_greedy_decode(blanks.data(), 3, 3, dictionary);
  CHECK(nothing.text.empty());
  CHECK(nothing.score == 0.f);
}

TEST_CASE("dictionaries and class counts that do not fit are typed errors", "[text_recognition]") {
  CHECK(error_code_of([] { Dictionary::from_lines(""); }) == ErrorCode::kInvalidArgument);
  CHECK(error_code_of([] { Dictionary::from_lines("a\n\nb\n"); }) == ErrorCode::kInvalidArgument);
  std::string huge;
  for (size_t i = 0; i <= Dictionary::kMaxCharacters; ++i) huge += "z\n";
  CHECK(error_code_of([&] { Dictionary::from_lines(huge); }) == ErrorCode::kInvalidArgument);
  const Dictionary dictionary = Dictionary::from_lines("a\nb\n");
  const std::vector<float> p = steps({1}, 5);
  CHECK(error_code_of([&] { ctc_greedy_decode(p.data(), 1, 5, dictionary); }) == ErrorCode::kUnsupportedModel);
}
