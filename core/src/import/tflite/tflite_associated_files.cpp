// Reads the ZIP archive of associated files appended to a .tflite (see
// tflite_associated_files.h). Only what TFLite's metadata writers produce is
// read: one disk, no ZIP64, stored entries. Every offset and length comes
// from the file, so each is checked against the bytes before it is used.
#include "import/tflite/tflite_associated_files.h"

#include <array>
#include <optional>

namespace garden {
namespace tflite {
namespace {

constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kCentralDirectoryEntry = 0x02014b50;
constexpr uint32_t kLocalFileHeader = 0x04034b50;
constexpr size_t kEndRecordSize = 22;
constexpr size_t kCentralEntrySize = 46;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kMaxCommentSize = 0xffff;
constexpr uint16_t kStored = 0;
constexpr uint16_t kEncrypted = 1;  // general-purpose flag bit 0

// Little-endian reads at `offset`; the caller has checked the bounds.
uint16_t u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

uint32_t zip_crc32(const uint8_t* data, size_t size) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> entries{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      entries[i] = c;
    }
    return entries;
  }();
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

namespace {

struct EndRecord {
  size_t position;  // of the record in the file
  size_t entries;
  size_t directory_size;
  size_t directory_offset;  // as recorded: relative to the archive's start
};

// The end record: the last signature whose comment reaches exactly the end
// of the file, with one disk. Searching from the end keeps a signature that
// happens to occur in the weights from being taken when a real record follows.
std::optional<EndRecord> find_end_record(const uint8_t* data, size_t size) {
  if (size < kEndRecordSize) return std::nullopt;
  const size_t lowest = size - kEndRecordSize > kMaxCommentSize ? size - kEndRecordSize - kMaxCommentSize : 0;
  for (size_t at = size - kEndRecordSize + 1; at-- > lowest;) {
    const uint8_t* p = data + at;
    if (u32(p) != kEndOfCentralDirectory || at + kEndRecordSize + u16(p + 20) != size) continue;
    if (u16(p + 4) != 0 || u16(p + 6) != 0 || u16(p + 8) != u16(p + 10)) return std::nullopt;  // multi-disk
    return EndRecord{at, u16(p + 10), u32(p + 12), u32(p + 16)};
  }
  return std::nullopt;
}

// One central directory entry at data[at]; advances `at` past it. nullopt
// stops the reading (a malformed directory); an entry that is not a stored,
// intact file is returned with no data and skipped by the caller.
std::optional<AssociatedFile> read_entry(const uint8_t* data, size_t size, size_t base, size_t directory_end,
                                         size_t& at) {
  if (directory_end - at < kCentralEntrySize || u32(data + at) != kCentralDirectoryEntry) return std::nullopt;
  const uint8_t* entry = data + at;
  const uint16_t flags = u16(entry + 8), method = u16(entry + 10);
  const uint32_t crc = u32(entry + 16), compressed = u32(entry + 20), uncompressed = u32(entry + 24);
  const size_t name_size = u16(entry + 28), extra_size = u16(entry + 30), comment_size = u16(entry + 32);
  const size_t local_offset = u32(entry + 42);
  if (directory_end - at - kCentralEntrySize < name_size + extra_size + comment_size) return std::nullopt;
  AssociatedFile file;
  file.name.assign(reinterpret_cast<const char*>(entry + kCentralEntrySize), name_size);
  at += kCentralEntrySize + name_size + extra_size + comment_size;
  if (method != kStored || (flags & kEncrypted) || compressed != uncompressed) return file;
  // The data follows the entry's local header, whose name and extra fields
  // may differ in length from the directory's.
  if (local_offset > size - base || size - base - local_offset < kLocalHeaderSize) return file;
  const uint8_t* local = data + base + local_offset;
  if (u32(local) != kLocalFileHeader || u16(local + 8) != kStored) return file;
  const size_t start = base + local_offset + kLocalHeaderSize + u16(local + 26) + u16(local + 28);
  if (start > size || size - start < compressed) return file;
  if (zip_crc32(data + start, compressed) != crc) return file;
  file.data = data + start;
  file.size = compressed;
  return file;
}

std::vector<std::string> split_lines(const AssociatedFile& file) {
  std::vector<std::string> lines;
  const char* text = reinterpret_cast<const char*>(file.data);
  size_t begin = 0;
  while (begin < file.size) {
    size_t end = begin;
    while (end < file.size && text[end] != '\n') ++end;
    size_t length = end - begin;
    if (length > 0 && text[begin + length - 1] == '\r') --length;
    if (length > kMaxPackedLabelBytes || lines.size() == kMaxPackedLabels) return {};
    lines.emplace_back(text + begin, length);
    begin = end + 1;
  }
  return lines;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<AssociatedFile> read_associated_files(const uint8_t* data, size_t size) {
  const std::optional<EndRecord> end = find_end_record(data, size);
  if (!end || end->directory_size > end->position || end->directory_offset > end->position - end->directory_size) {
    return {};
  }
  // Writers that append an archive to a file record offsets from the file's
  // start or from the archive's; the gap between where the directory is and
  // where it says it is tells which.
  const size_t directory_start = end->position - end->directory_size;
  const size_t base = directory_start - end->directory_offset;
  std::vector<AssociatedFile> files;
  size_t at = directory_start;
  for (size_t i = 0; i < end->entries; ++i) {
    std::optional<AssociatedFile> file = read_entry(data, size, base, end->position, at);
    if (!file) return {};
    if (file->data != nullptr) files.push_back(std::move(*file));
  }
  return files;
}

std::vector<std::string> packed_labels(const std::vector<AssociatedFile>& files) {
  const AssociatedFile* chosen = nullptr;
  int text_files = 0;
  for (const AssociatedFile& file : files) {
    if (file.name == "labels.txt") return split_lines(file);
    if (ends_with(file.name, ".txt")) {
      ++text_files;
      chosen = &file;
    }
  }
  return text_files == 1 ? split_lines(*chosen) : std::vector<std::string>{};
}

}  // namespace tflite
}  // namespace garden
