// The runners on real images, checked against references they do not share
// code with: hand-drawn ICDAR ground truth and line counts for PP-OCRv4 DB,
// TF.js's own outputs for the selfie segmenter and nsfwjs; and that a runner
// given its model by move computes exactly what one given a copy does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "classification/classifier.h"
#include "garden/model.h"
#include "garden/session.h"
#include "icdar_eval.h"
#include "image_io.h"
#include "segmentation/segmenter.h"
#include "support/fixtures.h"
#include "text_detection/text_detector.h"

namespace {

using garden::text::TextBox;

using garden_test::fixture_path;

void require_file(const std::string& path) {
  if (!garden_test::file_exists(path)) FAIL("missing " << path << " (run scripts/make-fixtures)");
}

garden::tools::RgbaImage read_image(const std::string& path) {
  require_file(path);
  return garden::tools::read_image(path);
}

// PP-OCRv4's detector loaded at PaddleOCR's input size for the image.
garden::Model load_ppocr_for(const garden::tools::RgbaImage& image) {
  const garden::text::InputSize size = garden::text::paddle_det_input_size(image.width, image.height);
  garden::LoadOptions load;
  load.input_width = size.width;
  load.input_height = size.height;
  require_file(fixture_path("ppocrv4_det/model.onnx"));
  return garden::load_model_file(fixture_path("ppocrv4_det/model.onnx"), load);
}

// PP-OCRv4's detector with boxes scored over the region itself (as the
// `garden` CLI runs it), its weights stored as `storage` says.
std::vector<TextBox> detect_text(const garden::tools::RgbaImage& image,
                                 garden::WeightStorage storage = garden::WeightStorage::kF32) {
  garden::Model model = load_ppocr_for(image);
  garden::quantize_weights(model, storage);
  garden::text::TextDetectorOptions options;
  options.session.threads = 2;
  options.db.score_mode = garden::text::ScoreMode::kSlow;
  garden::text::TextDetector detector(model, options);
  return detector.detect(image.view());
}

struct Extent {
  float left, top, right, bottom;
  float width() const { return right - left; }
  float height() const { return bottom - top; }
  float center_y() const { return (top + bottom) / 2; }
};

Extent extent_of(const TextBox& box) {
  Extent e{box.points[0].x, box.points[0].y, box.points[0].x, box.points[0].y};
  for (const auto& p : box.points) {
    e.left = std::min(e.left, p.x);
    e.right = std::max(e.right, p.x);
    e.top = std::min(e.top, p.y);
    e.bottom = std::max(e.bottom, p.y);
  }
  return e;
}

garden::eval::Polygon polygon_of(const TextBox& box) {
  garden::eval::Polygon polygon;
  for (const auto& p : box.points) polygon.push_back({p.x, p.y});
  return polygon;
}

std::vector<garden::eval::GroundTruth> read_icdar(const std::string& path) {
  std::ifstream in(path);
  if (!in.good()) FAIL("missing " << path);
  std::vector<garden::eval::GroundTruth> truths;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) truths.push_back(garden::eval::parse_icdar_line(line));
  return truths;
}

}  // namespace

TEST_CASE("PP-OCRv4 DB boxes each of the 13 printed lines of imageTextN.png", "[runners][text_detection]") {
  // opencv-doc's imageTextN.png (556x257): a page of a book, 13 lines of
  // body text, counted by eye.
  const garden::tools::RgbaImage page = read_image(GARDEN_IMAGE_TEXT_PNG);
  REQUIRE(page.width == 556);
  REQUIRE(page.height == 257);
  const std::vector<TextBox> boxes = detect_text(page);
  REQUIRE(boxes.size() == 13);

  std::vector<Extent> lines;
  for (const TextBox& box : boxes) lines.push_back(extent_of(box));
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i << ": " << lines[i].left << "," << lines[i].top << " - " << lines[i].right << ","
                 << lines[i].bottom);
    // A line of body text: far wider than tall, no taller than two lines
    // (the page's line pitch is about 19 px).
    CHECK(lines[i].width() > 8 * lines[i].height());
    CHECK(lines[i].height() < 30.f);
    CHECK(lines[i].left >= 0.f);
    CHECK(lines[i].right <= page.width);
    if (i == 0) continue;
    // Top to bottom, and never two boxes on one line: each centre is below
    // the previous box's bottom edge.
    CHECK(lines[i].center_y() > lines[i - 1].bottom);
  }
}

// garden-convert --quantize: the boxes of the int8 and fp16 detectors against
// the f32 detector's, as ICDAR 2015 scores them (IoU > 0.5), on the printed
// page, the scanned page and the street sign; the bar is F >= 0.98.
TEST_CASE("PP-OCRv4 DB in int8 and fp16 finds the lines f32 finds", "[runners][text_detection][quantize]") {
  for (const char* path : {GARDEN_IMAGE_TEXT_PNG, GARDEN_PAGE_PNG, GARDEN_SCENETEXT_JPG}) {
    const garden::tools::RgbaImage image = read_image(path);
    std::vector<garden::eval::GroundTruth> f32_lines;
    for (const TextBox& box : detect_text(image)) f32_lines.push_back({polygon_of(box), false});
    for (garden::WeightStorage storage : {garden::WeightStorage::kInt8, garden::WeightStorage::kF16}) {
      std::vector<garden::eval::Polygon> found;
      for (const TextBox& box : detect_text(image, storage)) found.push_back(polygon_of(box));
      const garden::eval::ImageEvaluation result = garden::eval::evaluate_image(f32_lines, found);
      INFO(path << (storage == garden::WeightStorage::kInt8 ? " int8" : " fp16") << ": " << found.size()
                << " boxes, f32 " << f32_lines.size() << ", F " << result.scores.hmean);
      CHECK(result.scores.hmean >= 0.98);
    }
  }
}

TEST_CASE("PP-OCRv4 DB recalls the five lines of the street sign", "[runners][text_detection]") {
  const garden::tools::RgbaImage photo = read_image(GARDEN_SCENETEXT_JPG);
  REQUIRE(photo.width == 800);
  REQUIRE(photo.height == 600);
  const std::vector<TextBox> boxes = detect_text(photo);
  std::vector<garden::eval::Polygon> detections;
  for (const TextBox& box : boxes) detections.push_back(polygon_of(box));

  // NOTICE, DOUBLE, PARKING, PROHIBITED, AT ALL TIMES, drawn by hand.
  const auto sign = read_icdar(std::string(GARDEN_RUNNERS_DATA) + "/scenetext01_gt.txt");
  REQUIRE(sign.size() == 5);
  const garden::eval::ImageEvaluation result = garden::eval::evaluate_image(sign, detections);
  INFO("detections: " << detections.size() << ", precision " << result.scores.precision);
  CHECK(result.counts.matched == 5);
  CHECK(result.scores.recall == 1.0);
}

TEST_CASE("the selfie segmenter's person mask matches TF.js's on a real photo", "[runners][segmentation]") {
  // expected_0.bin: TF.js's 256x256 person probabilities for person.jpg
  // stretched to 256x256; the "selfie" preset stretches too, so the runner's
  // map is at the model's resolution and the two compare pixel for pixel.
  const garden::tools::RgbaImage person = read_image(GARDEN_PERSON_JPG);
  const std::vector<float> reference = garden_test::read_f32(fixture_path("selfie_tflite/expected_0.bin"));
  REQUIRE(reference.size() == 256 * 256);
  require_file(fixture_path("selfie_tflite/model.tflite"));
  const garden::Model model = garden::load_model_file(fixture_path("selfie_tflite/model.tflite"));
  garden::segmentation::Segmenter segmenter(model, garden::segmentation::preset("selfie"));
  const garden::segmentation::SegmentationResult& result = segmenter.segment(person.view());
  REQUIRE(result.width == 256);
  REQUIRE(result.height == 256);
  REQUIRE(result.confidence.size() == reference.size());

  // Both thresholded at 0.5.
  size_t intersection = 0, union_ = 0, reference_person = 0, class_map_disagreements = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    const bool ours = result.confidence[i] >= 0.5f;
    const bool theirs = reference[i] >= 0.5f;
    class_map_disagreements += (result.class_map[i] == 1) != ours;
    intersection += ours && theirs;
    union_ += ours || theirs;
    reference_person += theirs;
  }
  const double iou = static_cast<double>(intersection) / static_cast<double>(union_);
  INFO("person pixels (TF.js): " << reference_person << ", IoU " << iou);
  CHECK(class_map_disagreements == 0);  // the class map is the soft mask at 0.5
  // The photo is not mostly person nor empty of one, so the IoU means something.
  REQUIRE(reference_person > 256 * 256 / 20);
  REQUIRE(reference_person < 256 * 256 / 2);
  CHECK(iou >= 0.9);
  WARN("selfie IoU vs TF.js: " << iou);
}

TEST_CASE("nsfwjs ranks chelsea.png's five classes as TF.js does", "[runners][classification]") {
  // expected_0.bin: TF.js's probabilities for chelsea resized to 224x224
  // with PIL's bilinear filter. The runner resizes with its own bilinear
  // filter (no antialiasing), so its 224x224 pixels differ slightly from
  // PIL's and so do the probabilities: 0.05 bounds that input difference,
  // where the model-level test (same input tensor) holds 1e-3.
  const garden::tools::RgbaImage cat = read_image(GARDEN_CHELSEA_PNG);
  const std::vector<float> reference = garden_test::read_f32(fixture_path("nsfwjs_mobilenet_v2/expected_0.bin"));
  REQUIRE(reference.size() == 5);
  require_file(fixture_path("nsfwjs_mobilenet_v2/model.json"));
  const garden::Model model = garden::load_model_file(fixture_path("nsfwjs_mobilenet_v2/model.json"));
  garden::classification::Classifier classifier(model, garden::classification::preset("nsfwjs"));
  const std::vector<garden::classification::Prediction> ranked = classifier.classify(cat.view(), 5);
  REQUIRE(ranked.size() == 5);

  std::vector<int> reference_order = {0, 1, 2, 3, 4};
  std::stable_sort(reference_order.begin(), reference_order.end(),
                   [&](int a, int b) { return reference[a] > reference[b]; });
  for (size_t rank = 0; rank < 5; ++rank) {
    const int expected_index = reference_order[rank];
    INFO("rank " << rank << ": " << ranked[rank].class_name << " " << ranked[rank].probability
                 << ", TF.js: class " << expected_index << " " << reference[expected_index]);
    CHECK(ranked[rank].index == expected_index);
    CHECK(std::abs(ranked[rank].probability - reference[expected_index]) <= 0.05f);
    WARN("nsfwjs " << ranked[rank].class_name << ": " << ranked[rank].probability << " (TF.js "
                   << reference[ranked[rank].index] << ")");
  }
}

namespace {

// 4-connected components of `on` (width x height), counted independently of
// the runner's own labelling; returns each component's area.
std::vector<int> component_areas(const std::vector<uint8_t>& on, int width, int height) {
  std::vector<uint8_t> seen(on.size(), 0);
  std::vector<int> areas, stack;
  for (int start = 0; start < static_cast<int>(on.size()); ++start) {
    if (!on[start] || seen[start]) continue;
    int area = 0;
    stack.assign(1, start);
    seen[start] = 1;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      ++area;
      const int x = p % width, y = p / width;
      const int neighbours[4][2] = {{x + 1, y}, {x - 1, y}, {x, y + 1}, {x, y - 1}};
      for (const auto& n : neighbours) {
        if (n[0] < 0 || n[1] < 0 || n[0] >= width || n[1] >= height) continue;
        const int q = n[1] * width + n[0];
        if (on[q] && !seen[q]) {
          seen[q] = 1;
          stack.push_back(q);
        }
      }
    }
    areas.push_back(area);
  }
  return areas;
}

// Kernel `kernel`'s logits of PSENet's 7-kernel 160x160 output, in either layout.
std::vector<float> kernel_plane(const garden::TensorView& maps, int kernel) {
  const bool nhwc = maps.layout == garden::Layout::kNHWC;
  REQUIRE(maps.shape == (nhwc ? garden::Shape{1, 160, 160, 7} : garden::Shape{1, 7, 160, 160}));
  std::vector<float> plane(160 * 160);
  for (size_t p = 0; p < plane.size(); ++p)
    plane[p] = nhwc ? maps.data[p * 7 + kernel] : maps.data[kernel * plane.size() + p];
  return plane;
}

}  // namespace

TEST_CASE("PSENet post-processing keeps one box per large seed of the smallest kernel", "[runners][text_detection]") {
  // The PSENet fixture has random weights, so its boxes are not text; what
  // can be checked is the algorithm: with the confidence filter off, PSE
  // grows every 4-connected component of the smallest kernel (masked by the
  // text map) of at least min_text_box_area pixels into exactly one region,
  // so the box count equals that component count, computed here from the
  // same kernel maps without the runner's labelling.
  const std::string model_path = fixture_path("psenet_r50/model.onnx");
  require_file(model_path);
  const garden::Model model = garden::load_model_file(model_path);
  const garden::tools::RgbaImage photo = read_image(GARDEN_SCENETEXT_JPG);
  // A 640x480 crop of the street photo (its top-left corner, sign included).
  REQUIRE(photo.width >= 640);
  REQUIRE(photo.height >= 480);
  const garden::ImageView crop{photo.rgba.data(), 640, 480, photo.width * 4};

  garden::text::TextDetectorOptions options;
  options.kind = garden::text::DetectorKind::kPse;
  options.session.threads = 2;
  options.pse.min_text_confidence = 0.f;

  // Random logits: the salience threshold is set from the maps themselves so
  // that the smallest kernel has a few dozen islands rather than none or one.
  garden::text::TextDetector probe(model, options);
  probe.detect(crop);
  const int size = 160 * 160;
  std::vector<float> smallest = kernel_plane(probe.last_output(), 6);
  std::nth_element(smallest.begin(), smallest.begin() + size * 9 / 10, smallest.end());
  options.pse.min_pixel_salience = smallest[size * 9 / 10];

  garden::text::TextDetector detector(model, options);
  const std::vector<TextBox> boxes = detector.detect(crop);
  const std::vector<float> text = kernel_plane(detector.last_output(), 0);
  const std::vector<float> kernel = kernel_plane(detector.last_output(), 6);
  std::vector<uint8_t> seed(size);
  for (int p = 0; p < size; ++p)
    seed[p] = kernel[p] > options.pse.min_pixel_salience && text[p] > options.pse.min_pixel_salience;
  int large = 0;
  for (int area : component_areas(seed, 160, 160)) large += area >= options.pse.min_text_box_area;
  INFO("salience " << options.pse.min_pixel_salience << ", seeds of >= 10 px: " << large);
  CHECK(large > 0);
  CHECK(static_cast<int>(boxes.size()) == large);
  for (const TextBox& box : boxes) {
    REQUIRE(box.points.size() == 4);
    for (const auto& p : box.points) {
      CHECK(p.x >= 0.f);
      CHECK(p.x <= 640.f);
      CHECK(p.y >= 0.f);
      CHECK(p.y <= 480.f);
    }
  }
  WARN("PSENet boxes: " << boxes.size() << " (independent seed count " << large << ")");
}

namespace {

// Boxes as a flat list of corner coordinates and scores, for exact comparison.
std::vector<float> flatten(const std::vector<TextBox>& boxes) {
  std::vector<float> values;
  for (const TextBox& box : boxes) {
    for (const auto& p : box.points) {
      values.push_back(p.x);
      values.push_back(p.y);
    }
    values.push_back(box.score);
  }
  return values;
}

}  // namespace

// A runner that takes its model (Model&&) frees the graph's weights once
// they are packed; what it computes must not change. The same weights give
// the same packed weights and the same kernels, so results are compared
// exactly. The labels a runner reads from the model are read before the
// move: the model's own labels (set here; a classifier prefers them to its
// preset's, a segmenter's options are emptied) must still name the classes.
TEST_CASE("a classifier given its model by move ranks as one given a copy", "[runners][classification]") {
  const garden::tools::RgbaImage cat = read_image(GARDEN_CHELSEA_PNG);
  require_file(fixture_path("nsfwjs_mobilenet_v2/model.json"));
  garden::Model model = garden::load_model_file(fixture_path("nsfwjs_mobilenet_v2/model.json"));
  model.graph.info.labels = {"drawing", "hentai", "neutral", "porn", "sexy"};
  garden::classification::ClassifierOptions options = garden::classification::preset("nsfwjs");

  garden::classification::Classifier kept(model, options);
  const std::vector<garden::classification::Prediction> expected = kept.classify(cat.view(), 5);
  garden::classification::Classifier moved(std::move(model), options);
  const std::vector<garden::classification::Prediction> ranked = moved.classify(cat.view(), 5);
  REQUIRE(ranked.size() == expected.size());
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    CHECK(ranked[rank].index == expected[rank].index);
    CHECK(ranked[rank].probability == expected[rank].probability);
    CHECK(ranked[rank].class_name == expected[rank].class_name);
  }
  CHECK(ranked[0].class_name == std::vector<std::string>{"drawing", "hentai", "neutral", "porn", "sexy"}[ranked[0].index]);
}

TEST_CASE("a segmenter given its model by move segments as one given a copy", "[runners][segmentation]") {
  const garden::tools::RgbaImage person = read_image(GARDEN_PERSON_JPG);
  require_file(fixture_path("selfie_tflite/model.tflite"));
  garden::Model model = garden::load_model_file(fixture_path("selfie_tflite/model.tflite"));
  model.graph.info.labels = {"backdrop", "someone"};
  garden::segmentation::SegmenterOptions options = garden::segmentation::preset("selfie");
  options.labels.clear();

  garden::segmentation::Segmenter kept(model, options);
  const garden::segmentation::SegmentationResult expected = kept.segment(person.view());
  garden::segmentation::Segmenter moved(std::move(model), options);
  const garden::segmentation::SegmentationResult& result = moved.segment(person.view());
  CHECK(result.width == expected.width);
  CHECK(result.height == expected.height);
  CHECK(result.confidence == expected.confidence);
  CHECK(result.rgba == expected.rgba);
  REQUIRE(result.legend.size() == 2);  // person.jpg has both classes
  CHECK(result.legend[0].name == "backdrop");
  CHECK(result.legend[1].name == "someone");
}

TEST_CASE("a text detector given its model by move detects as one given a copy", "[runners][text_detection]") {
  const garden::tools::RgbaImage page = read_image(GARDEN_IMAGE_TEXT_PNG);
  garden::Model model = load_ppocr_for(page);
  garden::text::TextDetectorOptions options;
  options.db.score_mode = garden::text::ScoreMode::kSlow;

  garden::text::TextDetector kept(model, options);
  const std::vector<TextBox> expected = kept.detect(page.view());
  garden::text::TextDetector moved(std::move(model), options);
  const std::vector<TextBox> boxes = moved.detect(page.view());
  REQUIRE(expected.size() == 13);
  CHECK(flatten(boxes) == flatten(expected));
}

// The wasm package swaps detect() thresholds on a loaded detector instead of
// rebuilding it: a detector whose options were set afterwards must detect
// exactly as one built with them.
TEST_CASE("new post-processing options on a text detector act as if it was built with them", "[runners][text_detection]") {
  const garden::tools::RgbaImage page = read_image(GARDEN_IMAGE_TEXT_PNG);
  const garden::Model model = load_ppocr_for(page);
  garden::text::TextDetectorOptions defaults;
  garden::text::TextDetectorOptions strict;
  strict.db.box_thresh = 0.9f;   // keeps fewer of the 13 lines
  strict.db.unclip_ratio = 2.f;  // and grows the kept ones more

  garden::text::TextDetector built_strict(model, strict);
  const std::vector<TextBox> expected = built_strict.detect(page.view());
  garden::text::TextDetector detector(model, defaults);
  const std::vector<TextBox> before = detector.detect(page.view());
  detector.set_db_options(strict.db);
  const std::vector<TextBox> after = detector.detect(page.view());
  INFO("boxes with the defaults: " << before.size() << ", strict: " << after.size());
  CHECK(flatten(before) != flatten(expected));  // the options make a difference
  CHECK(flatten(after) == flatten(expected));

  garden::text::DbOptions invalid = strict.db;
  invalid.unclip_ratio = -1.f;
  CHECK_THROWS_AS(detector.set_db_options(invalid), garden::Error);
  CHECK(flatten(detector.detect(page.view())) == flatten(expected));  // unchanged by the refused options
}
