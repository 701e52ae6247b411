// Embind for the segmentation runner (models/segmentation).
//
//   const seg = new Module.Segmenter(bytes, { base: 'pascal', threads: 2 });
//   pixels.view(w, h).set(rgba);
//   const { legend, rgba, width, height } = seg.segment(pixels);
//
// `rgba` is a view on the runner's own result buffer (no copy): the JS layer
// copies it out before the next call into the module.
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <utility>

#include "js_error.h"
#include "model_bytes.h"
#include "pixels.h"
#include "segmentation/segmenter.h"

namespace garden_js {
namespace {

namespace seg = garden::segmentation;

val legend_object(const seg::SegmentationResult& result) {
  val legend = val::object();
  for (const seg::LegendEntry& entry : result.legend) {
    val color = val::array();
    for (uint8_t channel : entry.color) color.call<void>("push", val(channel));
    legend.set(entry.name, color);
  }
  return legend;
}

class JsSegmenter {
 public:
  JsSegmenter(const val& bytes, const val& options) {
    call_guarded([&] {
      seg::SegmenterOptions segmenter_options = seg::preset(string_option(options, "base", "pascal"));
      segmenter_options.session.threads = int_option(options, "threads", 1, 1, 64);
      const int size = int_option(options, "inputSize", 0, 0, garden::kMaxImageSide);
      // The copied file bytes are freed at the end of this statement, before
      // the graph moves into the runner, which frees its weights once packed.
      garden::Model model = load_model(copy_bytes(bytes), size, size);
      segmenter_ = std::make_unique<seg::Segmenter>(std::move(model), segmenter_options);
    });
  }

  val segment(const PixelBuffer& pixels) {
    return call_guarded([&] {
      garden::require(segmenter_ != nullptr, garden::ErrorCode::kInvalidArgument, "segmenter was disposed");
      const seg::SegmentationResult& result = segmenter_->segment(pixels.image());
      val out = val::object();
      out.set("legend", legend_object(result));
      out.set("rgba", val(emscripten::typed_memory_view(result.rgba.size(), result.rgba.data())));
      out.set("width", val(result.width));
      out.set("height", val(result.height));
      return out;
    });
  }

  void dispose() { segmenter_.reset(); }

 private:
  std::unique_ptr<seg::Segmenter> segmenter_;
};

}  // namespace
}  // namespace garden_js

EMSCRIPTEN_BINDINGS(garden_segmenter) {
  emscripten::class_<garden_js::JsSegmenter>("Segmenter")
      .constructor<const emscripten::val&, const emscripten::val&>()
      .function("segment", &garden_js::JsSegmenter::segment)
      .function("dispose", &garden_js::JsSegmenter::dispose);
}
