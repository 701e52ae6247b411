#include "import/common/unsupported_list.h"

namespace garden {
namespace importer {
namespace {

// `message` with the name in every "node '<name>'" and "operator <n>" blanked.
std::string without_node_names(std::string message) {
  for (const std::string marker : {"node '", "operator "}) {
    for (size_t at = message.find(marker); at != std::string::npos; at = message.find(marker, at + 1)) {
      const size_t begin = at + marker.size();
      const size_t end = marker.back() == '\'' ? message.find('\'', begin) : message.find_first_not_of("0123456789", begin);
      message.erase(begin, (end == std::string::npos ? message.size() : end) - begin);
    }
  }
  return message;
}

}  // namespace

void UnsupportedList::record(const Error& error) {
  const std::string key = without_node_names(error.what());
  for (Problem& p : problems_) {
    if (p.key == key) {
      ++p.repeats;
      return;
    }
  }
  problems_.push_back({error.code(), error.what(), key, 0});
}

void UnsupportedList::throw_if_any() const {
  if (problems_.empty()) return;
  std::string message;
  for (const Problem& p : problems_) {
    if (!message.empty()) message += "\n  also: ";
    message += p.message;
    if (p.repeats > 0)
      message += " (and " + std::to_string(p.repeats) + " more node" + (p.repeats > 1 ? "s" : "") + " like it)";
  }
  throw Error(problems_.front().code, message);
}

}  // namespace importer
}  // namespace garden
