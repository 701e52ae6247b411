#include "ctc_decoder.h"

#include <algorithm>

#include "garden/error.h"

namespace garden {
namespace text {

Dictionary Dictionary::from_lines(const std::string& text, bool with_space) {
  Dictionary dictionary;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    require(!line.empty(), ErrorCode::kInvalidArgument,
            "dictionary line " + std::to_string(dictionary.characters_.size() + 1) + " is empty");
    dictionary.characters_.push_back(std::move(line));
    require(dictionary.characters_.size() <= kMaxCharacters, ErrorCode::kInvalidArgument,
            "dictionary has more than " + std::to_string(kMaxCharacters) + " lines");
    start = end + 1;
  }
  require(!dictionary.characters_.empty(), ErrorCode::kInvalidArgument, "dictionary is empty");
  if (with_space) dictionary.characters_.push_back(" ");
  return dictionary;
}

DecodedText ctc_greedy_decode(const float* probabilities, size_t steps, size_t classes,
                              const Dictionary& dictionary) {
  require(classes == dictionary.class_count(), ErrorCode::kUnsupportedModel,
          "the recognizer outputs " + std::to_string(classes) + " classes; the dictionary has " +
              std::to_string(dictionary.class_count()) + " (blank + characters + space)");
  DecodedText decoded;
  size_t previous = 0;
  double sum = 0.0;
  size_t kept = 0;
  for (size_t t = 0; t < steps; ++t) {
    const float* row = probabilities + t * classes;
    const size_t best = static_cast<size_t>(std::max_element(row, row + classes) - row);
    if (best != 0 && best != previous) {
      decoded.text += dictionary.character(best);
      sum += row[best];
      ++kept;
    }
    previous = best;
  }
  decoded.score = kept == 0 ? 0.f : static_cast<float>(sum / static_cast<double>(kept));
  return decoded;
}

}  // namespace text
}  // namespace garden
