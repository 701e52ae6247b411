// The files a .tflite packs after its FlatBuffer: TFLite's metadata tools
// (MediaPipe's and Model Maker's models) append a ZIP archive of the model's
// associated files, such as the labels of a classifier's output, to the
// model file. The FlatBuffer never points into it; a ZIP reader finds it from
// the end of the file.
//
// Reading is lenient by design: the archive is an annex the model runs
// without, so anything that is not a well-formed archive of stored (not
// compressed) entries with matching CRCs yields no files rather than an
// error, and a model with a damaged annex still loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace garden {
namespace tflite {

struct AssociatedFile {
  std::string name;
  const uint8_t* data = nullptr;  // into the model's bytes
  size_t size = 0;
};

// The stored entries of a ZIP archive at the end of data[0, size), in
// archive order; empty when there is none (or it cannot be read). Each
// entry's bytes are checked against the CRC-32 the archive records for it.
std::vector<AssociatedFile> read_associated_files(const uint8_t* data, size_t size);

// The class labels among the files: "labels.txt" (the name TFLite's metadata
// writers give a classifier's TENSOR_AXIS_LABELS file), else the one file
// ending in ".txt" if there is exactly one; one label per line. Empty when
// there is no such file, or it holds more than kMaxPackedLabels lines or a
// line over kMaxPackedLabelBytes.
std::vector<std::string> packed_labels(const std::vector<AssociatedFile>& files);

// The CRC-32 a ZIP archive records for each entry (also used by tests that write one).
uint32_t zip_crc32(const uint8_t* data, size_t size);

constexpr size_t kMaxPackedLabels = 100000;
constexpr size_t kMaxPackedLabelBytes = 1024;

}  // namespace tflite
}  // namespace garden
