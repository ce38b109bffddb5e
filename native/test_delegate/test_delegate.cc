/*
 * LiteModel's test delegate plugin: a real TensorFlow Lite delegate, loadable like any third-party plugin (Python's
 * load_delegate, LiteModel's Accelerator.plugin), that claims float32 FULLY_CONNECTED nodes and computes them itself.
 *
 * It exists so the tests can prove, without a GPU: plugin loading, option passing, node partitioning, output parity
 * with the CPU kernels, error reporting, and the delegate lifetime (kernels freed before the delegate, the delegate
 * destroyed exactly once), through an optional trace file.
 *
 * Plugin entry points (the contract of TensorFlow Lite's external delegate and of Python's load_delegate):
 *   tflite_plugin_create_delegate(keys, values, count, report_error) / tflite_plugin_destroy_delegate(delegate)
 * Options (all optional):
 *   name=<text>          kernel name shown in the execution plan (default LiteModelTestDelegate)
 *   max_nodes=<n>        claim at most n nodes (default: all it supports); lets tests force a CPU fallback
 *   ops=FULLY_CONNECTED  the operators to claim; anything else is rejected with a reported error
 *   output_offset=<f>    added to every value the plugin computes (default 0): proves the plugin, not the CPU,
 *                        produced an output, since the CPU kernels cannot know this number
 *   trace=<path>         append one line per lifetime event to this file
 *   fault=abort          abort() the process when applied to a graph: a faulty plugin, for the tests of
 *                        LiteModel's child-process check (the crash must be a Java exception in the caller)
 *
 * It also exports the TensorFlow Lite GPU delegate V2 C ABI (TfLiteGpuDelegateOptionsV2Default,
 * TfLiteGpuDelegateV2Create, TfLiteGpuDelegateV2Delete) as a labelled stand-in, NOT a GPU: it lets the tests check
 * that LiteModel resolves that ABI at run time and maps every GPU option field, on a machine without a GPU. It
 * writes the options it received to <serialization_dir>/gpu_options.txt, and fails in Prepare, as the real delegate
 * does on a machine without OpenCL/OpenGL, when model_token is "unavailable".
 *
 * Only the classic delegate ABI is used, with the structs below declared by us, mirroring TensorFlow Lite 2.20
 * tensorflow/lite/core/c/common.h (fields are only ever appended there, so a prefix is enough). No TensorFlow Lite
 * symbol is needed: everything goes through TfLiteContext's function pointers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#define LM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// ---- TensorFlow Lite 2.20 C ABI (common.h, builtin_ops.h, builtin_op_data.h), declared by us. ----

enum { kOk = 0, kError = 1 };
enum { kFloat32 = 1 };
enum { kMmapRo = 1 };                       // TfLiteAllocationType of constant (weight) tensors
enum { kBuiltinFullyConnected = 9, kBuiltinDelegate = 51 };
enum { kFlagsAllowDynamicTensors = 1 };
enum { kActNone = 0, kActRelu = 1, kActReluN1To1 = 2, kActRelu6 = 3, kActTanh = 4, kActSigmoid = 6 };

struct IntArray {
  int size;
  int data[];
};

struct Context;
struct Delegate;

struct Tensor {
  int type;
  void* data;
  IntArray* dims;
  float scale;
  int32_t zero_point;
  int allocation_type;
  size_t bytes;
  const void* allocation;
  const char* name;
  Delegate* delegate;
  int buffer_handle;
  bool data_is_stale;
  bool is_variable;
  int quantization_type;
  void* quantization_params;
  void* sparsity;
  const IntArray* dims_signature;
};
// context->tensors is an array of these: the stride must match TensorFlow Lite's sizeof(TfLiteTensor) exactly.
static_assert(sizeof(Tensor) == 112, "TfLiteTensor layout (TensorFlow Lite 2.x, LP64)");

struct Node {
  IntArray* inputs;
  IntArray* outputs;
  IntArray* intermediates;
  IntArray* temporaries;
  void* user_data;
  void* builtin_data;
  const void* custom_initial_data;
  int custom_initial_data_size;
  Delegate* delegate;
  bool might_have_side_effect;
};

struct Registration {
  void* (*init)(Context* context, const char* buffer, size_t length);
  void (*free)(Context* context, void* buffer);
  int (*prepare)(Context* context, Node* node);
  int (*invoke)(Context* context, Node* node);
  const char* (*profiling_string)(const Context* context, const Node* node);
  int32_t builtin_code;
  const char* custom_name;
  int version;
  void* registration_external;
  void* async_kernel;
  uint64_t inplace_operator;
  // Passed by value to ReplaceNodeSubsetsWithDelegateKernels: a later runtime may read fields appended after
  // inplace_operator, so we pass zeroed room for them (a larger by-value struct is harmless; a smaller one is not).
  void* reserve[8];
};

struct Context {
  size_t tensors_size;
  int (*GetExecutionPlan)(Context* context, IntArray** execution_plan);
  Tensor* tensors;
  void* impl_;
  int (*ResizeTensor)(Context*, Tensor* tensor, IntArray* new_size);
  void (*ReportError)(Context*, const char* msg, ...);
  int (*AddTensors)(Context*, int tensors_to_add, int* first_new_tensor_index);
  int (*GetNodeAndRegistration)(Context*, int node_index, Node** node, Registration** registration);
  int (*ReplaceNodeSubsetsWithDelegateKernels)(Context*, Registration registration, const IntArray* nodes_to_replace,
                                               Delegate* delegate);
  int recommended_num_threads;
  void* GetExternalContext;
  void* SetExternalContext;
  bool allow_fp32_relax_to_fp16;
  void* profiler;
  void* AllocatePersistentBuffer;
  void* AllocateBufferForEval;
  void* RequestScratchBufferInArena;
  void* GetScratchBuffer;
  void* ResizeTensorExplicit;
  // further fields unused: tensors are read through `tensors` above, whose layout is fixed (static_assert below)
};

struct Delegate {
  void* data_;
  int (*Prepare)(Context* context, Delegate* delegate);
  void* CopyFromBufferHandle;
  void* CopyToBufferHandle;
  void* FreeBufferHandle;
  int64_t flags;
  void* opaque_delegate_builder;
};

struct DelegateParams {  // TfLiteDelegateParams: the builtin data of a delegate kernel node
  Delegate* delegate;
  IntArray* nodes_to_replace;
  IntArray* input_tensors;
  IntArray* output_tensors;
};

struct FullyConnectedParams {  // TfLiteFullyConnectedParams
  int activation;
  int weights_format;
  bool keep_num_dims;
  bool asymmetric_quantize_inputs;
  int quantized_bias_type;
};

/* TfLiteGpuDelegateOptionsV2 (delegates/gpu/delegate_options.h), for the labelled stand-in. */
struct GpuOptionsV2 {
  int32_t is_precision_loss_allowed;
  int32_t inference_preference;
  int32_t inference_priority1;
  int32_t inference_priority2;
  int32_t inference_priority3;
  int64_t experimental_flags;
  int32_t max_delegated_partitions;
  const char* serialization_dir;
  const char* model_token;
};

// ---- The plugin ----

struct Config {
  std::string name = "LiteModelTestDelegate";
  int max_nodes = -1;
  float output_offset = 0.0f;
  std::string trace;
  bool fail_prepare = false;       // GPU stand-in: behave like a GPU delegate on a machine without a GPU
  bool abort_in_prepare = false;   // fault=abort
  std::string fail_message;
};

struct TestDelegate {
  Delegate base;  // first member: a Delegate* is a TestDelegate*
  Config config;
  int live_kernels = 0;
  int claimed = 0;
};

std::mutex registry_mutex;
std::set<const TestDelegate*> live_delegates;  // lets a kernel detect, safely, that its delegate is already gone

void trace(const std::string& path, const std::string& line) {
  if (path.empty()) return;
  FILE* file = fopen(path.c_str(), "a");
  if (file == NULL) return;
  fprintf(file, "%s\n", line.c_str());
  fclose(file);
}

Tensor* tensor_at(Context* context, int index) {
  if (index < 0) return NULL;
  if (index < 0 || static_cast<size_t>(index) >= context->tensors_size) return NULL;
  return &context->tensors[index];
}

long long element_count(const IntArray* dims) {
  long long count = 1;
  for (int i = 0; i < dims->size; i++) count *= dims->data[i];
  return count;
}

float activate(int activation, float x) {
  switch (activation) {
    case kActRelu: return x < 0.0f ? 0.0f : x;
    case kActReluN1To1: return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    case kActRelu6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case kActTanh: return tanhf(x);
    case kActSigmoid: return 1.0f / (1.0f + expf(-x));
    default: return x;
  }
}

/* Whether this plugin can compute the node: float32 FULLY_CONNECTED with constant 2-D weights. */
bool supported(Context* context, Node* node, Registration* registration) {
  if (registration->builtin_code != kBuiltinFullyConnected) return false;
  const FullyConnectedParams* params = static_cast<const FullyConnectedParams*>(node->builtin_data);
  if (params == NULL || params->weights_format != 0) return false;
  int a = params->activation;
  if (a != kActNone && a != kActRelu && a != kActReluN1To1 && a != kActRelu6 && a != kActTanh && a != kActSigmoid) {
    return false;
  }
  if (node->inputs->size < 2 || node->outputs->size != 1) return false;
  Tensor* input = tensor_at(context, node->inputs->data[0]);
  Tensor* weights = tensor_at(context, node->inputs->data[1]);
  Tensor* output = tensor_at(context, node->outputs->data[0]);
  if (input == NULL || weights == NULL || output == NULL) return false;
  if (input->type != kFloat32 || weights->type != kFloat32 || output->type != kFloat32) return false;
  if (weights->allocation_type != kMmapRo || weights->dims == NULL || weights->dims->size != 2) return false;
  if (node->inputs->size > 2 && node->inputs->data[2] >= 0) {
    Tensor* bias = tensor_at(context, node->inputs->data[2]);
    if (bias == NULL || bias->type != kFloat32 || bias->allocation_type != kMmapRo) return false;
  }
  return true;
}

/* One FULLY_CONNECTED node inside a delegate kernel. */
struct Step {
  int input, weights, bias, output;
  int activation;
  bool keep_num_dims;
};

/* One delegate kernel (a partition): a chain of FULLY_CONNECTED steps. Tensors that only live inside the partition
 * are not allocated by TensorFlow Lite, so the kernel keeps them itself. */
struct Kernel {
  TestDelegate* owner;
  std::string trace_path;
  std::vector<Step> steps;
  std::set<int> graph_outputs;
  std::unordered_map<int, std::vector<float>> scratch;
  std::unordered_map<int, std::vector<int>> scratch_dims;
  long long invocations = 0;
};

void* kernel_init(Context* context, const char* buffer, size_t) {
  const DelegateParams* params = reinterpret_cast<const DelegateParams*>(buffer);
  TestDelegate* owner = reinterpret_cast<TestDelegate*>(params->delegate);
  Kernel* kernel = new Kernel();
  kernel->owner = owner;
  kernel->trace_path = owner->config.trace;
  for (int i = 0; i < params->output_tensors->size; i++) kernel->graph_outputs.insert(params->output_tensors->data[i]);
  for (int i = 0; i < params->nodes_to_replace->size; i++) {
    Node* node = NULL;
    Registration* registration = NULL;
    if (context->GetNodeAndRegistration(context, params->nodes_to_replace->data[i], &node, &registration) != kOk) {
      delete kernel;
      return NULL;
    }
    const FullyConnectedParams* fc = static_cast<const FullyConnectedParams*>(node->builtin_data);
    Step step;
    step.input = node->inputs->data[0];
    step.weights = node->inputs->data[1];
    step.bias = node->inputs->size > 2 ? node->inputs->data[2] : -1;
    step.output = node->outputs->data[0];
    step.activation = fc->activation;
    step.keep_num_dims = fc->keep_num_dims;
    kernel->steps.push_back(step);
  }
  {
    std::lock_guard<std::mutex> guard(registry_mutex);
    owner->live_kernels++;
  }
  trace(kernel->trace_path, "kernel-init nodes=" + std::to_string(kernel->steps.size()));
  return kernel;
}

void kernel_free(Context*, void* buffer) {
  Kernel* kernel = static_cast<Kernel*>(buffer);
  if (kernel == NULL) return;
  bool owner_alive;
  {
    std::lock_guard<std::mutex> guard(registry_mutex);
    owner_alive = live_delegates.count(kernel->owner) > 0;
    if (owner_alive) kernel->owner->live_kernels--;
  }
  trace(kernel->trace_path, std::string(owner_alive ? "kernel-free" : "kernel-free-after-destroy") +
                                " invocations=" + std::to_string(kernel->invocations));
  delete kernel;
}

/* Shape of a step's input: a graph tensor's dims, or a partition-internal tensor's. */
bool input_dims(Context* context, Kernel* kernel, int index, std::vector<int>* dims) {
  auto it = kernel->scratch_dims.find(index);
  if (it != kernel->scratch_dims.end()) {
    *dims = it->second;
    return true;
  }
  Tensor* tensor = tensor_at(context, index);
  if (tensor == NULL || tensor->dims == NULL) return false;
  dims->assign(tensor->dims->data, tensor->dims->data + tensor->dims->size);
  return true;
}

int kernel_prepare(Context* context, Node* node) {
  Kernel* kernel = static_cast<Kernel*>(node->user_data);
  kernel->scratch_dims.clear();
  for (const Step& step : kernel->steps) {
    std::vector<int> in;
    if (!input_dims(context, kernel, step.input, &in) || in.empty()) {
      context->ReportError(context, "LiteModelTestDelegate: input tensor %d has no shape", step.input);
      return kError;
    }
    Tensor* weights = tensor_at(context, step.weights);
    int units = weights->dims->data[0];
    int depth = weights->dims->data[1];
    long long count = 1;
    for (int d : in) count *= d;
    if (depth <= 0 || count % depth != 0) {
      context->ReportError(context, "LiteModelTestDelegate: input of %lld values is not a multiple of %d", count,
                           depth);
      return kError;
    }
    std::vector<int> out;
    if (step.keep_num_dims) {
      out = in;
      out.back() = units;
    } else {
      out = {static_cast<int>(count / depth), units};
    }
    if (kernel->graph_outputs.count(step.output) > 0) {
      Tensor* output = tensor_at(context, step.output);
      bool same = output->dims != NULL && output->dims->size == static_cast<int>(out.size());
      for (size_t d = 0; same && d < out.size(); d++) same = output->dims->data[d] == out[d];
      if (!same) {
        // ResizeTensor takes ownership of the array and frees it with free().
        IntArray* dims = static_cast<IntArray*>(malloc(sizeof(int) * (1 + out.size())));
        if (dims == NULL) return kError;
        dims->size = static_cast<int>(out.size());
        for (size_t d = 0; d < out.size(); d++) dims->data[d] = out[d];
        if (context->ResizeTensor(context, output, dims) != kOk) return kError;
      }
    } else {
      long long n = 1;
      for (int d : out) n *= d;
      kernel->scratch[step.output].assign(static_cast<size_t>(n), 0.0f);
      kernel->scratch_dims[step.output] = out;
    }
  }
  return kOk;
}

int kernel_invoke(Context* context, Node* node) {
  Kernel* kernel = static_cast<Kernel*>(node->user_data);
  float offset = kernel->owner->config.output_offset;
  for (const Step& step : kernel->steps) {
    auto in_scratch = kernel->scratch.find(step.input);
    const float* in;
    long long in_count;
    if (in_scratch != kernel->scratch.end()) {
      in = in_scratch->second.data();
      in_count = static_cast<long long>(in_scratch->second.size());
    } else {
      Tensor* input = tensor_at(context, step.input);
      in = static_cast<const float*>(input->data);
      in_count = element_count(input->dims);
    }
    Tensor* weights = tensor_at(context, step.weights);
    const float* w = static_cast<const float*>(weights->data);
    int units = weights->dims->data[0];
    int depth = weights->dims->data[1];
    const float* b = step.bias >= 0 ? static_cast<const float*>(tensor_at(context, step.bias)->data) : NULL;
    float* out;
    auto out_scratch = kernel->scratch.find(step.output);
    if (out_scratch != kernel->scratch.end()) {
      out = out_scratch->second.data();
    } else {
      out = static_cast<float*>(tensor_at(context, step.output)->data);
    }
    if (in == NULL || w == NULL || out == NULL) {
      context->ReportError(context, "LiteModelTestDelegate: a tensor has no data");
      return kError;
    }
    long long rows = in_count / depth;
    for (long long r = 0; r < rows; r++) {
      const float* x = in + r * depth;
      for (int u = 0; u < units; u++) {
        const float* wu = w + static_cast<long long>(u) * depth;
        float sum = b != NULL ? b[u] : 0.0f;
        for (int k = 0; k < depth; k++) sum += x[k] * wu[k];
        out[r * units + u] = activate(step.activation, sum) + offset;
      }
    }
  }
  kernel->invocations++;
  return kOk;
}

int delegate_prepare(Context* context, Delegate* base) {
  TestDelegate* self = reinterpret_cast<TestDelegate*>(base);
  if (self->config.abort_in_prepare) {
    abort();
  }
  if (self->config.fail_prepare) {
    context->ReportError(context, "%s", self->config.fail_message.c_str());
    trace(self->config.trace, "prepare failed");
    return kError;
  }
  IntArray* plan = NULL;
  if (context->GetExecutionPlan(context, &plan) != kOk || plan == NULL) return kError;
  std::vector<int> claim;
  for (int i = 0; i < plan->size; i++) {
    if (self->config.max_nodes >= 0 && static_cast<int>(claim.size()) >= self->config.max_nodes) break;
    Node* node = NULL;
    Registration* registration = NULL;
    if (context->GetNodeAndRegistration(context, plan->data[i], &node, &registration) != kOk) continue;
    if (supported(context, node, registration)) claim.push_back(plan->data[i]);
  }
  self->claimed = static_cast<int>(claim.size());
  trace(self->config.trace, "prepare claimed=" + std::to_string(claim.size()));
  if (claim.empty()) return kOk;
  IntArray* nodes = static_cast<IntArray*>(malloc(sizeof(int) * (1 + claim.size())));
  if (nodes == NULL) return kError;
  nodes->size = static_cast<int>(claim.size());
  for (size_t i = 0; i < claim.size(); i++) nodes->data[i] = claim[i];
  Registration kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.init = kernel_init;
  kernel.free = kernel_free;
  kernel.prepare = kernel_prepare;
  kernel.invoke = kernel_invoke;
  kernel.builtin_code = kBuiltinDelegate;
  kernel.custom_name = self->config.name.c_str();
  kernel.version = 1;
  int status = context->ReplaceNodeSubsetsWithDelegateKernels(context, kernel, nodes, base);
  free(nodes);  // not owned by the runtime
  return status;
}

TestDelegate* create(const Config& config, const char* origin) {
  TestDelegate* self = new TestDelegate();
  memset(&self->base, 0, sizeof self->base);
  self->base.data_ = self;
  self->base.Prepare = delegate_prepare;
  self->base.flags = kFlagsAllowDynamicTensors;
  self->config = config;
  {
    std::lock_guard<std::mutex> guard(registry_mutex);
    live_delegates.insert(self);
  }
  trace(config.trace, std::string("create ") + origin + " name=" + config.name);
  return self;
}

void destroy(Delegate* base) {
  if (base == NULL) return;
  TestDelegate* self = reinterpret_cast<TestDelegate*>(base);
  int live;
  {
    std::lock_guard<std::mutex> guard(registry_mutex);
    if (live_delegates.erase(self) == 0) {
      // Destroyed twice: record it (the test asserts it never happens) and do not free again.
      live = -1;
    } else {
      live = self->live_kernels;
    }
  }
  if (live < 0) {
    fprintf(stderr, "LiteModelTestDelegate: delegate %p destroyed twice\n", static_cast<void*>(base));
    return;
  }
  trace(self->config.trace, "destroy live_kernels=" + std::to_string(live));
  delete self;
}

bool parse_int(const char* text, int* value) {
  char* end = NULL;
  long parsed = strtol(text, &end, 10);
  if (end == text || *end != '\0' || parsed < 0 || parsed > 1000000) return false;
  *value = static_cast<int>(parsed);
  return true;
}

}  // namespace

LM_EXPORT Delegate* tflite_plugin_create_delegate(char** keys, char** values, size_t count,
                                                  void (*report_error)(const char*)) {
  Config config;
  for (size_t i = 0; i < count; i++) {
    std::string key = keys[i] != NULL ? keys[i] : "";
    const char* value = values[i] != NULL ? values[i] : "";
    std::string problem;
    if (key == "name") {
      if (*value == '\0') problem = "option 'name' must not be empty";
      config.name = value;
    } else if (key == "max_nodes") {
      if (!parse_int(value, &config.max_nodes)) problem = "option 'max_nodes' must be a non-negative integer";
    } else if (key == "ops") {
      if (strcmp(value, "FULLY_CONNECTED") != 0) {
        problem = std::string("option 'ops': this plugin only computes FULLY_CONNECTED, not '") + value + "'";
      }
    } else if (key == "output_offset") {
      char* end = NULL;
      config.output_offset = strtof(value, &end);
      if (end == value || *end != '\0') problem = "option 'output_offset' must be a number";
    } else if (key == "fault") {
      if (strcmp(value, "abort") != 0) problem = std::string("option 'fault': only 'abort' is known, not '") + value + "'";
      config.abort_in_prepare = true;
    } else if (key == "trace") {
      config.trace = value;
    } else {
      problem = "unknown option '" + key + "' (known: name, max_nodes, ops, output_offset, trace, fault)";
    }
    if (!problem.empty()) {
      if (report_error != NULL) report_error(("LiteModelTestDelegate: " + problem).c_str());
      return NULL;
    }
  }
  return &create(config, "plugin")->base;
}

LM_EXPORT void tflite_plugin_destroy_delegate(Delegate* delegate) { destroy(delegate); }

// ---- Labelled GPU delegate V2 stand-in (see the header comment). ----

LM_EXPORT GpuOptionsV2 TfLiteGpuDelegateOptionsV2Default() {
  GpuOptionsV2 options;
  memset(&options, 0, sizeof options);
  options.inference_priority1 = 1;  // MAX_PRECISION, as the real default
  options.experimental_flags = 1;   // ENABLE_QUANT, as the real default
  options.max_delegated_partitions = 1;
  return options;
}

LM_EXPORT Delegate* TfLiteGpuDelegateV2Create(const GpuOptionsV2* options) {
  Config config;
  config.name = "TestGpuDelegateStandIn";
  // The real delegate takes at most max_delegated_partitions partitions; single-node partitions here.
  config.max_nodes = options->max_delegated_partitions;
  if (options->serialization_dir != NULL) {
    std::string dir = options->serialization_dir;
    config.trace = dir + "/gpu_trace.txt";
    FILE* file = fopen((dir + "/gpu_options.txt").c_str(), "w");
    if (file != NULL) {
      fprintf(file,
              "is_precision_loss_allowed=%d\ninference_preference=%d\ninference_priority1=%d\n"
              "inference_priority2=%d\ninference_priority3=%d\nexperimental_flags=%lld\n"
              "max_delegated_partitions=%d\nserialization_dir=%s\nmodel_token=%s\n",
              options->is_precision_loss_allowed, options->inference_preference, options->inference_priority1,
              options->inference_priority2, options->inference_priority3,
              static_cast<long long>(options->experimental_flags), options->max_delegated_partitions,
              options->serialization_dir, options->model_token != NULL ? options->model_token : "(null)");
      fclose(file);
    }
  }
  if (options->model_token != NULL && strcmp(options->model_token, "unavailable") == 0) {
    config.fail_prepare = true;
    config.fail_message = "TfLiteGpuDelegate Init: no OpenCL or OpenGL ES device available (test stand-in)";
  }
  return &create(config, "gpu-stand-in")->base;
}

LM_EXPORT void TfLiteGpuDelegateV2Delete(Delegate* delegate) { destroy(delegate); }
