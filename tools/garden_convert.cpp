// garden-convert IN OUT.garden [--input-size HxW] [--quantize fp16|int8]
//
// Imports a model (any format load_model_file reads), runs the standard passes
// and writes the optimized graph as a .garden file (save_model_file: a failed
// conversion never leaves a partial OUT behind).
//
// --quantize fp16  convolution and fully connected weights stored as float16
//                  (close to half the bytes; the arithmetic stays f32)
// --quantize int8  convolution and fully connected weights as per-channel
//                  int8, run in int8 (quantize_weights in garden/model.h);
//                  the layers that keep float weights are listed, with why
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/model.h"

namespace {

using garden::ErrorCode;
using garden::require;

struct Arguments {
  std::string input;
  std::string output;
  garden::LoadOptions load;
  garden::WeightStorage storage = garden::WeightStorage::kF32;
};

const char kUsage[] = "usage: garden-convert IN OUT.garden [--input-size HxW] [--quantize fp16|int8]";

garden::WeightStorage parse_storage(const std::string& text) {
  if (text == "fp16") return garden::WeightStorage::kF16;
  if (text == "int8") return garden::WeightStorage::kInt8;
  garden::fail(ErrorCode::kInvalidArgument, "--quantize expects fp16 or int8, got '" + text + "'");
}

int64_t parse_dimension(const std::string& text, const std::string& whole) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  require(!text.empty() && *end == '\0' && value > 0 && value <= 65536, ErrorCode::kInvalidArgument,
          "--input-size expects HxW with sizes 1..65536, got '" + whole + "'");
  return value;
}

void parse_input_size(const std::string& text, garden::LoadOptions& load) {
  const size_t x = text.find('x');
  require(x != std::string::npos, ErrorCode::kInvalidArgument,
          "--input-size expects HxW, got '" + text + "'");
  load.input_height = parse_dimension(text.substr(0, x), text);
  load.input_width = parse_dimension(text.substr(x + 1), text);
}

Arguments parse_arguments(int argc, char** argv) {
  Arguments args;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--input-size") {
      require(i + 1 < argc, ErrorCode::kInvalidArgument,
              "--input-size needs a value; " + std::string(kUsage));
      parse_input_size(argv[++i], args.load);
    } else if (arg.rfind("--input-size=", 0) == 0) {
      parse_input_size(arg.substr(13), args.load);
    } else if (arg == "--quantize") {
      require(i + 1 < argc, ErrorCode::kInvalidArgument, "--quantize needs a value; " + std::string(kUsage));
      args.storage = parse_storage(argv[++i]);
    } else {
      require(arg.empty() || arg[0] != '-', ErrorCode::kInvalidArgument,
              "unknown option '" + arg + "'; " + kUsage);
      positional.push_back(arg);
    }
  }
  require(positional.size() == 2, ErrorCode::kInvalidArgument, kUsage);
  args.input = positional[0];
  args.output = positional[1];
  return args;
}

size_t weight_bytes(const garden::Graph& graph) {
  size_t total = 0;
  for (const garden::Tensor& tensor : graph.tensors) total += tensor.data.size();
  return total;
}

int convert(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  const Arguments args = parse_arguments(argc, argv);
  garden::Model model = garden::load_model_file(args.input, args.load);
  if (args.storage != garden::WeightStorage::kF32) {
    const garden::QuantizationReport report = garden::quantize_weights(model, args.storage);
    std::printf("weights: %zu bytes -> %zu bytes", report.bytes_before, report.bytes_after);
    if (args.storage == garden::WeightStorage::kInt8) {
      std::printf("; %d layers in int8, %zu keep float weights%s\n", report.int8_layers, report.float_layers.size(),
                  report.float_layers.empty() ? "" : ":");
      for (const std::string& layer : report.float_layers) std::printf("  %s\n", layer.c_str());
    } else {
      std::printf("\n");
    }
  }
  const size_t file_bytes = garden::save_model_file(model, args.output);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu nodes, %zu tensors, %zu weight bytes, %zu file bytes, %.1f ms\n",
              args.output.c_str(), model.graph.nodes.size(), model.graph.tensors.size(),
              weight_bytes(model.graph), file_bytes, ms);
  return 0;
}

// Errors are one line, so scripts can show or match them.
void print_error(const char* code, std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "garden-convert: %s: %s\n", code, message.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return convert(argc, argv);
  } catch (const garden::Error& error) {
    print_error(garden::error_code_name(error.code()), error.what());
  } catch (const std::exception& error) {
    // Only allocation failures should get here.
    print_error("INTERNAL", error.what());
  }
  return 1;
}
