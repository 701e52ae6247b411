// Reading the fixtures scripts/make-fixtures writes (GARDEN_FIXTURE_DIR):
// whole files as bytes, text or f32 values, and the shapes in a fixture's
// meta.json. A missing file fails the test with a message naming
// scripts/make-fixtures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "garden/graph.h"
#include "garden/image.h"

namespace garden_test {

// GARDEN_FIXTURE_DIR + "/" + relative.
std::string fixture_path(const std::string& relative);

bool file_exists(const std::string& path);

std::vector<uint8_t> read_bytes(const std::string& path);
std::string read_text(const std::string& path);
// Raw little-endian float32, as the fixtures store inputs and expected outputs.
std::vector<float> read_f32(const std::string& path);

// The "shape" arrays listed under `section` ("inputs" or "outputs") of a
// meta.json's text ({"inputs": [{"name": .., "shape": [..]}], "outputs": ..}).
std::vector<garden::Shape> meta_shapes(const std::string& meta, const std::string& section);
// The first input's shape (empty when none is listed): the size the reference
// ran at, which sizes models with dynamic input dimensions (PP-OCR).
garden::Shape first_input_shape(const std::string& meta);

// An image stored as two little-endian uint32 (width, height) and then its
// RGBA pixels (as test/support/png_to_rgba.py makes them).
struct RawImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;

  garden::ImageView view() const { return {rgba.data(), width, height, width * 4}; }
};
RawImage read_raw_rgba(const std::string& path);

}  // namespace garden_test
