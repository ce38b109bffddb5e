/*
 * LiteModel native shim: the few TensorFlow Lite C entry points that the bytedeco presets do not map.
 *
 * Why a shim and not a link: the bytedeco build links TensorFlow Lite statically into libjnitensorflowlite.so, which
 * has no SONAME and lives in a JavaCPP cache folder that differs per jar. Linking our JNI library against it would
 * make the dynamic linker look for a second copy. Instead, Java hands us the path JavaCPP loaded it from, we take a
 * handle to that already-loaded object (RTLD_NOLOAD) and resolve the symbols we need, once, at start-up.
 *
 * This header is compiled exactly once, into the JNI library that JavaCPP generates for io.litemodel.internal.presets.
 * Every function is safe to call before lm_bind() succeeds: it reports "not bound" instead of crashing.
 */
#ifndef LITEMODEL_SHIM_H_
#define LITEMODEL_SHIM_H_

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mutex>
#include <new>

/* ---- Declarations of the TensorFlow Lite ABI we rely on (C API, stable across 2.x). ---- */

typedef struct lm_opaque lm_opaque;  // TfLiteModel, TfLiteInterpreterOptions, TfLiteDelegate: never dereferenced.

typedef void (*lm_reporter_fn)(void* user_data, const char* format, va_list args);

/* TfLiteIntArray: a size followed by that many ints (common.h; part of the stable C ABI). */
typedef struct {
  int size;
  int data[];
} lm_int_array;

/* TfLiteDelegateParams: what a delegate kernel node carries as its builtin data (common.h, stable C ABI). */
typedef struct {
  void* delegate;
  lm_int_array* nodes_to_replace;
  lm_int_array* input_tensors;
  lm_int_array* output_tensors;
} lm_delegate_params;

/* TfLiteOpaqueDelegateBuilder (c_api_opaque.h). Padded: later versions may append fields, which we leave zero. */
typedef struct {
  void* data;
  int (*prepare)(lm_opaque* context, lm_opaque* delegate, void* data);
  void* copy_from_buffer_handle;
  void* copy_to_buffer_handle;
  void* free_buffer_handle;
  int64_t flags;
  void* reserve[8];
} lm_opaque_delegate_builder;

#define LM_BUILTIN_DELEGATE 51                  /* kTfLiteBuiltinDelegate */
#define LM_DELEGATE_FLAGS_ALLOW_DYNAMIC_TENSORS 1 /* kTfLiteDelegateFlagsAllowDynamicTensors */

/* TfLiteXNNPackDelegateOptions as laid out by TensorFlow Lite 2.17 to 2.20. The layout is verified at run time by
 * lm_xnnpack_create (the flags we set must read back through TfLiteXNNPackDelegateGetFlags), so a future change of
 * layout fails with a message rather than silently misconfiguring the delegate. */
typedef struct {
  int32_t num_threads;
  uint32_t runtime_flags;
  uint32_t flags;
  void* weights_cache;
  bool handle_variable_ops;
  const char* weight_cache_file_path;
  int weight_cache_file_descriptor;
  void* weight_cache_provider;
} lm_xnnpack_options;

/* The real struct may grow in later versions. Returning it by value goes through a caller-provided buffer on every
 * ABI we support (it is larger than 16 bytes), so we give the callee plenty of room to write into. */
typedef struct {
  lm_xnnpack_options options;
  unsigned char reserve[256];
} lm_xnnpack_options_padded;

#define LM_XNNPACK_FLAG_QS8 0x00000001u
#define LM_XNNPACK_FLAG_QU8 0x00000002u
#define LM_XNNPACK_FLAG_FORCE_FP16 0x00000004u

struct lm_api {
  bool bound;
  lm_xnnpack_options_padded (*xnnpack_options_default)(void);
  lm_opaque* (*xnnpack_create)(const lm_xnnpack_options*);
  void (*xnnpack_delete)(lm_opaque*);
  int (*xnnpack_get_flags)(lm_opaque*);
  void* (*xnnpack_get_thread_pool)(lm_opaque*);
  void* (*weights_cache_create_with_size)(size_t);
  bool (*weights_cache_finalize_soft)(void*);
  void (*weights_cache_delete)(void*);
  void (*options_set_error_reporter)(lm_opaque*, lm_reporter_fn, void*);
  lm_opaque* (*model_create_with_error_reporter)(const void*, size_t, lm_reporter_fn, void*);
  bool (*verify_model)(const void*, size_t, void* error_reporter); /* tflite::Verify, the full model verifier */
  lm_opaque* (*opaque_delegate_create)(const void* builder);
  void (*opaque_delegate_delete)(lm_opaque*);
  int (*context_get_execution_plan)(lm_opaque* context, lm_int_array** plan);
  int (*context_get_node_and_registration)(lm_opaque* context, int node_index, lm_opaque** node,
                                           lm_opaque** registration);
  int (*operator_get_builtin_code)(const lm_opaque* registration);
  const char* (*operator_get_custom_name)(const lm_opaque* registration);
  void* (*node_get_builtin_data)(const lm_opaque* node);
  void* (*tensor_data)(const lm_opaque* tensor);
  size_t (*tensor_byte_size)(const lm_opaque* tensor);
};

static lm_api lm_tflite = {};
static std::mutex lm_bind_mutex;

static void lm_copy_message(char* dst, int cap, const char* text) {
  if (dst == NULL || cap <= 0) return;
  snprintf(dst, (size_t)cap, "%s", text);
}

template <typename Fn>
static bool lm_resolve(void* handle, const char* name, Fn* slot, char* err, int errlen) {
  void* symbol = dlsym(handle, name);
  if (symbol == NULL) {
    char message[512];
    snprintf(message, sizeof message, "symbol %s not found in the TensorFlow Lite library", name);
    lm_copy_message(err, errlen, message);
    return false;
  }
  *slot = reinterpret_cast<Fn>(symbol);
  return true;
}

/* Binds the shim to the TensorFlow Lite library already loaded from `path`. Returns 0 on success, or -1 with a
 * message in `err`. Idempotent and thread-safe. */
static int lm_bind(const char* path, char* err, int errlen) {
  std::lock_guard<std::mutex> guard(lm_bind_mutex);
  if (lm_tflite.bound) return 0;
  if (path == NULL) {
    lm_copy_message(err, errlen, "no TensorFlow Lite library path given");
    return -1;
  }
  void* handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle == NULL) {
    /* Not loaded yet (for example a native test harness): load it ourselves, locally. */
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  }
  if (handle == NULL) {
    const char* why = dlerror();
    lm_copy_message(err, errlen, why != NULL ? why : "dlopen failed");
    return -1;
  }
  lm_api api = {};
  bool ok = lm_resolve(handle, "TfLiteXNNPackDelegateOptionsDefault", &api.xnnpack_options_default, err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateCreate", &api.xnnpack_create, err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateDelete", &api.xnnpack_delete, err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateGetFlags", &api.xnnpack_get_flags, err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateGetThreadPool", &api.xnnpack_get_thread_pool, err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateWeightsCacheCreateWithSize",
                       &api.weights_cache_create_with_size, err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateWeightsCacheFinalizeSoft", &api.weights_cache_finalize_soft,
                       err, errlen) &&
            lm_resolve(handle, "TfLiteXNNPackDelegateWeightsCacheDelete", &api.weights_cache_delete, err, errlen) &&
            lm_resolve(handle, "TfLiteInterpreterOptionsSetErrorReporter", &api.options_set_error_reporter, err,
                       errlen) &&
            lm_resolve(handle, "TfLiteModelCreateWithErrorReporter", &api.model_create_with_error_reporter, err,
                       errlen) &&
            lm_resolve(handle, "TfLiteOpaqueDelegateCreate", &api.opaque_delegate_create, err, errlen) &&
            lm_resolve(handle, "TfLiteOpaqueDelegateDelete", &api.opaque_delegate_delete, err, errlen) &&
            lm_resolve(handle, "TfLiteOpaqueContextGetExecutionPlan", &api.context_get_execution_plan, err,
                       errlen) &&
            lm_resolve(handle, "TfLiteOpaqueContextGetNodeAndRegistration", &api.context_get_node_and_registration,
                       err, errlen) &&
            lm_resolve(handle, "TfLiteOperatorGetBuiltInCode", &api.operator_get_builtin_code, err, errlen) &&
            lm_resolve(handle, "TfLiteOperatorGetCustomName", &api.operator_get_custom_name, err, errlen) &&
            lm_resolve(handle, "TfLiteOpaqueNodeGetBuiltinData", &api.node_get_builtin_data, err, errlen) &&
            lm_resolve(handle, "TfLiteTensorData", &api.tensor_data, err, errlen) &&
            lm_resolve(handle, "TfLiteTensorByteSize", &api.tensor_byte_size, err, errlen);
  if (!ok) return -1;
  /* tflite::Verify(const void*, size_t, tflite::ErrorReporter*): checks tensors, buffers and operator indices, not
   * just the flatbuffer structure that TfLiteModelCreate checks. A C++ symbol, so resolved by its mangled name. */
  if (!lm_resolve(handle, "_ZN6tflite6VerifyEPKvmPNS_13ErrorReporterE", &api.verify_model, err, errlen)) return -1;
  /* Check our lm_xnnpack_options layout against this build once, with flags that differ from the defaults (with
   * the defaults a wrong layout would read back "correctly"). TRANSIENT_INDIRECTION_BUFFER only changes when
   * XNNPACK builds indirection buffers, so toggling it is harmless. */
  lm_xnnpack_options_padded probe_options = api.xnnpack_options_default();
  uint32_t wanted = probe_options.options.flags ^ 0x20u;
  probe_options.options.flags = wanted;
  probe_options.options.num_threads = 1;
  lm_opaque* layout_probe = api.xnnpack_create(&probe_options.options);
  if (layout_probe == NULL) {
    lm_copy_message(err, errlen, "XNNPACK delegate could not be created to check its options layout");
    return -1;
  }
  uint32_t seen = (uint32_t)api.xnnpack_get_flags(layout_probe);
  api.xnnpack_delete(layout_probe);
  if (seen != wanted) {
    char message[256];
    snprintf(message, sizeof message,
             "XNNPACK options layout mismatch (set flags 0x%x, delegate reports 0x%x): this TensorFlow Lite build "
             "is not supported by this LiteModel version", wanted, seen);
    lm_copy_message(err, errlen, message);
    return -1;
  }
  api.bound = true;
  lm_tflite = api;
  return 0;
}

/* ---- Error sink: collects what TensorFlow Lite reports, so Java exceptions carry the native text. ---- */

#define LM_ERROR_CAPACITY 4096

typedef struct {
  char text[LM_ERROR_CAPACITY];
  size_t length;
} lm_error_sink;

static void lm_error_sink_report(void* user_data, const char* format, va_list args) {
  lm_error_sink* sink = static_cast<lm_error_sink*>(user_data);
  if (sink == NULL || sink->length >= LM_ERROR_CAPACITY - 1) return;
  if (sink->length > 0) sink->text[sink->length++] = '\n';
  int written = vsnprintf(sink->text + sink->length, LM_ERROR_CAPACITY - sink->length, format, args);
  if (written > 0) {
    sink->length += (size_t)written;
    if (sink->length > LM_ERROR_CAPACITY - 1) sink->length = LM_ERROR_CAPACITY - 1;
  }
  sink->text[sink->length] = '\0';
}

static void* lm_error_sink_create(void) { return calloc(1, sizeof(lm_error_sink)); }

static void lm_error_sink_delete(void* sink) { free(sink); }

/* The collected text (empty when nothing was reported). Valid until the next clear or report. */
static const char* lm_error_sink_text(void* sink) {
  return sink == NULL ? "" : static_cast<lm_error_sink*>(sink)->text;
}

static void lm_error_sink_clear(void* sink) {
  if (sink == NULL) return;
  lm_error_sink* s = static_cast<lm_error_sink*>(sink);
  s->length = 0;
  s->text[0] = '\0';
}

/* Routes the interpreter's error reports (from options) into `sink`. Returns 0, or -1 if the shim is not bound. */
static int lm_options_set_error_sink(void* options, void* sink) {
  if (!lm_tflite.bound || options == NULL) return -1;
  lm_tflite.options_set_error_reporter(static_cast<lm_opaque*>(options), lm_error_sink_report, sink);
  return 0;
}

/* TfLiteModelCreateWithErrorReporter: verifies the flatbuffer and builds the model; NULL on failure, with the
 * reason in `sink`. `data` must outlive the model. */
namespace tflite {
/* Mirrors tensorflow/lite/core/api/error_reporter.h: the verifier reports through this interface's virtual Report.
 * Same virtual functions in the same order, so the Itanium C++ ABI vtable layout matches. */
class ErrorReporter {
 public:
  virtual ~ErrorReporter() {}
  virtual int Report(const char* format, va_list args) = 0;
};
}  // namespace tflite

/* Forwards the verifier's reports into an error sink. */
class lm_sink_reporter : public tflite::ErrorReporter {
 public:
  explicit lm_sink_reporter(void* sink) : sink_(sink) {}
  int Report(const char* format, va_list args) override {
    lm_error_sink_report(sink_, format, args);
    return 0;
  }

 private:
  void* sink_;
};

static void* lm_model_create(const void* data, long long size, void* sink) {
  if (!lm_tflite.bound || data == NULL || size <= 0) return NULL;
  lm_sink_reporter reporter(sink);
  if (!lm_tflite.verify_model(data, (size_t)size, &reporter)) return NULL;
  return lm_tflite.model_create_with_error_reporter(data, (size_t)size, lm_error_sink_report, sink);
}

/* ---- Tensor memory: has it moved? ----
 *
 * A graph with dynamic tensors re-plans its arena during Invoke, and the arena may then move, taking every tensor in
 * it along (inputs too). Java keeps views over tensor memory; this tells it, without allocating anything, whether a
 * tensor's data moved or changed size since the view was made. */
static int lm_tensor_changed(const void* tensor, long long address, long long bytes) {
  if (!lm_tflite.bound || tensor == NULL) return 1;
  const lm_opaque* t = static_cast<const lm_opaque*>(tensor);
  return ((long long)(intptr_t)lm_tflite.tensor_data(t) != address || (long long)lm_tflite.tensor_byte_size(t) != bytes)
             ? 1 : 0;
}

/* ---- XNNPACK delegate ---- */

/* The flags TfLiteXNNPackDelegateOptionsDefault() sets in this build, or -1 if not bound. */
static long long lm_xnnpack_default_flags(void) {
  if (!lm_tflite.bound) return -1;
  return (long long)lm_tflite.xnnpack_options_default().options.flags;
}

/* Creates an XNNPACK delegate. `flags` replace the default flags when `replace_flags` is non-zero, otherwise they are
 * added to them. `weights_cache` may be NULL. Returns NULL with a message in `err` on failure. */
static void* lm_xnnpack_create(int num_threads, long long flags, int replace_flags, void* weights_cache, char* err,
                               int errlen) {
  if (!lm_tflite.bound) {
    lm_copy_message(err, errlen, "LiteModel native shim is not bound to TensorFlow Lite");
    return NULL;
  }
  lm_xnnpack_options_padded padded = lm_tflite.xnnpack_options_default();
  lm_xnnpack_options* options = &padded.options;
  options->num_threads = num_threads;
  options->flags = replace_flags ? (uint32_t)flags : (options->flags | (uint32_t)flags);
  options->weights_cache = weights_cache;
  lm_opaque* delegate = lm_tflite.xnnpack_create(options);
  if (delegate == NULL) {
    lm_copy_message(err, errlen, "TfLiteXNNPackDelegateCreate returned NULL");
    return NULL;
  }
  uint32_t seen = (uint32_t)lm_tflite.xnnpack_get_flags(delegate);
  if (seen != options->flags) {
    lm_tflite.xnnpack_delete(delegate);
    char message[256];
    snprintf(message, sizeof message,
             "XNNPACK options layout mismatch: set flags 0x%x, delegate reports 0x%x; this TensorFlow Lite build "
             "is not supported by this LiteModel version",
             options->flags, seen);
    lm_copy_message(err, errlen, message);
    return NULL;
  }
  return delegate;
}

static void lm_xnnpack_delete(void* delegate) {
  if (lm_tflite.bound && delegate != NULL) lm_tflite.xnnpack_delete(static_cast<lm_opaque*>(delegate));
}

static long long lm_xnnpack_flags(void* delegate) {
  if (!lm_tflite.bound || delegate == NULL) return -1;
  return (long long)(uint32_t)lm_tflite.xnnpack_get_flags(static_cast<lm_opaque*>(delegate));
}

/* Non-zero when the delegate owns a thread pool (it does for num_threads > 1). */
static int lm_xnnpack_has_thread_pool(void* delegate) {
  if (!lm_tflite.bound || delegate == NULL) return 0;
  return lm_tflite.xnnpack_get_thread_pool(static_cast<lm_opaque*>(delegate)) != NULL ? 1 : 0;
}

/* A cache with `size` bytes reserved up front. The cache's buffer must never grow while delegates are being built
 * on it: growing moves it, and operators packed earlier keep pointing into the old buffer (observed with TensorFlow
 * Lite 2.20 on MobileNetV2: sporadic crashes in the first Invoke). Reserving more than the packed weights need
 * avoids that; untouched reserved pages cost no resident memory. */
static void* lm_xnnpack_weights_cache_create_with_size(long long size) {
  return (lm_tflite.bound && size > 0) ? lm_tflite.weights_cache_create_with_size((size_t)size) : NULL;
}

/* Soft finalization keeps the cache usable by delegates created later, which may insert packed weights only when
 * they are cache hits (TensorFlow Lite's contract). Returns 1 on success. */
static int lm_xnnpack_weights_cache_finalize_soft(void* cache) {
  return (lm_tflite.bound && cache != NULL && lm_tflite.weights_cache_finalize_soft(cache)) ? 1 : 0;
}

static void lm_xnnpack_weights_cache_delete(void* cache) {
  if (lm_tflite.bound && cache != NULL) lm_tflite.weights_cache_delete(cache);
}

/* ---- Graph probe: a delegate that claims nothing and records the execution plans it is shown. ----
 *
 * TensorFlow Lite applies delegates in the order they were added, each seeing the plan its predecessors left. Added
 * last, the probe sees the final plan: every delegate kernel node (with the delegate's name and how many original
 * nodes it replaced) and every node left to the CPU kernels (by builtin code). This is how LiteModel reports what
 * actually runs, without any private API.
 *
 * A model may have several subgraphs (signatures, control-flow bodies, init graphs), and a delegate is applied to
 * each of them in turn, in subgraph order, each with its own context. So the probe keeps one record per context, in
 * the order the contexts were first seen; when delegation is redone for one subgraph (after a resize), its record is
 * replaced. Java maps records to subgraphs (see NativeInterpreter.report()). */

#include <string>
#include <vector>

struct lm_probe_record {
  const void* context;  /* the subgraph's context: identifies the subgraph across re-preparations */
  int prepared;         /* how many times Prepare ran for this subgraph */
  int plan_size;        /* nodes in the final execution plan */
  int delegate_kernels; /* partitions: nodes that are delegate kernels */
  int delegated_nodes;  /* original nodes replaced by delegate kernels */
  int cpu_nodes;        /* nodes left to the built-in kernels */
  std::vector<int> codes;         /* one per plan node: builtin code, or -1 for a delegate kernel */
  std::vector<std::string> names; /* delegate kernel or custom op name ("" for builtins) */
};

struct lm_probe_report {
  std::vector<lm_probe_record> records;
};

static int lm_probe_prepare(lm_opaque* context, lm_opaque* delegate, void* data) {
  (void)delegate;
  lm_probe_report* report = static_cast<lm_probe_report*>(data);
  lm_int_array* plan = NULL;
  if (lm_tflite.context_get_execution_plan(context, &plan) != 0 || plan == NULL) return 0;
  lm_probe_record* record = NULL;
  for (lm_probe_record& existing : report->records) {
    if (existing.context == context) record = &existing;
  }
  if (record == NULL) {
    report->records.emplace_back();
    record = &report->records.back();
    record->context = context;
    record->prepared = 0;
  }
  record->prepared++;
  record->plan_size = plan->size;
  record->delegate_kernels = 0;
  record->delegated_nodes = 0;
  record->cpu_nodes = 0;
  record->codes.assign((size_t)plan->size, -2);
  record->names.assign((size_t)plan->size, std::string());
  for (int i = 0; i < plan->size; i++) {
    lm_opaque* node = NULL;
    lm_opaque* registration = NULL;
    if (lm_tflite.context_get_node_and_registration(context, plan->data[i], &node, &registration) != 0) continue;
    int code = lm_tflite.operator_get_builtin_code(registration);
    const char* name = lm_tflite.operator_get_custom_name(registration);
    if (code == LM_BUILTIN_DELEGATE) {
      const lm_delegate_params* params = static_cast<const lm_delegate_params*>(lm_tflite.node_get_builtin_data(node));
      record->delegate_kernels++;
      record->delegated_nodes += (params != NULL && params->nodes_to_replace != NULL) ? params->nodes_to_replace->size : 0;
    } else {
      record->cpu_nodes++;
    }
    record->codes[(size_t)i] = code == LM_BUILTIN_DELEGATE ? -1 : code;
    record->names[(size_t)i] = name != NULL ? name : "";
  }
  return 0; /* kTfLiteOk: the probe never claims nodes */
}

typedef struct {
  lm_opaque_delegate_builder builder;
  lm_probe_report report;
  lm_opaque* delegate;
} lm_probe;

/* Creates a probe; add lm_probe_delegate(probe) to the interpreter options after every other delegate. */
static void* lm_probe_create(void) {
  if (!lm_tflite.bound) return NULL;
  lm_probe* probe = new (std::nothrow) lm_probe();
  if (probe == NULL) return NULL;
  probe->builder.data = &probe->report;
  probe->builder.prepare = lm_probe_prepare;
  probe->builder.flags = LM_DELEGATE_FLAGS_ALLOW_DYNAMIC_TENSORS;
  probe->delegate = lm_tflite.opaque_delegate_create(&probe->builder);
  if (probe->delegate == NULL) {
    delete probe;
    return NULL;
  }
  return probe;
}

static void* lm_probe_delegate(void* probe) {
  return probe == NULL ? NULL : static_cast<lm_probe*>(probe)->delegate;
}

/* How many subgraphs the probe was shown (one record each, in the order first seen). */
static int lm_probe_records(void* probe) {
  return probe == NULL ? 0 : (int)static_cast<lm_probe*>(probe)->report.records.size();
}

static const lm_probe_record* lm_probe_record_at(void* probe, int record) {
  if (probe == NULL || record < 0) return NULL;
  const std::vector<lm_probe_record>& records = static_cast<lm_probe*>(probe)->report.records;
  return (size_t)record < records.size() ? &records[(size_t)record] : NULL;
}

/* Record fields by number: 0 prepared, 1 plan size, 2 delegate kernels, 3 delegated nodes, 4 cpu nodes. */
static int lm_probe_count(void* probe, int record, int field) {
  const lm_probe_record* r = lm_probe_record_at(probe, record);
  if (r == NULL) return -1;
  switch (field) {
    case 0: return r->prepared;
    case 1: return r->plan_size;
    case 2: return r->delegate_kernels;
    case 3: return r->delegated_nodes;
    case 4: return r->cpu_nodes;
    default: return -1;
  }
}

/* For plan node i of a record: its builtin code, -1 for a delegate kernel, -2 when unknown or out of range. */
static int lm_probe_node_code(void* probe, int record, int i) {
  const lm_probe_record* r = lm_probe_record_at(probe, record);
  if (r == NULL || i < 0 || (size_t)i >= r->codes.size()) return -2;
  return r->codes[(size_t)i];
}

static const char* lm_probe_node_name(void* probe, int record, int i) {
  const lm_probe_record* r = lm_probe_record_at(probe, record);
  if (r == NULL || i < 0 || (size_t)i >= r->names.size()) return "";
  return r->names[(size_t)i].c_str();
}

/* Frees the probe; call only after the interpreter that used it was deleted. */
static void lm_probe_delete(void* probe) {
  if (probe == NULL) return;
  lm_probe* p = static_cast<lm_probe*>(probe);
  if (lm_tflite.bound && p->delegate != NULL) lm_tflite.opaque_delegate_delete(p->delegate);
  delete p;
}

/* ---- Delegate plugins: any shared library with the TensorFlow Lite external delegate entry points. ----
 *
 * The contract (Python's load_delegate, TensorFlow Lite's external delegate):
 *   TfLiteDelegate* tflite_plugin_create_delegate(char** keys, char** values, size_t count,
 *                                                 void (*report_error)(const char*));
 *   void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate);
 * The TensorFlow Lite build we bind to also exports TfLiteExternalDelegateCreate, an adapter over the same contract;
 * we call the plugin directly instead, because that adapter logs the plugin's errors to stderr where we cannot
 * collect them, and we want them in the exception.
 *
 * Libraries are never dlclose()d: plugins (GPU drivers in particular) start threads and register thread-local
 * destructors that can outlive their delegate, and unloading the code they point into crashes the process later.
 * dlopen() of a library already loaded only bumps a count, so loading the same plugin again costs nothing. */

typedef lm_opaque* (*lm_plugin_create_fn)(char** keys, char** values, size_t count, void (*report)(const char*));
typedef void (*lm_plugin_destroy_fn)(lm_opaque* delegate);

/* report_error carries no user data, so plugin errors are collected per thread (plugins report synchronously). */
static thread_local char lm_plugin_errors[1024];

static void lm_plugin_report(const char* message) {
  size_t used = strlen(lm_plugin_errors);
  if (message == NULL || used >= sizeof lm_plugin_errors - 2) return;
  snprintf(lm_plugin_errors + used, sizeof lm_plugin_errors - used, "%s%s", used > 0 ? "; " : "", message);
}

typedef struct {
  lm_opaque* delegate;
  lm_plugin_destroy_fn destroy;
} lm_plugin;

/* dlopen()s `path` (a path, or a bare file name searched by the dynamic linker), or NULL with the reason in err. */
static void* lm_open_library(const char* path, const char* what, char* err, int errlen) {
  if (path == NULL || path[0] == '\0') {
    lm_copy_message(err, errlen, "no library path given");
    return NULL;
  }
  void* library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    const char* why = dlerror();
    char message[1024];
    snprintf(message, sizeof message, "could not load %s %s: %s", what, path, why != NULL ? why : "dlopen failed");
    lm_copy_message(err, errlen, message);
  }
  return library;
}

static bool lm_library_symbol(void* library, const char* path, const char* what, const char* name, void** slot,
                              char* err, int errlen) {
  *slot = dlsym(library, name);
  if (*slot == NULL) {
    char message[1024];
    snprintf(message, sizeof message, "%s is not a %s: it does not export %s", path, what, name);
    lm_copy_message(err, errlen, message);
    return false;
  }
  return true;
}

/* Loads a delegate plugin and creates its delegate with `count` key/value options. Returns an lm_plugin, or NULL
 * with the reason (including what the plugin reported) in err. */
static void* lm_plugin_create(const char* path, const char** keys, const char** values, int count, char* err,
                              int errlen) {
  void* library = lm_open_library(path, "delegate plugin", err, errlen);
  if (library == NULL) return NULL;
  void* create = NULL;
  void* destroy = NULL;
  if (!lm_library_symbol(library, path, "TensorFlow Lite delegate plugin", "tflite_plugin_create_delegate", &create,
                         err, errlen) ||
      !lm_library_symbol(library, path, "TensorFlow Lite delegate plugin", "tflite_plugin_destroy_delegate",
                         &destroy, err, errlen)) {
    return NULL;
  }
  lm_plugin* plugin = static_cast<lm_plugin*>(calloc(1, sizeof(lm_plugin)));
  if (plugin == NULL) {
    lm_copy_message(err, errlen, "out of memory");
    return NULL;
  }
  lm_plugin_errors[0] = '\0';
  plugin->delegate = reinterpret_cast<lm_plugin_create_fn>(create)(
      const_cast<char**>(keys), const_cast<char**>(values), count < 0 ? 0 : (size_t)count, lm_plugin_report);
  plugin->destroy = reinterpret_cast<lm_plugin_destroy_fn>(destroy);
  if (plugin->delegate == NULL) {
    char message[1536];
    snprintf(message, sizeof message, "tflite_plugin_create_delegate of %s returned no delegate%s%s", path,
             lm_plugin_errors[0] != '\0' ? ": " : "", lm_plugin_errors);
    lm_copy_message(err, errlen, message);
    free(plugin);
    return NULL;
  }
  return plugin;
}

static void* lm_plugin_delegate(void* plugin) {
  return plugin == NULL ? NULL : static_cast<lm_plugin*>(plugin)->delegate;
}

/* Destroys the plugin's delegate (through the plugin) and frees the handle; after its interpreter was deleted. */
static void lm_plugin_delete(void* plugin) {
  if (plugin == NULL) return;
  lm_plugin* p = static_cast<lm_plugin*>(plugin);
  if (p->delegate != NULL) p->destroy(p->delegate);
  free(p);
}

/* ---- GPU delegate V2, resolved at run time from libtensorflowlite_gpu_delegate.so (or any library with its ABI).
 *
 * TfLiteGpuDelegateOptionsV2 as declared by tensorflow/lite/delegates/gpu/delegate_options.h (2.x). Debug builds of
 * the delegate may append fields, so the defaults are returned into a padded buffer (the callee writes the whole
 * struct through a hidden pointer on every ABI we support, as it is larger than 16 bytes). */
typedef struct {
  int32_t is_precision_loss_allowed;
  int32_t inference_preference;
  int32_t inference_priority1;
  int32_t inference_priority2;
  int32_t inference_priority3;
  int64_t experimental_flags;
  int32_t max_delegated_partitions;
  const char* serialization_dir;
  const char* model_token;
} lm_gpu_options;

typedef struct {
  lm_gpu_options options;
  unsigned char reserve[256];
} lm_gpu_options_padded;

typedef lm_gpu_options_padded (*lm_gpu_options_default_fn)(void);
typedef lm_opaque* (*lm_gpu_create_fn)(const lm_gpu_options* options);
typedef void (*lm_gpu_delete_fn)(lm_opaque* delegate);

typedef struct {
  lm_opaque* delegate;
  lm_gpu_delete_fn destroy;
  lm_gpu_options_padded options; /* the options the delegate was created with (it keeps the string pointers) */
  char* serialization_dir;
  char* model_token;
} lm_gpu;

static char* lm_strdup_or_null(const char* text) {
  if (text == NULL || text[0] == '\0') return NULL;
  size_t n = strlen(text) + 1;
  char* copy = static_cast<char*>(malloc(n));
  if (copy != NULL) memcpy(copy, text, n);
  return copy;
}

/* Loads the GPU delegate library at `path` and creates a delegate. Integer options below zero keep the library's
 * default; `flags_set`/`flags_clear` edit the default experimental flags. `serialization_dir`/`model_token` may be
 * NULL. Returns an lm_gpu, or NULL with the reason in err. Note that a real GPU delegate finds out whether a GPU is
 * usable only when it is applied to a graph (interpreter creation), not here. */
static void* lm_gpu_create(const char* path, int precision_loss_allowed, int inference_preference, int priority1,
                           int priority2, int priority3, long long flags_set, long long flags_clear,
                           int max_delegated_partitions, const char* serialization_dir, const char* model_token,
                           char* err, int errlen) {
  void* library = lm_open_library(path, "GPU delegate library", err, errlen);
  if (library == NULL) return NULL;
  void* defaults = NULL;
  void* create = NULL;
  void* destroy = NULL;
  const char* what = "TensorFlow Lite GPU delegate V2 library";
  if (!lm_library_symbol(library, path, what, "TfLiteGpuDelegateOptionsV2Default", &defaults, err, errlen) ||
      !lm_library_symbol(library, path, what, "TfLiteGpuDelegateV2Create", &create, err, errlen) ||
      !lm_library_symbol(library, path, what, "TfLiteGpuDelegateV2Delete", &destroy, err, errlen)) {
    return NULL;
  }
  lm_gpu* gpu = static_cast<lm_gpu*>(calloc(1, sizeof(lm_gpu)));
  if (gpu == NULL) {
    lm_copy_message(err, errlen, "out of memory");
    return NULL;
  }
  gpu->options = reinterpret_cast<lm_gpu_options_default_fn>(defaults)();
  lm_gpu_options* options = &gpu->options.options;
  if (precision_loss_allowed >= 0) options->is_precision_loss_allowed = precision_loss_allowed;
  if (inference_preference >= 0) options->inference_preference = inference_preference;
  if (priority1 >= 0) options->inference_priority1 = priority1;
  if (priority2 >= 0) options->inference_priority2 = priority2;
  if (priority3 >= 0) options->inference_priority3 = priority3;
  options->experimental_flags = (options->experimental_flags | flags_set) & ~flags_clear;
  if (max_delegated_partitions >= 0) options->max_delegated_partitions = max_delegated_partitions;
  gpu->serialization_dir = lm_strdup_or_null(serialization_dir);
  gpu->model_token = lm_strdup_or_null(model_token);
  options->serialization_dir = gpu->serialization_dir;
  options->model_token = gpu->model_token;
  gpu->destroy = reinterpret_cast<lm_gpu_delete_fn>(destroy);
  gpu->delegate = reinterpret_cast<lm_gpu_create_fn>(create)(options);
  if (gpu->delegate == NULL) {
    char message[1024];
    snprintf(message, sizeof message, "TfLiteGpuDelegateV2Create of %s returned no delegate", path);
    lm_copy_message(err, errlen, message);
    free(gpu->serialization_dir);
    free(gpu->model_token);
    free(gpu);
    return NULL;
  }
  return gpu;
}

static void* lm_gpu_delegate(void* gpu) { return gpu == NULL ? NULL : static_cast<lm_gpu*>(gpu)->delegate; }

/* The options the delegate runs with, by number: 0 precision loss allowed, 1 preference, 2..4 priorities 1..3,
 * 5 experimental flags, 6 max delegated partitions; -1 for an unknown field or no delegate. */
static long long lm_gpu_option(void* gpu, int field) {
  if (gpu == NULL) return -1;
  const lm_gpu_options* o = &static_cast<lm_gpu*>(gpu)->options.options;
  switch (field) {
    case 0: return o->is_precision_loss_allowed;
    case 1: return o->inference_preference;
    case 2: return o->inference_priority1;
    case 3: return o->inference_priority2;
    case 4: return o->inference_priority3;
    case 5: return (long long)o->experimental_flags;
    case 6: return o->max_delegated_partitions;
    default: return -1;
  }
}

/* Deletes the delegate and frees the handle; after its interpreter was deleted. */
static void lm_gpu_delete(void* gpu) {
  if (gpu == NULL) return;
  lm_gpu* g = static_cast<lm_gpu*>(gpu);
  if (g->delegate != NULL) g->destroy(g->delegate);
  free(g->serialization_dir);
  free(g->model_token);
  free(g);
}

/* ==== Native log level (kept apart from the rest of the shim; used by io.litemodel.NativeRuntime) ==== */

/* TensorFlow Lite logs ("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.") through
 * tflite::logging_internal::MinimalLogger, straight to stderr. Its threshold is set with the C++ functions
 * tflite::LoggerOptions::{Set,Get}MinimumLogSeverity(tflite::LogSeverity) (tensorflow/lite/logger.h), resolved by
 * their mangled names. They are looked up on their own, not in lm_bind, because the level must be set before
 * lm_bind's XNNPACK layout probe logs its first line. LogSeverity: 0 verbose, 1 info, 2 warning, 3 error, 4 silent. */
#define LM_LOG_SET_SEVERITY_SYMBOL "_ZN6tflite13LoggerOptions21SetMinimumLogSeverityENS_11LogSeverityE"
#define LM_LOG_GET_SEVERITY_SYMBOL "_ZN6tflite13LoggerOptions21GetMinimumLogSeverityEv"

static void* lm_log_symbol(const char* path, const char* name) {
  if (path == NULL) return NULL;
  void* handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD); /* only the copy JavaCPP already loaded, never a new one */
  if (handle == NULL) return NULL;
  void* symbol = dlsym(handle, name);
  dlclose(handle); /* balances our dlopen; JavaCPP's own reference keeps the library loaded */
  return symbol;
}

/* Sets the minimum severity TensorFlow Lite's logger prints. Returns the previous one, or -1 when the library at
 * `path` is not loaded or has no such function (then nothing changed). */
static int lm_log_set_severity(const char* path, int severity) {
  void* symbol = lm_log_symbol(path, LM_LOG_SET_SEVERITY_SYMBOL);
  if (symbol == NULL || severity < 0 || severity > 4) return -1;
  return reinterpret_cast<int (*)(int)>(symbol)(severity);
}

/* The minimum severity TensorFlow Lite's logger prints now, or -1 as above. */
static int lm_log_severity(const char* path) {
  void* symbol = lm_log_symbol(path, LM_LOG_GET_SEVERITY_SYMBOL);
  return symbol == NULL ? -1 : reinterpret_cast<int (*)(void)>(symbol)();
}

/* ==== End of the native log level section ==== */

#endif  // LITEMODEL_SHIM_H_
