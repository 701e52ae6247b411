// garden-run: loads a model, runs it and times it.
//
//   garden-run MODEL [--input FILE] [--output FILE] [--threads N] [--runs N] [--profile]
//                    [--input-size HxW] [--extra-output NAME]...
//   garden-run MODEL --check [--input-size HxW]
//
// --input   raw little-endian f32 for every input in order, in each input's
//           declared shape and layout (default: seeded pseudo-random values in [-1, 1])
// --output  writes every output as raw f32, concatenated in order (the names
//           and shapes written are printed)
// --runs    timed runs after the first one (default 10); the median is printed
// --profile per-node times of the timed runs, slowest first
// --input-size  height and width for models with dynamic input sizes (PP-OCR)
// --extra-output  an internal tensor to output too, after the model's own, from
//           the same run (a classifier's pooled features); repeatable
// --check   loads the model and builds its session without running it, and
//           prints the graph ops it became; a model the runtime cannot run
//           gets every op and attribute the import refused, one per line
//
// Errors print "garden-run: <CODE>: <message>" (a refused import: one line
// per problem) and exit with 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <new>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "garden/error.h"
#include "garden/session.h"

namespace {

using garden::ErrorCode;
using garden::require;

struct Options {
  std::string model;
  std::string input;
  std::string output;
  int threads = 1;
  int runs = 10;
  bool profile = false;
  bool check = false;
  garden::LoadOptions load;
  std::vector<std::string> extra_outputs;
};

const char kUsage[] =
    "usage: garden-run MODEL [--input FILE] [--output FILE] [--threads N] [--runs N] [--profile] "
    "[--input-size HxW] [--extra-output NAME]... | garden-run MODEL --check [--input-size HxW]";

int parse_count(const std::string& flag, const std::string& text, int min, int max) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  require(!text.empty() && *end == '\0' && value >= min && value <= max,
          ErrorCode::kInvalidArgument, flag + " needs an integer in [" + std::to_string(min) + ", " +
                                           std::to_string(max) + "], got '" + text + "'");
  return static_cast<int>(value);
}

void parse_size(const std::string& text, garden::LoadOptions& load) {
  const size_t x = text.find('x');
  require(x != std::string::npos, ErrorCode::kInvalidArgument,
          "--input-size needs HxW (e.g. 640x640), got '" + text + "'");
  load.input_height = parse_count("--input-size height", text.substr(0, x), 1, 16384);
  load.input_width = parse_count("--input-size width", text.substr(x + 1), 1, 16384);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      require(i + 1 < argc, ErrorCode::kInvalidArgument, arg + " needs a value. " + kUsage);
      return argv[++i];
    };
    if (arg == "--input") {
      options.input = value();
    } else if (arg == "--output") {
      options.output = value();
    } else if (arg == "--threads") {
      options.threads = parse_count(arg, value(), 1, 256);
    } else if (arg == "--runs") {
      options.runs = parse_count(arg, value(), 1, 100000);
    } else if (arg == "--input-size") {
      parse_size(value(), options.load);
    } else if (arg == "--profile") {
      options.profile = true;
    } else if (arg == "--check") {
      options.check = true;
    } else if (arg == "--extra-output") {
      options.extra_outputs.push_back(value());
    } else if (arg.rfind("--", 0) == 0 || !options.model.empty()) {
      garden::fail(ErrorCode::kInvalidArgument, "unexpected argument '" + arg + "'. " + kUsage);
    } else {
      options.model = arg;
    }
  }
  require(!options.model.empty(), ErrorCode::kInvalidArgument, kUsage);
  return options;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string shape_text(const garden::Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

void fill_inputs_from_file(garden::Session& session, const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  require(in.good(), ErrorCode::kIo, "cannot open input file '" + path + "'");
  int64_t expected = 0;
  for (size_t i = 0; i < session.input_count(); ++i) {
    expected += garden::element_count(session.input(i).shape) * 4;
  }
  const int64_t size = static_cast<int64_t>(in.tellg());
  require(size == expected, ErrorCode::kInvalidArgument,
          "input file '" + path + "' has " + std::to_string(size) + " bytes, the model's inputs need " +
              std::to_string(expected) + " (raw little-endian f32)");
  in.seekg(0);
  for (size_t i = 0; i < session.input_count(); ++i) {
    const garden::TensorView view = session.input(i);
    in.read(reinterpret_cast<char*>(view.data), garden::element_count(view.shape) * 4);
  }
  require(in.good(), ErrorCode::kIo, "cannot read input file '" + path + "'");
}

void fill_inputs_randomly(garden::Session& session) {
  std::mt19937 rng(20240601);  // fixed: the same input on every machine and run
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (size_t i = 0; i < session.input_count(); ++i) {
    const garden::TensorView view = session.input(i);
    std::generate(view.data, view.data + garden::element_count(view.shape), [&] { return dist(rng); });
  }
}

void write_outputs(garden::Session& session, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  require(out.good(), ErrorCode::kIo, "cannot create output file '" + path + "'");
  std::cout << "output file " << path << ": raw f32 of";
  for (size_t i = 0; i < session.output_count(); ++i) {
    const garden::TensorView view = session.output(i);
    out.write(reinterpret_cast<const char*>(view.data), garden::element_count(view.shape) * 4);
    std::cout << (i ? " +" : "") << " output " << i << " '" << view.name << "' "
              << shape_text(view.shape);
  }
  std::cout << "\n";
  require(out.good(), ErrorCode::kIo, "cannot write output file '" + path + "'");
}

void print_outputs(garden::Session& session) {
  for (size_t i = 0; i < session.output_count(); ++i) {
    const garden::TensorView view = session.output(i);
    const int64_t count = garden::element_count(view.shape);
    double sum = 0;
    for (int64_t k = 0; k < count; ++k) sum += view.data[k];
    const auto minmax = std::minmax_element(view.data, view.data + count);
    std::printf("output %zu '%s' %s: min %g max %g mean %g\n", i, view.name.c_str(),
                shape_text(view.shape).c_str(), count ? *minmax.first : 0.0,
                count ? *minmax.second : 0.0, count ? sum / count : 0.0);
  }
}

// Sums per-node times over the timed runs, then prints the mean per run, slowest first.
class ProfileTable {
 public:
  void add(const std::vector<garden::NodeTime>& times) {
    if (totals_.empty()) totals_ = times;
    else
      for (size_t i = 0; i < times.size() && i < totals_.size(); ++i)
        totals_[i].milliseconds += times[i].milliseconds;
    ++runs_;
  }
  void print() const {
    std::vector<garden::NodeTime> rows = totals_;
    double total = 0;
    for (auto& row : rows) total += (row.milliseconds /= runs_);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.milliseconds > b.milliseconds; });
    std::printf("profile (mean of %d runs, %zu operators, %.3f ms total):\n", runs_, rows.size(), total);
    for (const auto& row : rows) {
      std::printf("  %9.3f ms %5.1f%%  %s\n", row.milliseconds,
                  total > 0 ? 100.0 * row.milliseconds / total : 0.0, row.name.c_str());
    }
  }

 private:
  std::vector<garden::NodeTime> totals_;
  int runs_ = 0;
};

// What --check prints for a model that loads: its graph ops by count.
int check(const Options& options) {
  const garden::Model model = garden::load_model_file(options.model, options.load);
  garden::Session session(model, garden::SessionOptions{});
  std::map<std::string, int> counts;
  for (const garden::Node& node : model.graph.nodes) ++counts[garden::op_name(node.op)];
  std::printf("model %s: the runtime runs it: %zu nodes, %zu input(s), %zu output(s)\n", options.model.c_str(),
              model.graph.nodes.size(), session.input_count(), session.output_count());
  std::printf("graph ops:");
  for (const auto& [name, count] : counts) std::printf(" %s x%d", name.c_str(), count);
  std::printf("\n");
  if (!model.graph.info.notes.empty()) std::printf("note: %s\n", model.graph.info.notes.c_str());
  return 0;
}

int run(const Options& options) {
  if (options.check) return check(options);
  auto start = std::chrono::steady_clock::now();
  garden::Model model = garden::load_model_file(options.model, options.load);
  const double import_ms = milliseconds_since(start);
  const size_t node_count = model.graph.nodes.size();
  const std::string notes = model.graph.info.notes;
  start = std::chrono::steady_clock::now();
  garden::SessionOptions session_options;
  session_options.threads = options.threads;
  session_options.profile = options.profile;
  session_options.extra_outputs = options.extra_outputs;
  // Handed over, as the package's loaders do: the weights are freed once
  // packed, so the process's peak memory is the one a page would see.
  garden::Session session(std::move(model), session_options);
  const double session_ms = milliseconds_since(start);
  std::printf("model %s: %zu nodes, %zu input(s), %zu output(s), %d thread(s)\n",
              options.model.c_str(), node_count, session.input_count(),
              session.output_count(), session.threads());
  std::printf("load: %.1f ms (import + optimize %.1f ms, session %.1f ms)\n", import_ms + session_ms,
              import_ms, session_ms);
  if (!notes.empty()) std::printf("note: %s\n", notes.c_str());

  if (options.input.empty()) fill_inputs_randomly(session);
  else fill_inputs_from_file(session, options.input);

  start = std::chrono::steady_clock::now();
  session.run();
  std::printf("first run: %.2f ms\n", milliseconds_since(start));

  std::vector<double> times;
  ProfileTable profile;
  for (int i = 0; i < options.runs; ++i) {
    start = std::chrono::steady_clock::now();
    session.run();
    times.push_back(milliseconds_since(start));
    if (options.profile) profile.add(session.profile());
  }
  std::sort(times.begin(), times.end());
  const double median = times.size() % 2 ? times[times.size() / 2]
                                         : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
  std::printf("median of %d runs: %.2f ms (min %.2f, max %.2f)\n", options.runs, median, times.front(),
              times.back());
  print_outputs(session);
  if (options.profile) profile.print();
  if (!options.output.empty()) write_outputs(session, options.output);
  return 0;
}

int report(const char* code, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "garden-run: %s: %s\n", code, message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_options(argc, argv));
  } catch (const garden::Error& e) {
    return report(garden::error_code_name(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return report(garden::error_code_name(ErrorCode::kLimitExceeded), "out of memory");
  } catch (const std::exception& e) {
    return report("INTERNAL", e.what());
  }
}
