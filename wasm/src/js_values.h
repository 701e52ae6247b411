// The small plain JS values results are made of.
//
//   js_object({{"className", val(name)}, {"probability", val(p)}})     // {className, probability}
//   js_array(predictions, [](const Prediction& p) { return js_object(...); })
#pragma once

#include <emscripten/val.h>

#include <initializer_list>
#include <utility>

namespace garden_js {

using emscripten::val;

inline val js_object(std::initializer_list<std::pair<const char*, val>> fields) {
  val object = val::object();
  for (const auto& field : fields) object.set(field.first, field.second);
  return object;
}

// [to_js(item) for each item].
template <typename Items, typename ToJs>
val js_array(const Items& items, ToJs to_js) {
  val array = val::array();
  for (const auto& item : items) array.call<void>("push", to_js(item));
  return array;
}

}  // namespace garden_js
