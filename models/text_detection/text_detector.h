// The text-detection runner: an image in, boxes around text out.
//
//   garden::Model model = garden::load_model_file("ppocr_det.onnx", {.input_height = 640, .input_width = 640});
//   garden::text::TextDetector detector(model, {});        // PP-OCR DB by default
//   for (const auto& box : detector.detect(image)) ...     // box.points in image pixels
//
// The model's input size is fixed when it is loaded; every image is resized
// (aspect kept) into that tensor and the boxes are mapped back to the image.
#pragma once

#include <optional>
#include <vector>

#include "db_postprocess.h"
#include "garden/image.h"
#include "garden/session.h"
#include "pse_postprocess.h"
#include "runner/image_runner.h"
#include "text_box.h"

namespace garden {
namespace text {

enum class DetectorKind {
  kDb,   // PP-OCR: one probability map
  kPse,  // PSENet: kernel logits, map 0 the full text region
};

// normalization (RunnerOptions) unset: the model's own mean/std, else
// ImageNet's; BGR for DB (PaddleOCR), RGB for PSE.
struct TextDetectorOptions : runner::RunnerOptions {
  DetectorKind kind = DetectorKind::kDb;
  DbOptions db;
  PseOptions pse;
  // Unset: never enlarge for DB (PaddleOCR's "max" side limit), fit for PSE.
  std::optional<Fit> fit;
};

struct InputSize {
  int width;
  int height;
};

// PaddleOCR's det_limit_side_len/"max" rule: shrink so the longer side is at
// most `limit_side_len`, then round each side to a multiple of 32 (>= 32).
InputSize paddle_det_input_size(int image_width, int image_height, int limit_side_len = 960);
// tfjs-models text-detection's rule for PSENet with `resize_length`.
InputSize pse_input_size(int image_width, int image_height, int resize_length = 256);

class TextDetector {
 public:
  // Takes the model when it is given by move: its weights are freed once
  // packed (see Session(Model&&)). A model whose metadata names another task
  // is refused with Error(kUnsupportedModel).
  TextDetector(runner::ModelRef model, const TextDetectorOptions& options = {});

  // New post-processing thresholds for the next detect() calls; the session
  // (and its packed weights) stays as it is. Invalid options are
  // Error(kInvalidArgument) and leave the detector unchanged.
  void set_db_options(const DbOptions& options);
  void set_pse_options(const PseOptions& options);

  std::vector<TextBox> detect(const ImageView& image);

  int input_width() const { return runner_.input().width; }
  int input_height() const { return runner_.input().height; }
  // The model's output of the last detect(): probability map (DB) or kernel
  // logits (PSE), in the layout TensorView::layout names.
  TensorView last_output() { return runner_.output(); }

 private:
  void read_output();
  std::vector<TextBox> postprocess_db(const Letterbox& box, const ImageView& image);
  std::vector<TextBox> postprocess_pse(const Letterbox& box, const ImageView& image);

  runner::ImageRunner runner_;
  TextDetectorOptions options_;
  Fit fit_;
  runner::MapShape map_;
  DbPostprocessor db_;
  PsePostprocessor pse_;
};

}  // namespace text
}  // namespace garden
