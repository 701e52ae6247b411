// The README's "Supported ops" section is what the op cards and the importers'
// tables say (supported_ops_markdown). When an op is added, the test writes
// the new section to supported_ops.md in its build folder, to paste between
// the README's markers.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "import/importers.h"
#include "support/fixtures.h"

TEST_CASE("the README lists the ops each format supports, as the runtime has them", "[import][docs]") {
  const std::string generated = garden::supported_ops_markdown();
  std::ofstream("supported_ops.md") << generated;
  INFO("the current list is in supported_ops.md of the test's build folder: paste it between the README's "
       "ops markers");
  const std::string readme = garden_test::read_text(GARDEN_README);
  const std::string begin = "<!-- ops:begin -->\n", end = "<!-- ops:end -->";
  const size_t from = readme.find(begin), to = readme.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string listed = readme.substr(from + begin.size(), to - from - begin.size());
  CHECK(listed == generated);
  // Spot checks that the lists are the importers' own.
  CHECK(generated.find("`LogSoftmax`") != std::string::npos);
  CHECK(generated.find("`REDUCE_MAX`") != std::string::npos);
  CHECK(generated.find("`_FusedConv2D`") != std::string::npos);
  CHECK(generated.find("`ReduceProd`") != std::string::npos);
}
