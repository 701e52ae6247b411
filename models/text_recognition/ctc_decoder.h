// CTC greedy decoding of a recognizer's per-step class probabilities into
// text, with PaddleOCR's character list: class 0 is CTC's blank, classes
// 1..n the dictionary's lines in order, and class n + 1 the space when the
// model reads spaces (PP-OCR's use_space_char).
#pragma once

#include <string>
#include <vector>

namespace garden {
namespace text {

class Dictionary {
 public:
  // One character (a UTF-8 string) per line; "\r\n" line ends are accepted.
  // An empty dictionary, an empty line, or more than kMaxCharacters lines is
  // Error(kInvalidArgument).
  static Dictionary from_lines(const std::string& text, bool with_space = true);

  static constexpr size_t kMaxCharacters = 1 << 20;

  // Classes the recognizer must output: blank + characters (+ space).
  size_t class_count() const { return characters_.size() + 1; }
  // The text of class `index` >= 1.
  const std::string& character(size_t index) const { return characters_[index - 1]; }

 private:
  std::vector<std::string> characters_;
};

struct DecodedText {
  std::string text;
  // Mean probability of the characters kept (PaddleOCR's score); 0 when
  // nothing was read.
  float score = 0.f;
};

// `probabilities` holds `steps` rows of `classes` values (a softmax per step).
// Per step the most likely class; repeats merged, blanks dropped.
// classes != dictionary.class_count() is Error(kUnsupportedModel).
DecodedText ctc_greedy_decode(const float* probabilities, size_t steps, size_t classes,
                              const Dictionary& dictionary);

}  // namespace text
}  // namespace garden
