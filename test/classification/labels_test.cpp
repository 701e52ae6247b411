// The compiled-in label lists: sizes, known entries, and the parsers on bad text.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "garden/error.h"
#include "labels/labels.h"
#include "segmentation/segmenter.h"

namespace labels = garden::labels;

TEST_CASE("label lists have the datasets' sizes and known entries", "[labels]") {
  const auto& imagenet = labels::imagenet();
  REQUIRE(imagenet.size() == 1000);
  CHECK(imagenet[0] == "tench, Tinca tinca");
  CHECK(imagenet[281] == "tabby, tabby cat");
  CHECK(imagenet[999] == "toilet tissue, toilet paper, bathroom tissue");

  REQUIRE(labels::pascal().size() == 21);
  CHECK(labels::pascal()[0].name == "background");
  CHECK(labels::pascal()[15].name == "person");
  REQUIRE(labels::cityscapes().size() == 19);
  CHECK(labels::cityscapes()[0].name == "road");
  CHECK(labels::cityscapes()[0].color == std::array<uint8_t, 3>{128, 64, 128});
  CHECK(labels::cityscapes()[11].name == "person");
  CHECK(labels::cityscapes()[11].color == std::array<uint8_t, 3>{220, 20, 60});
  REQUIRE(labels::ade20k().size() == 151);
  CHECK(labels::ade20k()[0].name == "background");
  CHECK(labels::ade20k()[1].color == std::array<uint8_t, 3>{120, 120, 120});
  CHECK(labels::ade20k()[150].name == "flag");
}

TEST_CASE("tfjs-models' pascal colors are the bit-shift colormap", "[labels]") {
  const auto computed = garden::segmentation::pascal_colormap(21);
  for (size_t i = 0; i < 21; ++i) CHECK(labels::pascal()[i].color == computed[i]);
}

TEST_CASE("label parsers skip comments and reject malformed lines", "[labels]") {
  CHECK(labels::parse_names("# c\nfirst\n\nsecond, two\r\n") ==
        std::vector<std::string>{"first", "second, two"});
  const auto colored = labels::parse_colored("# c\n1 2 3\tdining table\n");
  REQUIRE(colored.size() == 1);
  CHECK(colored[0].name == "dining table");
  CHECK(colored[0].color == std::array<uint8_t, 3>{1, 2, 3});
  CHECK_THROWS_AS(labels::parse_colored("1 2 3 name\n"), garden::Error);   // no tab
  CHECK_THROWS_AS(labels::parse_colored("1 2 256\tname\n"), garden::Error);
  CHECK_THROWS_AS(labels::parse_colored("1 2\tname\n"), garden::Error);
  CHECK_THROWS_AS(labels::parse_colored("1 2 3 4\tname\n"), garden::Error);
}
