// Embind for the text-detection runner (models/text_detection).
//
//   const det = new Module.TextDetector(bytes, { kind: 'ppocr', inputSize: 640, threads: 2 });
//   pixels.view(w, h).set(rgba);
//   det.detect(pixels, { minTextBoxArea: 10 });   // [[{x, y}, ...], ...]
//
// The graph moves into the runner at load (its weights are freed once
// packed); a detect() with options other than the last ones only swaps the
// post-processing thresholds.
#include <emscripten/bind.h>

#include <cmath>
#include <string>
#include <vector>

#include "js_error.h"
#include "js_runner.h"
#include "js_values.h"
#include "pixels.h"
#include "text_detection/text_detector.h"

namespace garden_js {
namespace {

using garden::text::DetectorKind;
using garden::text::ProcessPoints;
using garden::text::TextBox;
using garden::text::TextDetector;
using garden::text::TextDetectorOptions;

DetectorKind kind_from_name(const std::string& name) {
  if (name == "ppocr") return DetectorKind::kDb;
  if (name == "psenet") return DetectorKind::kPse;
  throw garden::Error(garden::ErrorCode::kInvalidArgument,
                      "kind must be 'ppocr' or 'psenet', got '" + name + "'");
}

ProcessPoints process_points_from_name(const std::string& name) {
  if (name == "minAreaRect") return ProcessPoints::kMinAreaRect;
  if (name == "convexHull") return ProcessPoints::kConvexHull;
  if (name == "polygon") return ProcessPoints::kPolygon;
  throw garden::Error(garden::ErrorCode::kInvalidArgument,
                      "processPoints must be 'minAreaRect', 'convexHull' or 'polygon', got '" + name + "'");
}

// The post-processing knobs of one detect() call, with tfjs-models' names.
struct DetectSettings {
  double min_text_box_area = 10;  // ppocr: image pixels²; psenet: map pixels (tfjs-models)
  double min_text_confidence = -1;
  double min_pixel_salience = -1;
  std::string process_points = "minAreaRect";

  bool operator==(const DetectSettings& o) const {
    return min_text_box_area == o.min_text_box_area && min_text_confidence == o.min_text_confidence &&
           min_pixel_salience == o.min_pixel_salience && process_points == o.process_points;
  }
};

DetectSettings read_settings(const val& options, DetectorKind kind) {
  static const char* known[] = {"minTextBoxArea", "minTextConfidence", "minPixelSalience",
                                "processPoints"};
  if (has_options(options)) {
    const val keys = val::global("Object").call<val>("keys", options);
    for (int i = 0, n = keys["length"].as<int>(); i < n; ++i) {
      const std::string key = keys[i].as<std::string>();
      bool found = false;
      for (const char* name : known) found = found || key == name;
      garden::require(found, garden::ErrorCode::kInvalidArgument, "unknown detect option '" + key + "'");
    }
  }
  const bool db = kind == DetectorKind::kDb;
  DetectSettings settings;
  settings.min_text_box_area = number_option(options, "minTextBoxArea", 10, 0, 1e9);
  // DB thresholds are probabilities; PSENet's salience is a logit (tfjs-models).
  settings.min_text_confidence = number_option(options, "minTextConfidence", db ? 0.6 : 0.94, 0, 1);
  settings.min_pixel_salience =
      db ? number_option(options, "minPixelSalience", 0.3, 0, 1)
         : number_option(options, "minPixelSalience", 1, -100, 100);
  settings.process_points = string_option(options, "processPoints", "minAreaRect");
  process_points_from_name(settings.process_points);
  return settings;
}

class JsTextDetector : public JsHandle<TextDetector> {
 public:
  JsTextDetector(const val& bytes, const val& options) : JsHandle("detector") {
    call_guarded([&] {
      kind_ = kind_from_name(string_option(options, "kind", "ppocr"));
      const int input_size = input_size_option(options);
      garden::require(input_size % 32 == 0, garden::ErrorCode::kInvalidArgument,
                      "inputSize must be a multiple of 32");
      settings_ = read_settings(val::undefined(), kind_);
      TextDetectorOptions detector_options = postprocess_options(settings_);
      detector_options.session.threads = threads_option(options);
      load(bytes, input_size, input_size, detector_options, options);
    });
  }

  val detect(const PixelBuffer& pixels, const val& options) {
    return call_guarded([&] {
      TextDetector& detector = get();
      const DetectSettings settings = read_settings(options, kind_);
      if (!(settings == settings_)) apply(settings);
      const std::vector<TextBox> boxes = detector.detect(pixels.image());
      return to_js(boxes);
    });
  }

  int input_width() const { return loaded() ? get().input_width() : 0; }
  int input_height() const { return loaded() ? get().input_height() : 0; }

 private:
  // The runner's options for `settings` (the session's are left default).
  TextDetectorOptions postprocess_options(const DetectSettings& settings) const {
    TextDetectorOptions options;
    options.kind = kind_;
    if (kind_ == DetectorKind::kDb) {
      options.db.thresh = static_cast<float>(settings.min_pixel_salience);
      options.db.box_thresh = static_cast<float>(settings.min_text_confidence);
      // The region score (PaddleOCR's "slow" mode) measures a curved line
      // itself, where the box score also averages the background it bends past.
      options.db.score_mode = garden::text::ScoreMode::kSlow;
    } else {
      options.pse.min_text_box_area = static_cast<float>(settings.min_text_box_area);
      options.pse.min_text_confidence = static_cast<float>(settings.min_text_confidence);
      options.pse.min_pixel_salience = static_cast<float>(settings.min_pixel_salience);
      options.pse.process_points = process_points_from_name(settings.process_points);
    }
    return options;
  }

  void apply(const DetectSettings& settings) {
    const TextDetectorOptions options = postprocess_options(settings);
    if (kind_ == DetectorKind::kDb)
      get().set_db_options(options.db);
    else
      get().set_pse_options(options.pse);
    settings_ = settings;
  }

  val to_js(const std::vector<TextBox>& boxes) const {
    val list = val::array();
    for (const TextBox& box : boxes) {
      // PSENet filters by area in map pixels itself; DB boxes by image area here.
      if (kind_ == DetectorKind::kDb && std::abs(garden::text::polygon_area(box.points)) < settings_.min_text_box_area) continue;
      val polygon = js_points(box.points);
      // The score rides on the polygon array itself, so code that reads a
      // box as a plain Point[] keeps working.
      polygon.set("score", val(box.score));
      list.call<void>("push", polygon);
    }
    return list;
  }

  DetectorKind kind_ = DetectorKind::kDb;
  DetectSettings settings_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(garden_text_detector) {
  bind_class<JsTextDetector>("TextDetector", "detect", &JsTextDetector::detect)
      .function("inputWidth", &JsTextDetector::input_width)
      .function("inputHeight", &JsTextDetector::input_height);
}

}  // namespace garden_js
