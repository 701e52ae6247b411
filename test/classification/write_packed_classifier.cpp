// Writes the packed classifier (packed_classifier.h) at MediaPipe
// EfficientNet-Lite0's interface, [1,224,224,3] in and 1000 probabilities
// out, with ImageNet's labels packed inside, one name each (the first of each
// line of LABELS, models/labels/imagenet.txt): the file the package's tests
// answer Lite0's official URL with (test/node/models_by_name.test.mjs).
//
//   write_packed_classifier LABELS OUT.tflite
#include <cstdio>
#include <fstream>
#include <string>

#include "packed_classifier.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_packed_classifier LABELS OUT.tflite\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::string labels, line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') labels += line.substr(0, line.find(',')) + "\n";
  }
  garden_test::PackedClassifier classifier;
  classifier.side = 224;
  classifier.classes = 1000;
  const std::vector<uint8_t> bytes = classifier.file(labels);
  std::ofstream(argv[2], std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return labels.empty() ? 1 : 0;
}
