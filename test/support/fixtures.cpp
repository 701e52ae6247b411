#include "fixtures.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace garden_test {

std::string fixture_path(const std::string& relative) { return std::string(GARDEN_FIXTURE_DIR) + "/" + relative; }

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) FAIL("missing fixture file " << path << " (run scripts/make-fixtures)");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

RawImage read_raw_rgba(const std::string& path) {
  const std::vector<uint8_t> bytes = read_bytes(path);
  REQUIRE(bytes.size() >= 8);
  uint32_t size[2];
  std::memcpy(size, bytes.data(), sizeof size);
  RawImage image;
  image.width = static_cast<int>(size[0]);
  image.height = static_cast<int>(size[1]);
  REQUIRE(bytes.size() == 8 + size_t(image.width) * image.height * 4);
  image.rgba.assign(bytes.begin() + 8, bytes.end());
  return image;
}

std::string read_text(const std::string& path) {
  const std::vector<uint8_t> bytes = read_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<float> read_f32(const std::string& path) {
  const std::vector<uint8_t> bytes = read_bytes(path);
  INFO(path);
  REQUIRE(bytes.size() % sizeof(float) == 0);
  std::vector<float> values(bytes.size() / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

std::vector<garden::Shape> meta_shapes(const std::string& meta, const std::string& section) {
  std::vector<garden::Shape> shapes;
  size_t pos = meta.find("\"" + section + "\"");
  // The section's closing bracket: meta.json is written with an indent of 1.
  const size_t end = meta.find("\n ]", pos);
  while ((pos = meta.find("\"shape\"", pos)) != std::string::npos && pos < end) {
    const size_t open = meta.find('[', pos);
    const size_t close = meta.find(']', open);
    std::string numbers = meta.substr(open + 1, close - open - 1);
    std::replace(numbers.begin(), numbers.end(), ',', ' ');
    std::istringstream stream(numbers);
    garden::Shape shape;
    for (int64_t d; stream >> d;) shape.push_back(d);
    shapes.push_back(shape);
    pos = close;
  }
  return shapes;
}

garden::Shape first_input_shape(const std::string& meta) {
  const std::vector<garden::Shape> shapes = meta_shapes(meta, "inputs");
  return shapes.empty() ? garden::Shape{} : shapes[0];
}

}  // namespace garden_test
