// Fuzzes what text recognition does with hostile input apart from the model:
// cutting a line out of an image along any four corners (non-finite, huge,
// degenerate, off the image), reading a dictionary, and CTC-decoding any
// probabilities with it. Input: 8 floats (the corners), 2 bytes (the image's
// width and height, 1..64), then the dictionary's text; the decoded
// probabilities are the dictionary's bytes scaled to [0, 1].
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "text_recognition/ctc_decoder.h"
#include "text_recognition/line_crop.h"

namespace {

constexpr size_t kHeader = 8 * sizeof(float) + 2;
// Crops are cut only up to this area, so that runs stay fast; larger ones are
// sized (and refused past the limits) by the same code.
constexpr int64_t kFuzzMaxCropPixels = int64_t{1} << 16;

void cut_line(const uint8_t* data) {
  garden::text::Quad quad;
  float corners[8];
  std::memcpy(corners, data, sizeof corners);
  for (int k = 0; k < 4; ++k) quad[k] = {corners[2 * k], corners[2 * k + 1]};
  const int width = 1 + data[32] % 64, height = 1 + data[33] % 64;
  std::vector<uint8_t> rgba(static_cast<size_t>(width) * height * 4);
  for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = static_cast<uint8_t>(i * 7);
  const garden::text::CropSize size = garden::text::line_crop_size(quad);
  if (int64_t{size.width} * size.height > kFuzzMaxCropPixels) return;
  garden::text::LineCrop crop = garden::text::crop_line({rgba.data(), width, height, width * 4}, quad);
  const bool consistent = crop.width == size.width && crop.height == size.height && crop.width >= 1 &&
                          crop.height >= 1 && crop.rgba.size() == size_t{4} * crop.width * crop.height;
  if (!consistent) std::abort();
  // A half turn twice is the crop again (the direction classifier's turn).
  const std::vector<uint8_t> cut = crop.rgba;
  garden::text::turn_half(crop);
  garden::text::turn_half(crop);
  if (crop.rgba != cut) std::abort();
  // As the recognizer cuts it: a line lower than 48 px warped straight to 48 px.
  constexpr int kLineHeight = 48;
  if (size.height >= kLineHeight || int64_t{size.width} * kLineHeight / size.height * kLineHeight > kFuzzMaxCropPixels)
    return;
  const garden::text::LineCrop tall = garden::text::crop_line({rgba.data(), width, height, width * 4}, quad, kLineHeight);
  if (tall.height != kLineHeight || tall.width < size.width || tall.width > garden::text::kMaxCropSide ||
      tall.rgba.size() != size_t{4} * tall.width * tall.height)
    std::abort();
}

void decode(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const garden::text::Dictionary dictionary = garden::text::Dictionary::from_lines(text);
  const size_t classes = dictionary.class_count();
  std::vector<float> probabilities;
  for (size_t i = 0; i < size; ++i) probabilities.push_back(data[i] / 255.f);
  probabilities.resize((probabilities.size() / classes + 1) * classes, 0.f);
  const garden::text::DecodedText decoded =
      garden::text::ctc_greedy_decode(probabilities.data(), probabilities.size() / classes, classes, dictionary);
  if (!(decoded.score >= 0.f && decoded.score <= 1.f)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeader) return 0;
  garden::fuzz::run_one(data, size, [](const uint8_t* bytes, size_t) { cut_line(bytes); });
  return garden::fuzz::run_one(data + kHeader, size - kHeader, decode);
}
