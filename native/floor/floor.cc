/*
 * litemodel_floor: the native floor for LiteModel's latency benchmarks.
 *
 * Does per call exactly what a careful C program does with the TensorFlow Lite C API, and nothing more: copy one
 * input record in (TfLiteTensorCopyFromBuffer), invoke, copy the output out (TfLiteTensorCopyToBuffer). Each call is
 * timed with clock_gettime(CLOCK_MONOTONIC) into a preallocated array; percentiles are computed after the run and
 * printed as one JSON object on stdout. Delegate settings match LiteModel's defaults: an explicit XNNPACK delegate
 * (this TensorFlow Lite build does not apply XNNPACK by itself) with the same thread count.
 *
 * Usage: litemodel_floor --model M.tflite [--calls N] [--warmup W] [--threads T] [--batch B]
 *                        [--no-xnnpack] [--force-fp16]
 */
#include <errno.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tflite_c_api.h"

namespace {

struct Args {
  std::string model;
  long calls = 100000;
  long warmup = 10000;
  int threads = 1;
  int batch = 1;
  bool xnnpack = true;
  bool force_fp16 = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  fprintf(stderr, "litemodel_floor: %s\n", message.c_str());
  fprintf(stderr,
          "usage: litemodel_floor --model M.tflite [--calls N] [--warmup W] [--threads T] [--batch B] "
          "[--no-xnnpack] [--force-fp16]\n");
  exit(2);
}

[[noreturn]] void fail(const std::string& message) {
  fprintf(stderr, "litemodel_floor: %s\n", message.c_str());
  exit(1);
}

long parse_long(const char* flag, const char* text, long min) {
  char* end = nullptr;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < min) {
    usage_error(std::string(flag) + " needs an integer >= " + std::to_string(min) + ", got '" + text + "'");
  }
  return value;
}

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; i++) {
    std::string flag = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage_error(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--model") {
      args.model = value();
    } else if (flag == "--calls") {
      args.calls = parse_long("--calls", value(), 1);
    } else if (flag == "--warmup") {
      args.warmup = parse_long("--warmup", value(), 0);
    } else if (flag == "--threads") {
      args.threads = (int)parse_long("--threads", value(), 1);
    } else if (flag == "--batch") {
      args.batch = (int)parse_long("--batch", value(), 1);
    } else if (flag == "--no-xnnpack") {
      args.xnnpack = false;
    } else if (flag == "--force-fp16") {
      args.force_fp16 = true;
    } else {
      usage_error("unknown argument '" + flag + "'");
    }
  }
  if (args.model.empty()) usage_error("--model is required");
  if (args.force_fp16 && !args.xnnpack) usage_error("--force-fp16 needs the XNNPACK delegate");
  return args;
}

// RAII owners: each native object deleted once, children (interpreter) before parents (delegate, model).
struct ModelDeleter {
  void operator()(TfLiteModel* p) const { TfLiteModelDelete(p); }
};
struct OptionsDeleter {
  void operator()(TfLiteInterpreterOptions* p) const { TfLiteInterpreterOptionsDelete(p); }
};
struct InterpreterDeleter {
  void operator()(TfLiteInterpreter* p) const { TfLiteInterpreterDelete(p); }
};
struct DelegateDeleter {
  void operator()(TfLiteOpaqueDelegate* p) const { TfLiteXNNPackDelegateDelete(p); }
};

uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// Nearest-rank percentile of sorted samples, in microseconds.
double percentile_us(const std::vector<uint64_t>& sorted, double p) {
  size_t rank = (size_t)std::ceil(p / 100.0 * (double)sorted.size());
  if (rank < 1) rank = 1;
  if (rank > sorted.size()) rank = sorted.size();
  return (double)sorted[rank - 1] / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);

  std::unique_ptr<TfLiteModel, ModelDeleter> model(TfLiteModelCreateFromFile(args.model.c_str()));
  if (!model) fail("cannot load model '" + args.model + "'");

  std::unique_ptr<TfLiteOpaqueDelegate, DelegateDeleter> delegate;
  unsigned flags = 0;
  if (args.xnnpack) {
    lm_xnnpack_options_padded padded = TfLiteXNNPackDelegateOptionsDefault();
    padded.options.num_threads = args.threads;
    if (args.force_fp16) padded.options.flags |= LM_XNNPACK_FLAG_FORCE_FP16;
    delegate.reset(TfLiteXNNPackDelegateCreate(&padded.options));
    if (!delegate) fail("TfLiteXNNPackDelegateCreate returned NULL");
    flags = (unsigned)TfLiteXNNPackDelegateGetFlags(delegate.get());
    if (flags != padded.options.flags) fail("XNNPACK options layout mismatch (see native/include/litemodel/shim.h)");
  }

  std::unique_ptr<TfLiteInterpreterOptions, OptionsDeleter> options(TfLiteInterpreterOptionsCreate());
  TfLiteInterpreterOptionsSetNumThreads(options.get(), args.threads);
  if (delegate) TfLiteInterpreterOptionsAddDelegate(options.get(), delegate.get());
  std::unique_ptr<TfLiteInterpreter, InterpreterDeleter> interpreter(
      TfLiteInterpreterCreate(model.get(), options.get()));
  if (!interpreter) fail("TfLiteInterpreterCreate failed (see the messages above)");
  if (TfLiteInterpreterGetInputTensorCount(interpreter.get()) != 1 ||
      TfLiteInterpreterGetOutputTensorCount(interpreter.get()) != 1) {
    fail("the floor program times single-input, single-output models only");
  }

  TfLiteTensor* input = TfLiteInterpreterGetInputTensor(interpreter.get(), 0);
  int rank = TfLiteTensorNumDims(input);
  if (rank < 1) fail("the input must have at least one dimension");
  bool float_input = TfLiteTensorType(input) == FLOOR_TFLITE_FLOAT32;
  std::vector<int> dims(rank);
  for (int d = 0; d < rank; d++) dims[d] = TfLiteTensorDim(input, d);
  dims[0] = args.batch;
  if (TfLiteInterpreterResizeInputTensor(interpreter.get(), 0, dims.data(), rank) != 0 ||
      TfLiteInterpreterAllocateTensors(interpreter.get()) != 0) {
    fail("cannot allocate tensors for batch " + std::to_string(args.batch) +
         " (is the batch dimension fixed? then use --batch with its size)");
  }
  input = TfLiteInterpreterGetInputTensor(interpreter.get(), 0);  // pointers may move on allocation
  const TfLiteTensor* output = TfLiteInterpreterGetOutputTensor(interpreter.get(), 0);
  size_t in_bytes = TfLiteTensorByteSize(input);
  size_t out_bytes = TfLiteTensorByteSize(output);

  // 16 different records, rotated per call: inputs vary cheaply, as in the Java benchmarks. Float inputs get values
  // in [-1, 1); other types (an int8 model) get random bytes, which is all the timing needs.
  const int kVariants = 16;
  std::vector<unsigned char> inputs(kVariants * in_bytes);
  uint32_t state = 12345u;
  if (float_input) {
    float* values = reinterpret_cast<float*>(inputs.data());
    for (size_t i = 0; i < inputs.size() / sizeof(float); i++) {
      state = state * 1664525u + 1013904223u;
      values[i] = (float)((state >> 8) & 0xFFFF) / 32768.0f - 1.0f;
    }
  } else {
    for (unsigned char& b : inputs) {
      state = state * 1664525u + 1013904223u;
      b = (unsigned char)(state >> 24);
    }
  }
  std::vector<unsigned char> out(out_bytes);
  std::vector<uint64_t> samples((size_t)args.calls);  // preallocated: nothing is allocated while timing
  double checksum = 0;

  for (long i = 0; i < args.warmup + args.calls; i++) {
    const unsigned char* record = inputs.data() + (i % kVariants) * in_bytes;
    uint64_t start = now_ns();
    if (TfLiteTensorCopyFromBuffer(input, record, in_bytes) != 0 || TfLiteInterpreterInvoke(interpreter.get()) != 0 ||
        TfLiteTensorCopyToBuffer(output, out.data(), out_bytes) != 0) {
      fail("call " + std::to_string(i) + " failed");
    }
    uint64_t end = now_ns();
    if (i >= args.warmup) samples[(size_t)(i - args.warmup)] = end - start;
    checksum += out[0];  // keeps the output observed; compared only between runs of one model
  }

  double sum = 0;
  for (uint64_t s : samples) sum += (double)s;
  std::vector<uint64_t> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  printf(
      "{\"runtime\": \"native-floor\", \"model\": \"%s\", \"tflite_version\": \"%s\", \"xnnpack\": %s, "
      "\"xnnpack_flags\": %u, \"threads\": %d, \"batch\": %d, \"warmup\": %ld, \"calls\": %ld, "
      "\"p50_us\": %.3f, \"p90_us\": %.3f, \"p99_us\": %.3f, \"p999_us\": %.3f, \"max_us\": %.3f, "
      "\"mean_us\": %.3f, \"checksum\": %.6g}\n",
      args.model.c_str(), TfLiteVersion(), args.xnnpack ? "true" : "false", flags, args.threads, args.batch,
      args.warmup, args.calls, percentile_us(sorted, 50), percentile_us(sorted, 90), percentile_us(sorted, 99),
      percentile_us(sorted, 99.9), (double)sorted.back() / 1000.0, sum / (double)args.calls / 1000.0, checksum);
  return 0;
}
