// garden: run a model garden runner on an image file and print JSON.
//
//   garden classify IMAGE [--model NAME|PATH] [--preset NAME] [--topk N]
//   garden segment  IMAGE [--model NAME|PATH] [--preset NAME]
//   garden detect   IMAGE [--model NAME|PATH] [--preset db|pse]
//   garden ocr      IMAGE [--model NAME|PATH] [--dictionary FILE] [--recognizer-width W]
//                         [--direction] [--save-inputs DIR]
//   common: [--threads N] [--input-size HxW] [--out overlay.png]
//   garden eval GT.txt DET.txt
//
// Output (stdout, one JSON value, the shapes tfjs-models returns):
//   classify  [{"className": ..., "probability": ...}, ...]       highest first
//   segment   {"width": W, "height": H, "legend": {"name": [r, g, b], ...}}
//             (the map is mapped back to the image's own size)
//   detect    [[{"x": ..., "y": ...}, ...], ...]                   image pixels
//   ocr       [{"text": ..., "score": ..., "box": [{"x": ..., "y": ...} x4]}, ...]
//             in reading order
//   eval      {"precision": P, "recall": R, "hmean": F, "matched": M,
//              "groundTruths": G, "detections": D}   (G, D: the cared ones)
// eval scores one image's detections against its ground truth with the
// ICDAR 2015 metric; both files hold one quadrilateral a line,
// "x1,y1,...,x4,y4[,transcription]", "###" marking a don't-care region.
// --out writes the image as PNG with the result drawn on it: the class
// colors blended at 50 % (segment), the boxes' outlines (detect, ocr), or the
// image itself (classify).
//
// ocr finds the lines with the default text detector, then reads each with
// the recognizer (--model, default ppocrv4-rec) and its dictionary
// (--dictionary, default: dict.txt beside the model). The recognizer's input
// is 48 px high; each line is read at the narrowest of its width buckets
// (320, 640, ... up to --recognizer-width, default the catalogue's width)
// that holds it, wider lines scaled down into the widest. The detector runs
// at the catalogue's input size (640 x 640, as the package's text reader),
// or --input-size. --direction checks each line with PP-OCR's direction
// classifier (the catalogue's) and turns the ones it finds upside down
// before reading them. --save-inputs DIR writes each line's recognizer
// input (see save_line_inputs).
//
// Models: a PATH (anything containing '/' or ending in .onnx, .garden,
// .tflite or .json) is loaded as is, with --preset saying how to run it
// (default efficientnet-b0, pascal, db). A NAME is one of the models
// weights/manifest.json marks "cli", run from the file the fixtures provide
// in $GARDEN_FIXTURE_DIR or the build's fixture directory. Defaults: classify
// efficientnet-b0 (seeded random weights), segment deeplabv3-mobilenetv2
// (seeded random weights), detect ppocrv4-det (PP-OCRv4's real DB detector).
//
// Input size: --input-size HxW sets the size of models with free input
// dimensions. Without it, detect uses PaddleOCR's rule for the image (longer
// side at most 960, sides multiples of 32); classification and segmentation
// models use their own fixed size.
// DB boxes are scored over the text region itself (PaddleOCR's
// det_db_score_mode=slow), which keeps curved lines of scanned pages.
//
// Errors: exit 1 and one line on stderr, "garden: <CODE>: <message>".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "classification/classifier.h"
#include "garden/error.h"
#include "garden/session.h"
#include "icdar_eval.h"
#include "image_io.h"
#include "segmentation/segmenter.h"
#include "text_detection/text_detector.h"
#include "text_recognition/text_recognizer.h"

#ifndef GARDEN_FIXTURE_DIR
#define GARDEN_FIXTURE_DIR "build/fixtures"
#endif

namespace {

using garden::ErrorCode;
using garden::fail;
using garden::require;
using garden::tools::RgbaImage;

const char kUsage[] =
    "usage: garden classify|segment|detect|ocr IMAGE [--model NAME|PATH] [--preset NAME] "
    "[--topk N] [--threads N] [--input-size HxW] [--dictionary FILE] [--recognizer-width W] [--direction] "
    "[--save-inputs DIR] "
    "[--out overlay.png] | "
    "garden eval GT.txt DET.txt";

enum class Task { kClassify, kSegment, kDetect, kOcr };

// The model catalogue's name for a command's task (its known models are
// catalogue::known_models()).
garden::catalogue::Task catalogue_task(Task task) {
  switch (task) {
    case Task::kClassify: return garden::catalogue::Task::kClassification;
    case Task::kSegment: return garden::catalogue::Task::kSegmentation;
    case Task::kDetect: return garden::catalogue::Task::kTextDetection;
    case Task::kOcr: return garden::catalogue::Task::kTextRecognition;
  }
  return garden::catalogue::Task::kClassification;
}

struct Arguments {
  Task task = Task::kClassify;
  std::string image;
  std::string model;   // empty: the task's default
  std::string preset;  // empty: the known model's, or the task's default
  int top_k = 3;
  int threads = 1;
  garden::LoadOptions load;
  std::string dictionary;  // ocr; empty: dict.txt beside the model
  int recognizer_width = 0;  // ocr: the widest width bucket; 0: the catalogue's
  std::string save_inputs;   // ocr: where each line's recognizer input is written
  bool direction = false;    // ocr: turn lines the direction classifier finds upside down
  std::string out;
};

// ---- arguments -------------------------------------------------------------

int parse_int(const std::string& text, const char* option, int low, int high) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  require(!text.empty() && *end == '\0' && value >= low && value <= high, ErrorCode::kInvalidArgument,
          std::string(option) + " expects an integer in [" + std::to_string(low) + ", " +
              std::to_string(high) + "], got '" + text + "'");
  return static_cast<int>(value);
}

void parse_input_size(const std::string& text, garden::LoadOptions& load) {
  const size_t x = text.find('x');
  require(x != std::string::npos, ErrorCode::kInvalidArgument,
          "--input-size expects HxW, got '" + text + "'");
  load.input_height = parse_int(text.substr(0, x), "--input-size", 1, garden::kMaxImageSide);
  load.input_width = parse_int(text.substr(x + 1), "--input-size", 1, garden::kMaxImageSide);
}

Task parse_task(const std::string& command) {
  if (command == "classify") return Task::kClassify;
  if (command == "segment") return Task::kSegment;
  if (command == "detect") return Task::kDetect;
  if (command == "ocr") return Task::kOcr;
  fail(ErrorCode::kInvalidArgument, "unknown command '" + command + "'; " + kUsage);
}

Arguments parse_arguments(int argc, char** argv) {
  Arguments args;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      require(i + 1 < argc, ErrorCode::kInvalidArgument, arg + " needs a value; " + kUsage);
      return argv[++i];
    };
    if (arg == "--model") args.model = value();
    else if (arg == "--preset") args.preset = value();
    else if (arg == "--topk") args.top_k = parse_int(value(), "--topk", 1, 100000);
    else if (arg == "--threads") args.threads = parse_int(value(), "--threads", 1, 64);
    else if (arg == "--input-size") parse_input_size(value(), args.load);
    else if (arg == "--out") args.out = value();
    else if (arg == "--dictionary") args.dictionary = value();
    else if (arg == "--save-inputs") args.save_inputs = value();
    else if (arg == "--direction") args.direction = true;
    else if (arg == "--recognizer-width")
      args.recognizer_width = parse_int(value(), "--recognizer-width", garden::text::kMinRecognizerWidth,
                                        garden::text::kMaxCropSide);
    else if (arg.size() > 1 && arg[0] == '-') fail(ErrorCode::kInvalidArgument, "unknown option '" + arg + "'; " + kUsage);
    else positional.push_back(arg);
  }
  require(positional.size() == 2, ErrorCode::kInvalidArgument, kUsage);
  args.task = parse_task(positional[0]);
  args.image = positional[1];
  return args;
}

// ---- models ----------------------------------------------------------------

bool ends_with(const std::string& text, const char* suffix) {
  const std::string s(suffix);
  return text.size() >= s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0;
}

bool looks_like_path(const std::string& model) {
  return model.find('/') != std::string::npos || ends_with(model, ".onnx") ||
         ends_with(model, ".garden") || ends_with(model, ".tflite") || ends_with(model, ".json");
}

std::string fixture_dir() {
  const char* from_environment = std::getenv("GARDEN_FIXTURE_DIR");
  return from_environment && *from_environment ? from_environment : GARDEN_FIXTURE_DIR;
}

struct ResolvedModel {
  std::string path;
  std::string preset;
  int input_height = 0;  // the catalogue's input size, 0 for a path (or none)
  int input_width = 0;
};

// A NAME is looked up in the catalogue; a PATH runs with `preset`, else with
// the preset of the task's default model.
ResolvedModel resolve_model(garden::catalogue::Task task, const std::string& requested, const std::string& preset) {
  const garden::catalogue::KnownModel& fallback = garden::catalogue::default_model(task);
  const std::string name = requested.empty() ? fallback.name : requested;
  if (looks_like_path(name)) return {name, preset.empty() ? fallback.preset : preset, 0, 0};
  std::string known;
  for (const garden::catalogue::KnownModel& model : garden::catalogue::known_models()) {
    if (model.task != task) continue;
    if (name == model.name)
      return {fixture_dir() + "/" + model.fixture, preset.empty() ? model.preset : preset, model.input_height,
              model.input_width};
    known += (known.empty() ? "" : ", ") + std::string(model.name);
  }
  fail(ErrorCode::kInvalidArgument, "unknown model '" + name + "' (known: " + known +
                                        "; or give a path to a model file)");
}

// ---- JSON ------------------------------------------------------------------

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double value, const char* format) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// ---- overlays --------------------------------------------------------------

void blend_pixel(uint8_t* pixel, const std::array<uint8_t, 3>& color, float alpha) {
  for (int c = 0; c < 3; ++c)
    pixel[c] = static_cast<uint8_t>(std::lround(pixel[c] * (1.f - alpha) + color[c] * alpha));
}

// Class colors at 50 % over the image; black (background) leaves it as is.
// A soft mask (selfie) weighs the blend by its probability.
void draw_segmentation(RgbaImage& image, const garden::segmentation::SegmentationResult& result,
                       const std::vector<std::array<uint8_t, 3>>& colors) {
  for (size_t i = 0; i < result.class_map.size(); ++i) {
    const std::array<uint8_t, 3>& color = colors[result.class_map[i]];
    const bool soft = !result.confidence.empty();
    if (!soft && color == std::array<uint8_t, 3>{0, 0, 0}) continue;
    const float alpha = soft ? 0.5f * std::clamp(result.confidence[i], 0.f, 1.f) : 0.5f;
    blend_pixel(&image.rgba[i * 4], soft ? colors[1] : color, alpha);
  }
}

void draw_dot(RgbaImage& image, int cx, int cy, int radius, const std::array<uint8_t, 3>& color) {
  for (int y = std::max(cy - radius, 0); y <= std::min(cy + radius, image.height - 1); ++y)
    for (int x = std::max(cx - radius, 0); x <= std::min(cx + radius, image.width - 1); ++x)
      blend_pixel(&image.rgba[(static_cast<size_t>(y) * image.width + x) * 4], color, 1.f);
}

void draw_line(RgbaImage& image, garden::text::Point a, garden::text::Point b,
               const std::array<uint8_t, 3>& color) {
  const float length = std::max(std::abs(b.x - a.x), std::abs(b.y - a.y));
  const int steps = std::max(1, static_cast<int>(std::ceil(length)));
  for (int i = 0; i <= steps; ++i) {
    const float t = static_cast<float>(i) / steps;
    draw_dot(image, static_cast<int>(std::lround(a.x + (b.x - a.x) * t)),
             static_cast<int>(std::lround(a.y + (b.y - a.y) * t)), 1, color);
  }
}

void draw_boxes(RgbaImage& image, const std::vector<garden::text::TextBox>& boxes) {
  const std::array<uint8_t, 3> red = {255, 0, 0};
  for (const garden::text::TextBox& box : boxes)
    for (size_t i = 0; i < box.points.size(); ++i)
      draw_line(image, box.points[i], box.points[(i + 1) % box.points.size()], red);
}

// ---- tasks -----------------------------------------------------------------

garden::Model load(const std::string& path, const garden::LoadOptions& options) {
  return garden::load_model_file(path, options);
}

void classify(const Arguments& args, const RgbaImage& image) {
  const ResolvedModel resolved = resolve_model(catalogue_task(args.task), args.model, args.preset);
  garden::classification::ClassifierOptions options = garden::classification::preset(resolved.preset);
  options.session.threads = args.threads;
  garden::classification::Classifier classifier(load(resolved.path, args.load), options);
  const auto predictions = classifier.classify(image.view(), args.top_k);
  std::string json = "[";
  for (size_t i = 0; i < predictions.size(); ++i)
    json += std::string(i ? ", " : "") + "{\"className\": " + json_string(predictions[i].class_name) +
            ", \"probability\": " + json_number(predictions[i].probability, "%.6g") + "}";
  std::printf("%s]\n", json.c_str());
  if (!args.out.empty()) garden::tools::write_png(args.out, image);
}

void segment(const Arguments& args, RgbaImage& image) {
  const ResolvedModel resolved = resolve_model(catalogue_task(args.task), args.model, args.preset);
  garden::segmentation::SegmenterOptions options = garden::segmentation::preset(resolved.preset);
  options.session.threads = args.threads;
  options.output_at_image_size = true;
  garden::segmentation::Segmenter segmenter(load(resolved.path, args.load), options);
  const auto& result = segmenter.segment(image.view());
  std::string json = "{\"width\": " + std::to_string(result.width) +
                     ", \"height\": " + std::to_string(result.height) + ", \"legend\": {";
  for (size_t i = 0; i < result.legend.size(); ++i) {
    const auto& entry = result.legend[i];
    json += std::string(i ? ", " : "") + json_string(entry.name) + ": [" + std::to_string(entry.color[0]) +
            ", " + std::to_string(entry.color[1]) + ", " + std::to_string(entry.color[2]) + "]";
  }
  std::printf("%s}}\n", json.c_str());
  if (args.out.empty()) return;
  draw_segmentation(image, result, segmenter.colormap());
  garden::tools::write_png(args.out, image);
}

garden::text::TextDetectorOptions detector_options(const std::string& preset, int threads) {
  garden::text::TextDetectorOptions options;
  require(preset == "db" || preset == "pse", ErrorCode::kInvalidArgument,
          "detect: unknown preset '" + preset + "' (known: db, pse)");
  options.kind = preset == "db" ? garden::text::DetectorKind::kDb : garden::text::DetectorKind::kPse;
  options.db.score_mode = garden::text::ScoreMode::kSlow;
  options.session.threads = threads;
  return options;
}

// The text lines `detector` finds; --input-size, if given, sizes its input.
std::vector<garden::text::TextBox> find_lines(const ResolvedModel& detector_model, const Arguments& args,
                                              const RgbaImage& image) {
  const garden::text::TextDetectorOptions options = detector_options(detector_model.preset, args.threads);
  garden::LoadOptions load_options = args.load;
  if (load_options.input_width == 0 || load_options.input_height == 0) {
    const garden::text::InputSize size =
        options.kind == garden::text::DetectorKind::kDb
            ? garden::text::paddle_det_input_size(image.width, image.height)
            : garden::text::pse_input_size(image.width, image.height, options.pse.resize_length);
    load_options.input_width = size.width;
    load_options.input_height = size.height;
  }
  garden::text::TextDetector detector(load(detector_model.path, load_options), options);
  return detector.detect(image.view());
}

std::string json_point(garden::text::Point p) {
  return "{\"x\": " + json_number(p.x, "%.1f") + ", \"y\": " + json_number(p.y, "%.1f") + "}";
}

void detect(const Arguments& args, RgbaImage& image) {
  const auto boxes = find_lines(resolve_model(catalogue_task(args.task), args.model, args.preset), args, image);
  std::string json = "[";
  for (size_t i = 0; i < boxes.size(); ++i) {
    json += i ? ", [" : "[";
    for (size_t j = 0; j < boxes[i].points.size(); ++j) json += (j ? ", " : "") + json_point(boxes[i].points[j]);
    json += "]";
  }
  std::printf("%s]\n", json.c_str());
  if (args.out.empty()) return;
  draw_boxes(image, boxes);
  garden::tools::write_png(args.out, image);
}

std::string dictionary_path(const Arguments& args, const std::string& model_path) {
  if (!args.dictionary.empty()) return args.dictionary;
  const size_t slash = model_path.find_last_of('/');
  return (slash == std::string::npos ? std::string() : model_path.substr(0, slash + 1)) + "dict.txt";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  require(in.good(), ErrorCode::kIo, "cannot read '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes what the recognizer was fed for each line read, as DIR/line-N.f32:
// the [1, 3, 48, width] tensor as raw little-endian float32 (width = size /
// 576 bytes), so another runtime can read the very same crops.
void save_line_inputs(garden::text::TextRecognizer& recognizer, const RgbaImage& image,
                      const std::vector<garden::text::TextLine>& lines, const std::string& dir) {
  for (size_t i = 0; i < lines.size(); ++i) {
    recognizer.recognize(image.view(), lines[i].line);  // as read() did: the same input again
    const garden::TensorView input = recognizer.last_input();
    std::vector<float> nchw(input.data, input.data + garden::element_count(input.shape));
    if (input.layout == garden::Layout::kNHWC) {  // the runner's own ports: back to the model's NCHW
      const size_t height = static_cast<size_t>(input.shape[1]), width = static_cast<size_t>(input.shape[2]);
      const size_t channels = static_cast<size_t>(input.shape[3]);
      for (size_t c = 0; c < channels; ++c)
        for (size_t p = 0; p < height * width; ++p) nchw[c * height * width + p] = input.data[p * channels + c];
    }
    char name[32];
    std::snprintf(name, sizeof name, "/line-%zu.f32", i);
    std::ofstream out(dir + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(nchw.data()), static_cast<std::streamsize>(nchw.size() * sizeof(float)));
    require(out.good(), ErrorCode::kIo, "cannot write '" + dir + name + "'");
  }
}

// Lines found by the default text detector, read by the recognizer.
void ocr(const Arguments& args, RgbaImage& image) {
  const ResolvedModel detector_model = resolve_model(garden::catalogue::Task::kTextDetection, "", "");
  const ResolvedModel recognizer_model = resolve_model(catalogue_task(args.task), args.model, args.preset);
  require(recognizer_model.preset == "ctc", ErrorCode::kInvalidArgument,
          "ocr: unknown preset '" + recognizer_model.preset + "' (known: ctc)");
  // The detector at the catalogue's input size, as the package's text reader
  // runs it (the page fitted without upscaling), unless --input-size says.
  Arguments detector_args = args;
  if (args.load.input_width == 0 || args.load.input_height == 0) {
    detector_args.load.input_height = detector_model.input_height;
    detector_args.load.input_width = detector_model.input_width;
  }
  // Width buckets up to --recognizer-width, else the catalogue's width (else
  // the default recognizer's). The recognizer loads before the detector runs,
  // so that a bad recognizer, dictionary or width is an error on any image.
  int max_width = args.recognizer_width;
  if (max_width == 0) max_width = recognizer_model.input_width;
  if (max_width == 0) max_width = garden::catalogue::default_model(catalogue_task(args.task)).input_width;
  garden::text::TextRecognizerOptions options;
  options.session.threads = args.threads;
  const auto at_width = [&](int width) {
    garden::LoadOptions input;
    input.input_height = garden::text::kRecognizerHeight;
    input.input_width = width;
    return load(recognizer_model.path, input);
  };
  garden::text::TextRecognizer recognizer(
      at_width, garden::text::recognizer_widths(max_width),
      garden::text::Dictionary::from_lines(read_file(dictionary_path(args, recognizer_model.path))), options);
  if (args.direction) {
    const ResolvedModel direction_model = resolve_model(garden::catalogue::Task::kTextDirection, "", "");
    garden::LoadOptions input;
    input.input_height = garden::text::kDirectionHeight;
    input.input_width = garden::text::kDirectionWidth;
    recognizer.set_direction_classifier(load(direction_model.path, input));
  }
  const std::vector<garden::text::TextBox> boxes = find_lines(detector_model, detector_args, image);
  const std::vector<garden::text::TextLine> lines = recognizer.read(image.view(), boxes);
  if (!args.save_inputs.empty()) save_line_inputs(recognizer, image, lines, args.save_inputs);
  std::string json = "[";
  for (size_t i = 0; i < lines.size(); ++i) {
    json += std::string(i ? ", " : "") + "{\"text\": " + json_string(lines[i].text) +
            ", \"score\": " + json_number(lines[i].score, "%.4f") + ", \"box\": [";
    for (size_t k = 0; k < 4; ++k) json += (k ? ", " : "") + json_point(lines[i].box[k]);
    json += "]}";
  }
  std::printf("%s]\n", json.c_str());
  if (args.out.empty()) return;
  draw_boxes(image, boxes);
  garden::tools::write_png(args.out, image);
}

// ---- eval ------------------------------------------------------------------

std::vector<garden::eval::GroundTruth> read_icdar_file(const std::string& path) {
  std::ifstream in(path);
  require(in.good(), ErrorCode::kIo, "cannot read '" + path + "'");
  std::vector<garden::eval::GroundTruth> quads;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    try {
      quads.push_back(garden::eval::parse_icdar_line(line));
    } catch (const garden::Error& error) {
      fail(error.code(), path + ":" + std::to_string(line_number) + ": " + error.what());
    }
  }
  return quads;
}

int evaluate(int argc, char** argv) {
  require(argc == 4, ErrorCode::kInvalidArgument, "usage: garden eval GT.txt DET.txt");
  const auto truths = read_icdar_file(argv[2]);
  std::vector<garden::eval::Polygon> detections;
  for (const auto& quad : read_icdar_file(argv[3])) detections.push_back(quad.polygon);
  const garden::eval::ImageEvaluation result = garden::eval::evaluate_image(truths, detections);
  std::printf("{\"precision\": %.6f, \"recall\": %.6f, \"hmean\": %.6f, \"matched\": %d, "
              "\"groundTruths\": %d, \"detections\": %d}\n",
              result.scores.precision, result.scores.recall, result.scores.hmean, result.counts.matched,
              result.counts.cared_ground_truths, result.counts.cared_detections);
  return 0;
}

int run(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "eval") return evaluate(argc, argv);
  const Arguments args = parse_arguments(argc, argv);
  RgbaImage image = garden::tools::read_image(args.image);
  switch (args.task) {
    case Task::kClassify: classify(args, image); break;
    case Task::kSegment: segment(args, image); break;
    case Task::kDetect: detect(args, image); break;
    case Task::kOcr: ocr(args, image); break;
  }
  return 0;
}

// Errors are one line, so scripts can show or match them.
void print_error(const char* code, std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "garden: %s: %s\n", code, message.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const garden::Error& error) {
    print_error(garden::error_code_name(error.code()), error.what());
  } catch (const std::exception& error) {
    // Only allocation failures should get here.
    print_error("INTERNAL", error.what());
  }
  return 1;
}
