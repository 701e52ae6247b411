// PNG and JPEG in, PNG out (see image_io.h).
#include "image_io.h"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <jpeglib.h>
#include <jerror.h>  // after jpeglib.h, which it needs
#include <png.h>

#include "garden/error.h"

namespace garden {
namespace tools {
namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr uint8_t kJpegSignature[3] = {0xff, 0xd8, 0xff};
// Image files beyond this are refused before they are read.
constexpr std::streamoff kMaxImageFileBytes = std::streamoff{1} << 30;
// A progressive JPEG is decoded once per scan; encoders write about ten. A
// file of a few kilobytes can declare thousands, each a full pass.
constexpr int kMaxJpegScans = 256;
// libjpeg's own working memory (a progressive image keeps all its
// coefficients, 2 bytes a sample: 3 to 6 bytes a color pixel): beyond this it
// fails instead of allocating. The RGBA result is not counted here.
constexpr long kMaxJpegWorkingBytes = long{1} << 30;

bool starts_with(const uint8_t* data, size_t size, const uint8_t* prefix, size_t prefix_size) {
  return size >= prefix_size && std::memcmp(data, prefix, prefix_size) == 0;
}

void check_size(int64_t width, int64_t height, int64_t max_pixels, const char* format) {
  require(width > 0 && height > 0, ErrorCode::kInvalidArgument,
          std::string(format) + " image has no pixels");
  require(width <= kMaxImageSide && height <= kMaxImageSide && width * height <= max_pixels,
          ErrorCode::kLimitExceeded,
          std::string(format) + " image of " + std::to_string(width) + "x" + std::to_string(height) +
              " exceeds the limit of " + std::to_string(kMaxImageSide) + " per side and " +
              std::to_string(max_pixels) + " pixels");
}

RgbaImage decode_png(const uint8_t* data, size_t size, int64_t max_pixels) {
  // libpng's simplified API reports errors in the struct (no setjmp needed),
  // and frees its state itself whenever a call fails and when
  // png_image_finish_read returns: only the paths that leave between those
  // calls free it here.
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, size))
    fail(ErrorCode::kInvalidArgument, std::string("bad PNG: ") + png.message);
  png.format = PNG_FORMAT_RGBA;
  RgbaImage image;
  try {
    check_size(png.width, png.height, max_pixels, "PNG");
    image.width = static_cast<int>(png.width);
    image.height = static_cast<int>(png.height);
    image.rgba.resize(PNG_IMAGE_SIZE(png));
  } catch (...) {
    png_image_free(&png);
    throw;
  }
  if (!png_image_finish_read(&png, nullptr, image.rgba.data(), 0, nullptr))
    fail(ErrorCode::kInvalidArgument, std::string("bad PNG: ") + png.message);
  return image;
}

// libjpeg reports fatal errors through error_exit, which must not return: it
// jumps back to decompress_jpeg, and decode_jpeg then throws. The scan limit
// leaves the same way, with its own code.
struct JpegGuard {
  jpeg_error_mgr errors;
  jpeg_progress_mgr progress;
  std::jmp_buf jump;
  ErrorCode code = ErrorCode::kInvalidArgument;
  char message[JMSG_LENGTH_MAX] = "";
};

JpegGuard& guard_of(j_common_ptr info) { return *static_cast<JpegGuard*>(info->client_data); }

[[noreturn]] void jpeg_error_exit(j_common_ptr info) {
  JpegGuard& guard = guard_of(info);
  if (info->err->msg_code == JERR_NO_BACKING_STORE) {
    // What libjpeg says when kMaxJpegWorkingBytes is not enough.
    guard.code = ErrorCode::kLimitExceeded;
    std::snprintf(guard.message, sizeof guard.message, "decoding needs more than %ld MiB", kMaxJpegWorkingBytes >> 20);
  } else {
    (*info->err->format_message)(info, guard.message);
  }
  std::longjmp(guard.jump, 1);
}

void jpeg_silent_message(j_common_ptr) {}  // warnings: keep the output one line

// Called by libjpeg between steps of its work, so also at the start of every scan.
void jpeg_limit_scans(j_common_ptr info) {
  if (!info->is_decompressor) return;
  if (reinterpret_cast<j_decompress_ptr>(info)->input_scan_number <= kMaxJpegScans) return;
  JpegGuard& guard = guard_of(info);
  guard.code = ErrorCode::kLimitExceeded;
  std::snprintf(guard.message, sizeof guard.message, "more than %d scans", kMaxJpegScans);
  std::longjmp(guard.jump, 1);
}

// Runs libjpeg into `image`. Returns false when libjpeg failed (the message
// is in `guard`). Only references live in this frame and nothing in it is
// changed after setjmp that is read after the jump back, so the jump leaves
// no object in an indeterminate state; the jump skips only libjpeg's C frames.
bool decompress_jpeg(jpeg_decompress_struct& info, JpegGuard& guard, const uint8_t* data, size_t size,
                     int64_t max_pixels, RgbaImage& image) {
  if (setjmp(guard.jump)) return false;
  jpeg_mem_src(&info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  check_size(info.image_width, info.image_height, max_pixels, "JPEG");
  info.out_color_space = JCS_EXT_RGBA;  // libjpeg-turbo: gray and YCbCr straight to RGBA
  jpeg_start_decompress(&info);
  image.width = static_cast<int>(info.output_width);
  image.height = static_cast<int>(info.output_height);
  image.rgba.resize(static_cast<size_t>(image.width) * image.height * 4);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = image.rgba.data() + static_cast<size_t>(info.output_scanline) * image.width * 4;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  return true;
}

RgbaImage decode_jpeg(const uint8_t* data, size_t size, int64_t max_pixels) {
  jpeg_decompress_struct info;
  JpegGuard guard;
  info.err = jpeg_std_error(&guard.errors);
  guard.errors.error_exit = jpeg_error_exit;
  guard.errors.output_message = jpeg_silent_message;
  guard.progress.progress_monitor = jpeg_limit_scans;
  jpeg_create_decompress(&info);
  info.client_data = &guard;
  info.progress = &guard.progress;
  info.mem->max_memory_to_use = kMaxJpegWorkingBytes;
  RgbaImage image;
  bool decoded = false;
  try {
    decoded = decompress_jpeg(info, guard, data, size, max_pixels, image);
  } catch (...) {  // check_size, or no memory for the pixels
    jpeg_destroy_decompress(&info);
    throw;
  }
  jpeg_destroy_decompress(&info);
  require(decoded, guard.code, std::string("bad JPEG: ") + guard.message);
  return image;
}

}  // namespace

RgbaImage decode_image(const uint8_t* data, size_t size, int64_t max_pixels) {
  require(max_pixels > 0 && max_pixels <= kMaxImagePixels, ErrorCode::kInvalidArgument,
          "decode_image: max_pixels must be in 1.." + std::to_string(kMaxImagePixels));
  require(data != nullptr && size > 0, ErrorCode::kInvalidArgument, "image file is empty");
  if (starts_with(data, size, kPngSignature, sizeof kPngSignature)) return decode_png(data, size, max_pixels);
  if (starts_with(data, size, kJpegSignature, sizeof kJpegSignature)) return decode_jpeg(data, size, max_pixels);
  fail(ErrorCode::kInvalidArgument, "not a PNG or JPEG image");
}

RgbaImage read_image(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  require(in.good(), ErrorCode::kIo, "cannot open '" + path + "'");
  const std::streamoff size = in.tellg();
  require(size >= 0, ErrorCode::kIo, "cannot read '" + path + "'");
  require(size <= kMaxImageFileBytes, ErrorCode::kLimitExceeded,
          "'" + path + "' is larger than 1 GiB");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  require(in.gcount() == size, ErrorCode::kIo, "cannot read '" + path + "'");
  try {
    return decode_image(bytes.data(), bytes.size());
  } catch (const Error& error) {
    throw Error(error.code(), "'" + path + "': " + error.what());
  }
}

void write_png(const std::string& path, const RgbaImage& image) {
  check_size(image.width, image.height, kMaxImagePixels, "PNG");
  require(image.rgba.size() == static_cast<size_t>(image.width) * image.height * 4,
          ErrorCode::kInvalidArgument, "write_png: pixel buffer does not match the size");
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGBA;
  if (!png_image_write_to_file(&png, path.c_str(), 0, image.rgba.data(), 0, nullptr)) {
    std::remove(path.c_str());
    fail(ErrorCode::kIo, "cannot write '" + path + "': " + png.message);
  }
}

}  // namespace tools
}  // namespace garden
