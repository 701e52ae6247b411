// The small plain JS values results are made of.
//
//   js_object({{"className", val(name)}, {"probability", val(p)}})     // {className, probability}
//   js_array(predictions, [](const Prediction& p) { return js_object(...); })
//   js_points(box.points)                                              // [{x, y}, ...]
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

// [{x, y} for each point]: a polygon as the tfjs-models APIs give it.
template <typename Points>
val js_points(const Points& points) {
  return js_array(points, [](const auto& point) { return js_object({{"x", val(point.x)}, {"y", val(point.y)}}); });
}

}  // namespace garden_js
