// PNG and JPEG in, PNG out (see image_io.h).
#include "image_io.h"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <jpeglib.h>
#include <png.h>

#include "garden/error.h"

namespace garden {
namespace tools {
namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr uint8_t kJpegSignature[3] = {0xff, 0xd8, 0xff};
// Image files beyond this are refused before they are read.
constexpr std::streamoff kMaxImageFileBytes = std::streamoff{1} << 30;

bool starts_with(const uint8_t* data, size_t size, const uint8_t* prefix, size_t prefix_size) {
  return size >= prefix_size && std::memcmp(data, prefix, prefix_size) == 0;
}

void check_size(int64_t width, int64_t height, const char* format) {
  require(width > 0 && height > 0, ErrorCode::kInvalidArgument,
          std::string(format) + " image has no pixels");
  require(width <= kMaxImageSide && height <= kMaxImageSide && width * height <= kMaxImagePixels,
          ErrorCode::kLimitExceeded,
          std::string(format) + " image of " + std::to_string(width) + "x" + std::to_string(height) +
              " exceeds the limit of 16384 per side");
}

RgbaImage decode_png(const uint8_t* data, size_t size) {
  // libpng's simplified API reports errors in the struct (no setjmp needed).
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, size))
    fail(ErrorCode::kInvalidArgument, std::string("bad PNG: ") + png.message);
  png.format = PNG_FORMAT_RGBA;
  try {
    check_size(png.width, png.height, "PNG");
  } catch (...) {
    png_image_free(&png);
    throw;
  }
  RgbaImage image;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  image.rgba.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.rgba.data(), 0, nullptr))
    fail(ErrorCode::kInvalidArgument, std::string("bad PNG: ") + png.message);
  return image;
}

// libjpeg reports fatal errors through error_exit, which must not return:
// it jumps back to decode_jpeg, which then throws.
struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_error_exit(j_common_ptr info) {
  JpegError* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

void jpeg_silent_message(j_common_ptr) {}  // warnings: keep the output one line

// Runs libjpeg into `image`. Returns false when libjpeg failed (the message
// is in `error`). Only references live in this frame, so the jump back from
// jpeg_error_exit leaves no object in an indeterminate state.
bool decompress_jpeg(jpeg_decompress_struct& info, JpegError& error, const uint8_t* data,
                     size_t size, RgbaImage& image) {
  if (setjmp(error.jump)) return false;
  jpeg_mem_src(&info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&info, TRUE);
  check_size(info.image_width, info.image_height, "JPEG");
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

RgbaImage decode_jpeg(const uint8_t* data, size_t size) {
  jpeg_decompress_struct info;
  JpegError error;
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = jpeg_error_exit;
  error.manager.output_message = jpeg_silent_message;
  error.message[0] = '\0';
  jpeg_create_decompress(&info);
  RgbaImage image;
  bool decoded = false;
  try {
    decoded = decompress_jpeg(info, error, data, size, image);
  } catch (...) {  // check_size
    jpeg_destroy_decompress(&info);
    throw;
  }
  jpeg_destroy_decompress(&info);
  require(decoded, ErrorCode::kInvalidArgument, std::string("bad JPEG: ") + error.message);
  return image;
}

}  // namespace

RgbaImage decode_image(const uint8_t* data, size_t size) {
  require(data != nullptr && size > 0, ErrorCode::kInvalidArgument, "image file is empty");
  if (starts_with(data, size, kPngSignature, sizeof kPngSignature)) return decode_png(data, size);
  if (starts_with(data, size, kJpegSignature, sizeof kJpegSignature)) return decode_jpeg(data, size);
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
  check_size(image.width, image.height, "PNG");
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
