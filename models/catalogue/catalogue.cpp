// The catalogue's helpers (see catalogue.h); the tables are generated into
// catalogue_tables.cpp.
#include "catalogue/catalogue.h"

#include <utility>

#include "garden/error.h"

namespace garden {
namespace catalogue {

std::vector<labels::ColoredLabel> with_colors(const std::vector<std::string>& names,
                                              const std::vector<std::array<uint8_t, 3>>& colors) {
  std::vector<labels::ColoredLabel> labels;
  for (size_t i = 0; i < names.size(); ++i)
    labels.push_back({names[i], i < colors.size() ? colors[i] : std::array<uint8_t, 3>{0, 0, 0}});
  return labels;
}

std::vector<std::string> label_names(const std::string& name) {
  std::vector<std::string> names;
  for (labels::ColoredLabel& label : label_set(name)) names.push_back(std::move(label.name));
  return names;
}

const KnownModel& default_model(Task task) {
  for (const KnownModel& model : known_models())
    if (model.task == task && model.is_default) return model;
  // generate_catalogue.mjs gives every task with known models a default.
  fail(ErrorCode::kInvalidArgument, "catalogue: no known model for this task");
}

}  // namespace catalogue
}  // namespace garden
