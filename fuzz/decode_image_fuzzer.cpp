// Fuzzes the native tools' PNG and JPEG decoding (libpng, libjpeg-turbo and
// our handling of their errors) through decode_image, the path read_image
// takes. A decoded image must be exactly width * height RGBA pixels.
#include <cstdlib>

#include "fuzz_input.h"
#include "image_io.h"

namespace {

// Below the tools' bound of kMaxImagePixels, so that the many inputs whose
// header declares a large image stay fast to run; the limit check itself is
// the same code either way.
constexpr int64_t kFuzzMaxPixels = int64_t{1} << 22;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return garden::fuzz::run_one(data, size, [](const uint8_t* bytes, size_t length) {
    const garden::tools::RgbaImage image = garden::tools::decode_image(bytes, length, kFuzzMaxPixels);
    const bool consistent = image.width > 0 && image.height > 0 &&
                            int64_t{image.width} * image.height <= kFuzzMaxPixels &&
                            image.rgba.size() == size_t{4} * image.width * image.height;
    if (!consistent) std::abort();
  });
}
