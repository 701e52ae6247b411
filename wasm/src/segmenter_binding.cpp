// Embind for the segmentation runner (models/segmentation).
//
//   const seg = new Module.Segmenter(bytes, { base: 'pascal', threads: 2 });
//   pixels.view(w, h).set(rgba);
//   const { legend, rgba, classIds, confidence, width, height } = seg.segment(pixels, atImageSize, withConfidence);
//   seg.labels();   // class names by index
//
// `rgba`, `classIds` and `confidence` (undefined unless asked for, or the
// model is a soft person mask) are views on the runner's own result buffers
// (no copy): the JS layer copies them out before the next call into the module.
#include <emscripten/bind.h>

#include <cstdint>

#include "js_error.h"
#include "js_runner.h"
#include "js_values.h"
#include "pixels.h"
#include "segmentation/segmenter.h"

namespace garden_js {
namespace {

namespace seg = garden::segmentation;

// {name: [r, g, b]} of the classes present.
val legend_object(const seg::SegmentationResult& result) {
  val legend = val::object();
  for (const seg::LegendEntry& entry : result.legend)
    legend.set(entry.name, js_array(entry.color, [](uint8_t channel) { return val(channel); }));
  return legend;
}

class JsSegmenter : public JsHandle<seg::Segmenter> {
 public:
  JsSegmenter(const val& bytes, const val& options) : JsHandle("segmenter") {
    call_guarded([&] {
      seg::SegmenterOptions segmenter_options = seg::preset(string_option(options, "base", "pascal"));
      segmenter_options.session.threads = threads_option(options);
      const int size = input_size_option(options);
      load(bytes, size, size, segmenter_options, options);
    });
  }

  val segment(const PixelBuffer& pixels, bool at_image_size, bool confidence) {
    return call_guarded([&] {
      const seg::SegmentationResult& result = get().segment(pixels.image(), {at_image_size, confidence});
      const val confidence_view = result.confidence.empty()
          ? val::undefined()
          : val(emscripten::typed_memory_view(result.confidence.size(), result.confidence.data()));
      return js_object({{"legend", legend_object(result)},
                        {"rgba", val(emscripten::typed_memory_view(result.rgba.size(), result.rgba.data()))},
                        {"classIds", val(emscripten::typed_memory_view(result.class_map.size(), result.class_map.data()))},
                        {"confidence", confidence_view},
                        {"width", val(result.width)},
                        {"height", val(result.height)}});
    });
  }

  val labels() {
    return call_guarded([&] { return js_array(get().labels(), [](const std::string& name) { return val(name); }); });
  }
};

}  // namespace

EMSCRIPTEN_BINDINGS(garden_segmenter) {
  bind_class<JsSegmenter>("Segmenter", "segment", &JsSegmenter::segment).function("labels", &JsSegmenter::labels);
}

}  // namespace garden_js
