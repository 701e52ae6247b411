// Parsing of the embedded label lists (see labels.h).
#include "labels/labels.h"

#include <cstdlib>
#include <sstream>

#include "garden/error.h"

namespace garden {
namespace labels {

// Defined in the sources generated from the .txt files.
extern const char k_imagenet_text[];
extern const char k_pascal_text[];
extern const char k_cityscapes_text[];
extern const char k_ade20k_text[];

namespace {

// Lines that carry a class: not empty, not a comment.
std::vector<std::string> class_lines(const char* text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

uint8_t parse_channel(const std::string& text, const std::string& line) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  require(!text.empty() && *end == '\0' && value >= 0 && value <= 255, ErrorCode::kInvalidArgument,
          "labels: bad color in line '" + line + "'");
  return static_cast<uint8_t>(value);
}

ColoredLabel parse_colored_line(const std::string& line) {
  const size_t tab = line.find('\t');
  require(tab != std::string::npos && tab + 1 < line.size(), ErrorCode::kInvalidArgument,
          "labels: expected 'r g b<TAB>name', got '" + line + "'");
  std::istringstream rgb(line.substr(0, tab));
  std::string r, g, b, extra;
  rgb >> r >> g >> b;
  require(!(rgb >> extra), ErrorCode::kInvalidArgument, "labels: bad color in line '" + line + "'");
  return {line.substr(tab + 1), {parse_channel(r, line), parse_channel(g, line), parse_channel(b, line)}};
}

}  // namespace

std::vector<std::string> parse_names(const char* text) { return class_lines(text); }

std::vector<ColoredLabel> parse_colored(const char* text) {
  std::vector<ColoredLabel> labels;
  for (const std::string& line : class_lines(text)) labels.push_back(parse_colored_line(line));
  return labels;
}

const std::vector<std::string>& imagenet() {
  static const std::vector<std::string> names = parse_names(k_imagenet_text);
  return names;
}

const std::vector<ColoredLabel>& pascal() {
  static const std::vector<ColoredLabel> labels = parse_colored(k_pascal_text);
  return labels;
}

const std::vector<ColoredLabel>& cityscapes() {
  static const std::vector<ColoredLabel> labels = parse_colored(k_cityscapes_text);
  return labels;
}

const std::vector<ColoredLabel>& ade20k() {
  static const std::vector<ColoredLabel> labels = parse_colored(k_ade20k_text);
  return labels;
}

}  // namespace labels
}  // namespace garden
