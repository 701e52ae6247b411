// Class names (and colors) of the datasets the runners know, as tfjs-models
// spells them. The data is compiled in (see CMakeLists.txt); each list is
// parsed once, on first use.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace garden {
namespace labels {

struct ColoredLabel {
  std::string name;
  std::array<uint8_t, 3> color;
};

// ImageNet-1k: 1000 names, index = class id of a 1000-way classifier.
const std::vector<std::string>& imagenet();
// DeepLab datasets: 21 (pascal, with background), 19 (cityscapes), 151 (ade20k, with background).
const std::vector<ColoredLabel>& pascal();
const std::vector<ColoredLabel>& cityscapes();
const std::vector<ColoredLabel>& ade20k();

// Parsers of the text formats (exposed for tests): '#' lines are comments;
// one class per line, "name" or "r g b<TAB>name".
std::vector<std::string> parse_names(const char* text);
std::vector<ColoredLabel> parse_colored(const char* text);

}  // namespace labels
}  // namespace garden
