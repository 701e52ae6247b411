// Embind for reading text: the text detector's lines read by the recognizer
// (models/text_recognition), in one call.
//
//   const reader = new Module.TextReader(
//       { detector: detBytes, recognizer: recBytes, dictionary: keysText, direction: clsBytes /* optional */ },
//       { inputSize: 640, recognizerWidth: 1280, minScore: 0.5, threads: 2 });
//   reader.read(pixels);   // [{ text, score, box: [{x, y} x4] }] in reading order
//
// Both graphs move into their runners at load (their weights are freed once
// packed). The recognizer's input is 48 px high; it is opened at the width
// buckets 320, 640, ... up to recognizerWidth (one SessionGroup: the packed
// weights once), each line read at the narrowest that holds it, wider lines
// scaled down into the widest. With `direction`, PP-OCR's direction
// classifier turns lines it finds upside down before they are read.
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <utility>

#include "js_error.h"
#include "js_runner.h"
#include "js_values.h"
#include "pixels.h"
#include "text_detection/text_detector.h"
#include "text_recognition/text_recognizer.h"

namespace garden_js {
namespace {

namespace text = garden::text;

struct TextReader {
  TextReader(garden::Model&& detector_model, const text::TextDetectorOptions& detector_options,
             const text::RecognizerAtWidth& recognizer_at_width, const std::vector<int>& widths,
             text::Dictionary dictionary, const text::TextRecognizerOptions& recognizer_options)
      : detector(std::move(detector_model), detector_options),
        recognizer(recognizer_at_width, widths, std::move(dictionary), recognizer_options) {}

  text::TextDetector detector;
  text::TextRecognizer recognizer;
};

class JsTextReader : public JsHandle<TextReader> {
 public:
  JsTextReader(const val& models, const val& options) : JsHandle("text reader") {
    call_guarded([&] {
      garden::require(has_options(models) && models["dictionary"].isString(), garden::ErrorCode::kInvalidArgument,
                      "the text reader needs { detector, recognizer, dictionary } with the dictionary as text");
      const int input_size = input_size_option(options);
      garden::require(input_size % 32 == 0, garden::ErrorCode::kInvalidArgument, "inputSize must be a multiple of 32");
      const std::vector<int> widths = text::recognizer_widths(
          int_option(options, "recognizerWidth", 1280, text::kMinRecognizerWidth, text::kMaxCropSide));
      const int threads = threads_option(options);
      text::TextDetectorOptions detector_options;
      detector_options.db.score_mode = text::ScoreMode::kSlow;  // as the text detector's binding
      detector_options.session.threads = threads;
      text::TextRecognizerOptions recognizer_options;
      recognizer_options.min_score = static_cast<float>(number_option(options, "minScore", 0.5, 0, 1));
      recognizer_options.session.threads = threads;
      text::Dictionary dictionary = text::Dictionary::from_lines(models["dictionary"].as<std::string>());
      // Each model's bytes are copied, imported (the recognizer once per
      // width) and freed in turn, unless their imports are cached.
      const garden::WeightStorage storage = quantize_option(options);
      garden::Model detector_model = ModelSource(models["detector"]).load(input_size, input_size, storage);
      ModelSource recognizer_source(models["recognizer"]);
      const auto at_width = [&](int width) {
        return recognizer_source.load(text::kRecognizerHeight, width, storage);
      };
      auto reader = std::make_unique<TextReader>(std::move(detector_model), detector_options, at_width, widths,
                                                 std::move(dictionary), recognizer_options);
      if (is_set(models["direction"])) {
        reader->recognizer.set_direction_classifier(
            ModelSource(models["direction"]).load(text::kDirectionHeight, text::kDirectionWidth, storage));
      }
      hold(std::move(reader));
    });
  }

  val read(const PixelBuffer& pixels) {
    return call_guarded([&] {
      TextReader& reader = get();
      const garden::ImageView image = pixels.image();
      const std::vector<text::TextLine> lines = reader.recognizer.read(image, reader.detector.detect(image));
      return js_array(lines, [](const text::TextLine& line) {
        return js_object({{"text", val(line.text)}, {"score", val(line.score)}, {"box", js_points(line.box)}});
      });
    });
  }

  int recognizer_width() const { return loaded() ? get().recognizer.input_width() : 0; }
};

}  // namespace

EMSCRIPTEN_BINDINGS(garden_text_reader) {
  bind_class<JsTextReader>("TextReader", "read", &JsTextReader::read)
      .function("recognizerWidth", &JsTextReader::recognizer_width);
}

}  // namespace garden_js
