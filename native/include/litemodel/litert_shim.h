/*
 * LiteModel's LiteRT shim: the part of LiteRT's C API (google-ai-edge/LiteRT, headers under litert/c) that LiteModel's GPU path
 * uses, plus a Vulkan device listing. Compiled once, into the JNI library JavaCPP generates for
 * io.litemodel.internal.presets.LiteRtShim.
 *
 * Why dlopen and not a link: libLiteRt.so is not part of LiteModel's jar (it comes from the ai-edge-litert wheel,
 * fetched only by users of the GPU path), so the JNI library must load and work without it. lm_lrt_bind() opens the
 * library at a path Java gives and resolves every symbol once; every other function reports "not bound" until then.
 * LiteRT carries its own TensorFlow Lite runtime; RTLD_LOCAL keeps its symbols apart from bytedeco's copy.
 *
 * Declarations below mirror LiteRT 2.3.0's headers (only what is used). Struct layouts that cross the ABI
 * (LiteRtEnvOption, LiteRtRankedTensorType) are checked where they can be: see lm_lrt_type_dims.
 */
#ifndef LITEMODEL_LITERT_SHIM_H_
#define LITEMODEL_LITERT_SHIM_H_

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mutex>

/* ---- LiteRT C API declarations (litert_common.h, litert_any.h, litert_environment_options.h, litert_layout.h). */

typedef struct lm_lrt_opaque lm_lrt_opaque; /* every LiteRt* handle: never dereferenced */

typedef struct {
  int type; /* LiteRtAnyType: 8 = string */
  union {
    bool bool_value;
    int64_t int_value;
    double real_value;
    const char* str_value;
    const void* ptr_value;
  };
} lm_lrt_any;

typedef struct {
  int tag; /* LiteRtEnvOptionTag */
  lm_lrt_any value;
} lm_lrt_env_option;
static_assert(sizeof(lm_lrt_env_option) == 24, "LiteRtEnvOption is 24 bytes in LiteRT's ABI");

#define LM_LRT_ANY_STRING 8
#define LM_LRT_ENV_RUNTIME_LIBRARY_DIR 22 /* kLiteRtEnvOptionTagRuntimeLibraryDir: where the GPU accelerator is */
#define LM_LRT_ENV_MIN_LOGGER_SEVERITY 25 /* kLiteRtEnvOptionTagMinLoggerSeverity */
#define LM_LRT_ANY_INT 2
#define LM_LRT_MAX_RANK 8                 /* LITERT_TENSOR_MAX_RANK */
#define LM_LRT_LOCK_READ 0                /* kLiteRtTensorBufferLockModeRead */
#define LM_LRT_LOCK_WRITE 1               /* kLiteRtTensorBufferLockModeWrite */
#define LM_LRT_HOST_ALIGNMENT 64          /* LITERT_HOST_MEMORY_BUFFER_ALIGNMENT */

/* LiteRtRankedTensorType: { LiteRtElementType element_type; LiteRtLayout layout; } with LiteRtLayout { uint32_t rank
 * (older releases: a 7-bit field plus has_strides); int32_t dimensions[8]; const uint32_t* strides; }. We hold it in a
 * padded buffer that LiteRT fills, and read only element type, rank and dimensions. */
typedef struct {
  int32_t element_type;
  uint32_t rank_bits;
  int32_t dimensions[LM_LRT_MAX_RANK];
  const uint32_t* strides;
  unsigned char reserve[128];
} lm_lrt_tensor_type;

struct lm_lrt_api {
  bool bound;
  int (*create_environment)(int, const lm_lrt_env_option*, lm_lrt_opaque**);
  void (*destroy_environment)(lm_lrt_opaque*);
  int (*create_model_from_buffer)(lm_lrt_opaque* env, const void*, size_t, lm_lrt_opaque**);
  void (*destroy_model)(lm_lrt_opaque*);
  int (*create_options)(lm_lrt_opaque**);
  void (*destroy_options)(lm_lrt_opaque*);
  int (*set_options_hardware_accelerators)(lm_lrt_opaque*, int);
  int (*create_compiled_model)(lm_lrt_opaque* env, lm_lrt_opaque* model, lm_lrt_opaque* options,
                               lm_lrt_opaque** compiled);
  void (*destroy_compiled_model)(lm_lrt_opaque*);
  int (*is_fully_accelerated)(lm_lrt_opaque*, bool*);
  int (*get_error_messages)(lm_lrt_opaque*, char**);
  int (*get_model_signature)(lm_lrt_opaque*, size_t, lm_lrt_opaque**);
  int (*get_num_signature_inputs)(lm_lrt_opaque*, size_t*);
  int (*get_num_signature_outputs)(lm_lrt_opaque*, size_t*);
  int (*get_signature_input_name)(lm_lrt_opaque*, size_t, const char**);
  int (*get_signature_output_name)(lm_lrt_opaque*, size_t, const char**);
  int (*get_signature_input_tensor)(lm_lrt_opaque*, size_t, lm_lrt_opaque**);
  int (*get_signature_output_tensor)(lm_lrt_opaque*, size_t, lm_lrt_opaque**);
  int (*get_ranked_tensor_type)(lm_lrt_opaque*, lm_lrt_tensor_type*);
  int (*resize_input)(lm_lrt_opaque*, size_t, size_t, const int*, size_t);
  int (*input_requirements)(lm_lrt_opaque*, size_t, size_t, lm_lrt_opaque**);
  int (*output_requirements)(lm_lrt_opaque*, size_t, size_t, lm_lrt_opaque**);
  int (*create_buffer_from_requirements)(lm_lrt_opaque* env, const lm_lrt_tensor_type*, lm_lrt_opaque*,
                                         lm_lrt_opaque**);
  int (*buffer_packed_size)(lm_lrt_opaque*, size_t*);
  void (*destroy_buffer)(lm_lrt_opaque*);
  int (*lock_buffer)(lm_lrt_opaque*, void**, int);
  int (*unlock_buffer)(lm_lrt_opaque*);
  int (*run)(lm_lrt_opaque*, size_t, size_t, lm_lrt_opaque**, size_t, lm_lrt_opaque**);
};

static lm_lrt_api lm_lrt = {};
static std::mutex lm_lrt_bind_mutex;

static void lm_lrt_copy(char* dst, int cap, const char* text) {
  if (dst != NULL && cap > 0) snprintf(dst, (size_t)cap, "%s", text);
}

/* LiteRtStatus names (litert_common.h); libLiteRt.so 2.3.0 exports no LiteRtGetStatusString. */
static const char* lm_lrt_status_name(int status) {
  switch (status) {
    case 0: return "kLiteRtStatusOk";
    case 1: return "kLiteRtStatusErrorInvalidArgument";
    case 2: return "kLiteRtStatusErrorMemoryAllocationFailure";
    case 3: return "kLiteRtStatusErrorRuntimeFailure";
    case 4: return "kLiteRtStatusErrorMissingInputTensor";
    case 5: return "kLiteRtStatusErrorUnsupported";
    case 6: return "kLiteRtStatusErrorNotFound";
    case 7: return "kLiteRtStatusErrorTimeoutExpired";
    case 8: return "kLiteRtStatusErrorWrongVersion";
    case 9: return "kLiteRtStatusErrorUnknown";
    case 10: return "kLiteRtStatusErrorAlreadyExists";
    case 100: return "kLiteRtStatusCancelled";
    case 500: return "kLiteRtStatusErrorFileIO";
    case 501: return "kLiteRtStatusErrorInvalidFlatbuffer";
    case 502: return "kLiteRtStatusErrorDynamicLoading";
    case 503: return "kLiteRtStatusErrorSerialization";
    case 504: return "kLiteRtStatusErrorCompilation";
    default: return "LiteRtStatus (unknown code)";
  }
}

template <typename Fn>
static bool lm_lrt_resolve(void* handle, const char* path, const char* name, Fn* slot, char* err, int errlen) {
  void* symbol = dlsym(handle, name);
  if (symbol == NULL) {
    char message[1024];
    snprintf(message, sizeof message, "%s does not export %s: not a LiteRT 2.x C API library", path, name);
    lm_lrt_copy(err, errlen, message);
    return false;
  }
  *slot = reinterpret_cast<Fn>(symbol);
  return true;
}

/* Loads libLiteRt.so from `path` and resolves the C API. 0, or -1 with the reason in err. Idempotent. */
static int lm_lrt_bind(const char* path, char* err, int errlen) {
  std::lock_guard<std::mutex> guard(lm_lrt_bind_mutex);
  if (lm_lrt.bound) return 0;
  if (path == NULL || path[0] == '\0') {
    lm_lrt_copy(err, errlen, "no LiteRT library path given");
    return -1;
  }
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char* why = dlerror();
    char message[1024];
    snprintf(message, sizeof message, "could not load LiteRT library %s: %s", path, why != NULL ? why : "dlopen");
    lm_lrt_copy(err, errlen, message);
    return -1;
  }
  lm_lrt_api api = {};
#define LM_LRT_RESOLVE(slot, name) lm_lrt_resolve(handle, path, name, &api.slot, err, errlen)
  bool ok = LM_LRT_RESOLVE(create_environment, "LiteRtCreateEnvironment") &&
            LM_LRT_RESOLVE(destroy_environment, "LiteRtDestroyEnvironment") &&
            LM_LRT_RESOLVE(create_model_from_buffer, "LiteRtCreateModelFromBuffer") &&
            LM_LRT_RESOLVE(destroy_model, "LiteRtDestroyModel") &&
            LM_LRT_RESOLVE(create_options, "LiteRtCreateOptions") &&
            LM_LRT_RESOLVE(destroy_options, "LiteRtDestroyOptions") &&
            LM_LRT_RESOLVE(set_options_hardware_accelerators, "LiteRtSetOptionsHardwareAccelerators") &&
            LM_LRT_RESOLVE(create_compiled_model, "LiteRtCreateCompiledModel") &&
            LM_LRT_RESOLVE(destroy_compiled_model, "LiteRtDestroyCompiledModel") &&
            LM_LRT_RESOLVE(is_fully_accelerated, "LiteRtCompiledModelIsFullyAccelerated") &&
            LM_LRT_RESOLVE(get_error_messages, "LiteRtCompiledModelGetErrorMessages") &&
            LM_LRT_RESOLVE(get_model_signature, "LiteRtGetModelSignature") &&
            LM_LRT_RESOLVE(get_num_signature_inputs, "LiteRtGetNumSignatureInputs") &&
            LM_LRT_RESOLVE(get_num_signature_outputs, "LiteRtGetNumSignatureOutputs") &&
            LM_LRT_RESOLVE(get_signature_input_name, "LiteRtGetSignatureInputName") &&
            LM_LRT_RESOLVE(get_signature_output_name, "LiteRtGetSignatureOutputName") &&
            LM_LRT_RESOLVE(get_signature_input_tensor, "LiteRtGetSignatureInputTensorByIndex") &&
            LM_LRT_RESOLVE(get_signature_output_tensor, "LiteRtGetSignatureOutputTensorByIndex") &&
            LM_LRT_RESOLVE(get_ranked_tensor_type, "LiteRtGetRankedTensorType") &&
            LM_LRT_RESOLVE(resize_input, "LiteRtCompiledModelResizeInputTensor") &&
            LM_LRT_RESOLVE(input_requirements, "LiteRtGetCompiledModelInputBufferRequirements") &&
            LM_LRT_RESOLVE(output_requirements, "LiteRtGetCompiledModelOutputBufferRequirements") &&
            LM_LRT_RESOLVE(create_buffer_from_requirements, "LiteRtCreateManagedTensorBufferFromRequirements") &&
            LM_LRT_RESOLVE(buffer_packed_size, "LiteRtGetTensorBufferPackedSize") &&
            LM_LRT_RESOLVE(destroy_buffer, "LiteRtDestroyTensorBuffer") &&
            LM_LRT_RESOLVE(lock_buffer, "LiteRtLockTensorBuffer") &&
            LM_LRT_RESOLVE(unlock_buffer, "LiteRtUnlockTensorBuffer") &&
            LM_LRT_RESOLVE(run, "LiteRtRunCompiledModel");
#undef LM_LRT_RESOLVE
  if (!ok) {
    dlclose(handle);
    return -1;
  }
  api.bound = true;
  lm_lrt = api;
  return 0;
}

/* ---- One compiled model with its tensor buffers. ---- */

typedef struct {
  lm_lrt_tensor_type type;   /* the model's declared type; dimensions[0] set to the batch by lm_lrt_prepare */
  const char* name;          /* owned by the LiteRtModel */
  lm_lrt_opaque* buffer;     /* LiteRT managed buffer (what the accelerator reads/writes) */
  void* staging;             /* our host copy, LM_LRT_HOST_ALIGNMENT aligned: Java's view of the tensor */
  size_t bytes;              /* packed size of buffer == size of staging */
  int32_t declared_first;    /* the first dimension as the model declares it (negative: dynamic batch) */
} lm_lrt_tensor;

typedef struct {
  void* model_data; /* LiteRT keeps pointers into the flatbuffer: it must outlive the model */
  lm_lrt_opaque* env;
  lm_lrt_opaque* model;
  lm_lrt_opaque* compiled;
  lm_lrt_opaque* signature;
  size_t inputs;
  size_t outputs;
  lm_lrt_tensor* tensors; /* inputs, then outputs */
  lm_lrt_opaque** input_buffers;
  lm_lrt_opaque** output_buffers;
  bool fully_accelerated;
  char* compile_log; /* what the compilation printed on stderr (see lm_lrt_capture); owned, may be NULL */
  bool ran;          /* set by the first lm_lrt_run after lm_lrt_prepare, which is captured like the compilation */
  char* first_run_log; /* what that run printed (LiteRT initializes its GPU kernels then); owned, may be NULL */
  char message[2048]; /* the last failure (run time only; set once, no allocation on the hot path) */
} lm_lrt_model;

static void lm_lrt_fail(char* err, int errlen, const char* what, int status, lm_lrt_opaque* compiled) {
  char* details = NULL;
  if (compiled != NULL && lm_lrt.get_error_messages != NULL) lm_lrt.get_error_messages(compiled, &details);
  char message[2048];
  snprintf(message, sizeof message, "%s failed: %s (%d)%s%s", what, lm_lrt_status_name(status), status,
           details != NULL && details[0] != '\0' ? ": " : "", details != NULL ? details : "");
  free(details);
  lm_lrt_copy(err, errlen, message);
}

static void lm_lrt_free_buffers(lm_lrt_model* m) {
  if (m->tensors == NULL) return;
  for (size_t i = 0; i < m->inputs + m->outputs; i++) {
    if (m->tensors[i].buffer != NULL) lm_lrt.destroy_buffer(m->tensors[i].buffer);
    free(m->tensors[i].staging);
    m->tensors[i].buffer = NULL;
    m->tensors[i].staging = NULL;
    m->tensors[i].bytes = 0;
  }
}

/* Destroys children before parents: buffers, compiled model, model, environment; then our copies. */
static void lm_lrt_close(void* handle) {
  if (handle == NULL) return;
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  if (lm_lrt.bound) {
    lm_lrt_free_buffers(m);
    if (m->compiled != NULL) lm_lrt.destroy_compiled_model(m->compiled);
    if (m->model != NULL) lm_lrt.destroy_model(m->model);
    if (m->env != NULL) lm_lrt.destroy_environment(m->env);
  }
  free(m->compile_log);
  free(m->first_run_log);
  free(m->tensors);
  free(m->input_buffers);
  free(m->output_buffers);
  free(m->model_data);
  free(m);
}

/* ---- Capturing what a compilation prints. LiteRT's GPU accelerator reports the operators it leaves to the CPU only
 * as text on stderr ("Following operations are not supported by GPU delegate: ..."), through a TensorFlow Lite and
 * absl logger that LiteRT's environment options do not silence and its C API cannot redirect. So while a model
 * compiles, file descriptor 2 points at a temporary file; the text goes to Java, which reads the report out of it
 * and passes the rest on to stderr by LiteModel's log level. Compilations are serialized by one mutex (a cold path);
 * anything another thread writes to stderr meanwhile is passed on after it, late (see LiteRtCompileLog.passOn). What
 * a crash inside LiteRT prints while stderr is captured is lost with the process (the JVM's hs_err file remains). */

static std::mutex lm_lrt_capture_mutex;

typedef struct {
  FILE* file;
  int saved; /* the real stderr, dup'ed; -1 when not capturing */
} lm_lrt_capture;

static void lm_lrt_capture_begin(lm_lrt_capture* c) {
  c->saved = -1;
  fflush(stderr);
  c->file = tmpfile();
  if (c->file == NULL) return;
  c->saved = dup(2);
  if (c->saved < 0 || dup2(fileno(c->file), 2) < 0) {
    if (c->saved >= 0) close(c->saved);
    c->saved = -1;
    fclose(c->file);
    c->file = NULL;
  }
}

/* Restores stderr and returns what was written meanwhile (malloc'ed, NUL-terminated; NULL when nothing was captured
 * or memory ran out). Keeps the last LM_LRT_CAPTURE_LIMIT bytes, after a line saying how many were dropped. */
#define LM_LRT_CAPTURE_LIMIT (1L << 20)
static char* lm_lrt_capture_end(lm_lrt_capture* c) {
  if (c->saved < 0) return NULL;
  fflush(stderr);
  dup2(c->saved, 2);
  close(c->saved);
  c->saved = -1;
  char* text = NULL;
  if (fseek(c->file, 0, SEEK_END) == 0) {
    long size = ftell(c->file);
    long keep = size > LM_LRT_CAPTURE_LIMIT ? LM_LRT_CAPTURE_LIMIT : (size < 0 ? 0 : size);
    char marker[96] = "";
    if (size > keep) snprintf(marker, sizeof marker, "[LiteModel: the first %ld bytes of LiteRT's log dropped]\n",
                              size - keep);
    size_t used = strlen(marker);
    text = static_cast<char*>(malloc(used + (size_t)keep + 1));
    if (text != NULL && fseek(c->file, size - keep, SEEK_SET) == 0) {
      memcpy(text, marker, used);
      size_t n = fread(text + used, 1, (size_t)keep, c->file);
      text[used + n] = '\0';
    } else if (text != NULL) {
      text[0] = '\0';
    }
  }
  fclose(c->file);
  c->file = NULL;
  return text;
}

/* Compiles `size` bytes of .tflite for the accelerators in `accelerators` (LiteRtHwAccelerators bits: 1 CPU, 2 GPU).
 * `runtime_dir` is where LiteRT looks for libLiteRtWebGpuAccelerator.so; `log_severity` is LiteRT's minimum log
 * severity (LiteRtLogSeverity, the same scale as TensorFlow Lite's: 0 verbose .. 4 silent). Buffers are made by lm_lrt_prepare. Returns
 * the model, or NULL with the reason in err. */
static void* lm_lrt_open(const char* runtime_dir, const void* data, long long size, int accelerators,
                         int log_severity, char* err, int errlen) {
  if (!lm_lrt.bound) {
    lm_lrt_copy(err, errlen, "LiteRT is not bound (lm_lrt_bind was not called or failed)");
    return NULL;
  }
  if (data == NULL || size <= 0) {
    lm_lrt_copy(err, errlen, "no model bytes");
    return NULL;
  }
  lm_lrt_model* m = static_cast<lm_lrt_model*>(calloc(1, sizeof(lm_lrt_model)));
  if (m == NULL || (m->model_data = malloc((size_t)size)) == NULL) {
    free(m);
    lm_lrt_copy(err, errlen, "out of memory");
    return NULL;
  }
  memcpy(m->model_data, data, (size_t)size);
  lm_lrt_env_option options[2] = {};
  int count = 0;
  options[count].tag = LM_LRT_ENV_RUNTIME_LIBRARY_DIR;
  options[count].value.type = LM_LRT_ANY_STRING;
  options[count].value.str_value = runtime_dir;
  if (runtime_dir != NULL && runtime_dir[0] != '\0') count++;
  options[count].tag = LM_LRT_ENV_MIN_LOGGER_SEVERITY;
  options[count].value.type = LM_LRT_ANY_INT;
  options[count].value.int_value = log_severity;
  count++;
  int status;
  const char* failed = NULL;
  {
    std::lock_guard<std::mutex> guard(lm_lrt_capture_mutex);
    lm_lrt_capture capture;
    lm_lrt_capture_begin(&capture);
    status = lm_lrt.create_environment(count, options, &m->env);
    if (status != 0) failed = "LiteRtCreateEnvironment";
    if (failed == NULL) {
      status = lm_lrt.create_model_from_buffer(m->env, m->model_data, (size_t)size, &m->model);
      if (status != 0) failed = "LiteRtCreateModelFromBuffer";
    }
    if (failed == NULL) {
      lm_lrt_opaque* compile_options = NULL;
      status = lm_lrt.create_options(&compile_options);
      if (status == 0) status = lm_lrt.set_options_hardware_accelerators(compile_options, accelerators);
      if (status == 0) status = lm_lrt.create_compiled_model(m->env, m->model, compile_options, &m->compiled);
      if (compile_options != NULL) lm_lrt.destroy_options(compile_options);
      if (status != 0) failed = "LiteRtCreateCompiledModel";
    }
    m->compile_log = lm_lrt_capture_end(&capture);
  }
  if (failed != NULL) {
    lm_lrt_fail(err, errlen, failed, status, m->compiled);
    /* The log may say why (an unsupported operator, listed near its end): keep its tail after LiteRT's message. */
    if (m->compile_log != NULL && m->compile_log[0] != '\0') {
      size_t used = strlen(err);
      size_t room = used + 24 < (size_t)errlen ? (size_t)errlen - used - 24 : 0;
      size_t length = strlen(m->compile_log);
      const char* tail = length > room ? m->compile_log + (length - room) : m->compile_log;
      snprintf(err + used, used < (size_t)errlen ? (size_t)errlen - used : 0, "\n--- LiteRT log ---\n%s", tail);
    }
    lm_lrt_close(m);
    return NULL;
  }
  bool full = false;
  if (lm_lrt.is_fully_accelerated(m->compiled, &full) == 0) m->fully_accelerated = full;
  status = lm_lrt.get_model_signature(m->model, 0, &m->signature);
  if (status == 0) status = lm_lrt.get_num_signature_inputs(m->signature, &m->inputs);
  if (status == 0) status = lm_lrt.get_num_signature_outputs(m->signature, &m->outputs);
  if (status != 0) {
    lm_lrt_fail(err, errlen, "reading the model's first signature", status, NULL);
    lm_lrt_close(m);
    return NULL;
  }
  m->tensors = static_cast<lm_lrt_tensor*>(calloc(m->inputs + m->outputs, sizeof(lm_lrt_tensor)));
  m->input_buffers = static_cast<lm_lrt_opaque**>(calloc(m->inputs + 1, sizeof(lm_lrt_opaque*)));
  m->output_buffers = static_cast<lm_lrt_opaque**>(calloc(m->outputs + 1, sizeof(lm_lrt_opaque*)));
  if (m->tensors == NULL || m->input_buffers == NULL || m->output_buffers == NULL) {
    lm_lrt_copy(err, errlen, "out of memory");
    lm_lrt_close(m);
    return NULL;
  }
  for (size_t i = 0; i < m->inputs + m->outputs; i++) {
    bool input = i < m->inputs;
    size_t k = input ? i : i - m->inputs;
    lm_lrt_opaque* tensor = NULL;
    lm_lrt_tensor* t = &m->tensors[i];
    status = input ? lm_lrt.get_signature_input_tensor(m->signature, k, &tensor)
                   : lm_lrt.get_signature_output_tensor(m->signature, k, &tensor);
    if (status == 0) status = lm_lrt.get_ranked_tensor_type(tensor, &t->type);
    if (status == 0) {
      status = input ? lm_lrt.get_signature_input_name(m->signature, k, &t->name)
                     : lm_lrt.get_signature_output_name(m->signature, k, &t->name);
    }
    if (status == 0 && (t->type.rank_bits & 0x7fu) > LM_LRT_MAX_RANK) status = 1;
    t->declared_first = (t->type.rank_bits & 0x7fu) > 0 ? t->type.dimensions[0] : 1;
    if (status != 0) {
      lm_lrt_fail(err, errlen, "reading the signature's tensor types", status, NULL);
      lm_lrt_close(m);
      return NULL;
    }
  }
  return m;
}

static lm_lrt_tensor* lm_lrt_tensor_at(void* handle, int output, int index) {
  if (handle == NULL || index < 0) return NULL;
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  size_t limit = output ? m->outputs : m->inputs;
  if ((size_t)index >= limit) return NULL;
  return &m->tensors[(output ? m->inputs : 0) + (size_t)index];
}

static int lm_lrt_count(void* handle, int output) {
  if (handle == NULL) return -1;
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  return (int)(output ? m->outputs : m->inputs);
}

static int lm_lrt_rank(void* handle, int output, int index) {
  lm_lrt_tensor* t = lm_lrt_tensor_at(handle, output, index);
  return t == NULL ? -1 : (int)(t->type.rank_bits & 0x7fu);
}

/* A dimension of the tensor (after lm_lrt_prepare: with the batch); negative = dynamic. INT32_MIN if out of range. */
static int lm_lrt_dim(void* handle, int output, int index, int d) {
  lm_lrt_tensor* t = lm_lrt_tensor_at(handle, output, index);
  if (t == NULL || d < 0 || d >= (int)(t->type.rank_bits & 0x7fu)) return INT32_MIN;
  return t->type.dimensions[d];
}

/* LiteRtElementType, which mirrors TfLiteType (1 = float32). -1 if out of range. */
static int lm_lrt_element_type(void* handle, int output, int index) {
  lm_lrt_tensor* t = lm_lrt_tensor_at(handle, output, index);
  return t == NULL ? -1 : t->type.element_type;
}

static const char* lm_lrt_name(void* handle, int output, int index) {
  lm_lrt_tensor* t = lm_lrt_tensor_at(handle, output, index);
  return t == NULL || t->name == NULL ? "" : t->name;
}

static void* lm_lrt_staging(void* handle, int output, int index) {
  lm_lrt_tensor* t = lm_lrt_tensor_at(handle, output, index);
  return t == NULL ? NULL : t->staging;
}

static long long lm_lrt_bytes(void* handle, int output, int index) {
  lm_lrt_tensor* t = lm_lrt_tensor_at(handle, output, index);
  return t == NULL ? -1 : (long long)t->bytes;
}

/* What the compilation printed on stderr ("" when nothing). */
static const char* lm_lrt_compile_log(void* handle) {
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  return m == NULL || m->compile_log == NULL ? "" : m->compile_log;
}

static int lm_lrt_fully_accelerated(void* handle) {
  return handle != NULL && static_cast<lm_lrt_model*>(handle)->fully_accelerated ? 1 : 0;
}

/* Fixes the batch (the first dimension of every tensor whose first dimension is dynamic; `batch` is ignored when no
 * tensor has one), then makes the buffers: LiteRT's, from the compiled model's requirements, and our aligned host
 * copies. Replaces earlier buffers. Any other dynamic dimension is refused. 0, or -1 with the reason in err. */
static int lm_lrt_prepare(void* handle, int batch, char* err, int errlen) {
  if (handle == NULL || !lm_lrt.bound) {
    lm_lrt_copy(err, errlen, "no LiteRT model");
    return -1;
  }
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  lm_lrt_free_buffers(m);
  m->ran = false; /* LiteRT initializes its GPU kernels again for new shapes, and logs about it: capture that too */
  for (size_t i = 0; i < m->inputs + m->outputs; i++) {
    lm_lrt_tensor* t = &m->tensors[i];
    bool input = i < m->inputs;
    size_t k = input ? i : i - m->inputs;
    int rank = (int)(t->type.rank_bits & 0x7fu);
    for (int d = 1; d < rank; d++) {
      if (t->type.dimensions[d] < 0) {
        char message[512];
        snprintf(message, sizeof message, "%s '%s' has a dynamic dimension %d; only the first (batch) dimension "
                 "may be dynamic on LiteRT's GPU path", input ? "input" : "output", t->name, d);
        lm_lrt_copy(err, errlen, message);
        return -1;
      }
    }
    bool dynamic = rank > 0 && t->declared_first < 0;
    if (dynamic) {
      if (batch < 1) {
        lm_lrt_copy(err, errlen, "batch must be at least 1");
        return -1;
      }
      t->type.dimensions[0] = batch;
      if (input) {
        int status = lm_lrt.resize_input(m->compiled, 0, k, t->type.dimensions, (size_t)rank);
        if (status != 0) {
          lm_lrt_fail(err, errlen, "LiteRtCompiledModelResizeInputTensor", status, m->compiled);
          return -1;
        }
      }
    }
  }
  for (size_t i = 0; i < m->inputs + m->outputs; i++) {
    lm_lrt_tensor* t = &m->tensors[i];
    bool input = i < m->inputs;
    size_t k = input ? i : i - m->inputs;
    lm_lrt_opaque* requirements = NULL;
    int status = input ? lm_lrt.input_requirements(m->compiled, 0, k, &requirements)
                       : lm_lrt.output_requirements(m->compiled, 0, k, &requirements);
    if (status == 0) status = lm_lrt.create_buffer_from_requirements(m->env, &t->type, requirements, &t->buffer);
    if (status == 0) status = lm_lrt.buffer_packed_size(t->buffer, &t->bytes);
    if (status != 0) {
      lm_lrt_fail(err, errlen, input ? "creating an input buffer" : "creating an output buffer", status,
                  m->compiled);
      lm_lrt_free_buffers(m);
      return -1;
    }
    size_t rounded = (t->bytes + LM_LRT_HOST_ALIGNMENT - 1) / LM_LRT_HOST_ALIGNMENT * LM_LRT_HOST_ALIGNMENT;
    if (posix_memalign(&t->staging, LM_LRT_HOST_ALIGNMENT, rounded == 0 ? LM_LRT_HOST_ALIGNMENT : rounded) != 0) {
      t->staging = NULL;
      lm_lrt_copy(err, errlen, "out of memory");
      lm_lrt_free_buffers(m);
      return -1;
    }
    memset(t->staging, 0, rounded == 0 ? LM_LRT_HOST_ALIGNMENT : rounded);
    if (input) {
      m->input_buffers[k] = t->buffer;
    } else {
      m->output_buffers[k] = t->buffer;
    }
  }
  return 0;
}

static int lm_lrt_run_once(lm_lrt_model* m);

/* Copies every staging input into LiteRT's buffers, runs, and copies the outputs back. The hot path: no allocation
 * unless it fails. The first run after each lm_lrt_prepare is captured like the compilation (LiteRT logs while it
 * initializes its GPU kernels for the new shapes; see lm_lrt_first_run_log). 0, or the LiteRtStatus with the reason in
 * lm_lrt_message. */
static int lm_lrt_run(void* handle) {
  if (handle == NULL || !lm_lrt.bound) return -1;
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  if (m->ran) return lm_lrt_run_once(m);
  m->ran = true;
  /* Never wait here for another model's compilation: when the capture is busy, this run's lines go to stderr. */
  std::unique_lock<std::mutex> guard(lm_lrt_capture_mutex, std::try_to_lock);
  if (!guard.owns_lock()) return lm_lrt_run_once(m);
  lm_lrt_capture capture;
  lm_lrt_capture_begin(&capture);
  int status = lm_lrt_run_once(m);
  free(m->first_run_log);
  m->first_run_log = lm_lrt_capture_end(&capture);
  return status;
}

/* What the last captured lm_lrt_run printed on stderr ("" when nothing, or before it). */
static const char* lm_lrt_first_run_log(void* handle) {
  lm_lrt_model* m = static_cast<lm_lrt_model*>(handle);
  return m == NULL || m->first_run_log == NULL ? "" : m->first_run_log;
}

static int lm_lrt_run_once(lm_lrt_model* m) {
  if (m->inputs == 0 || m->outputs == 0 || m->tensors[0].buffer == NULL) {
    lm_lrt_copy(m->message, sizeof m->message, "buffers not prepared (lm_lrt_prepare)");
    return -1;
  }
  for (size_t i = 0; i < m->inputs + m->outputs; i++) {
    if (i == m->inputs) {
      int status = lm_lrt.run(m->compiled, 0, m->inputs, m->input_buffers, m->outputs, m->output_buffers);
      if (status != 0) {
        lm_lrt_fail(m->message, sizeof m->message, "LiteRtRunCompiledModel", status, m->compiled);
        return status;
      }
    }
    lm_lrt_tensor* t = &m->tensors[i];
    bool input = i < m->inputs;
    void* mapped = NULL;
    int status = lm_lrt.lock_buffer(t->buffer, &mapped, input ? LM_LRT_LOCK_WRITE : LM_LRT_LOCK_READ);
    if (status != 0 || mapped == NULL) {
      status = status != 0 ? status : 3; /* kLiteRtStatusErrorRuntimeFailure */
      lm_lrt_fail(m->message, sizeof m->message, "LiteRtLockTensorBuffer", status, NULL);
      return status;
    }
    if (input) {
      memcpy(mapped, t->staging, t->bytes);
    } else {
      memcpy(t->staging, mapped, t->bytes);
    }
    lm_lrt.unlock_buffer(t->buffer);
  }
  return 0;
}

static const char* lm_lrt_message(void* handle) {
  return handle == NULL ? "no LiteRT model" : static_cast<lm_lrt_model*>(handle)->message;
}

/* ---- Vulkan devices, listed through the Vulkan loader (libvulkan.so.1) the process would use. LiteRT's WebGPU
 * accelerator (Dawn) picks among these; listing them ourselves tells hardware from software (SwiftShader reports
 * VK_PHYSICAL_DEVICE_TYPE_CPU) without creating a LiteRT environment. */

typedef struct {
  int s_type;
  const void* next;
  uint32_t flags;
  const void* application_info;
  uint32_t layer_count;
  const char* const* layers;
  uint32_t extension_count;
  const char* const* extensions;
} lm_vk_instance_create_info; /* VkInstanceCreateInfo */

typedef struct {
  uint32_t api_version;
  uint32_t driver_version;
  uint32_t vendor_id;
  uint32_t device_id;
  int32_t device_type; /* VkPhysicalDeviceType: 1 integrated, 2 discrete, 3 virtual, 4 CPU */
  char device_name[256];
  unsigned char rest[1024]; /* pipelineCacheUUID, limits, sparse properties: not read */
} lm_vk_device_properties;

/* Writes one line per Vulkan physical device, "TYPE\tNAME\n", into out, and returns how many; -1 with the reason in
 * out when there is no Vulkan loader or the instance cannot be made. */
static int lm_vk_devices(char* out, int outlen) {
  lm_lrt_copy(out, outlen, "");
  void* loader = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (loader == NULL) {
    const char* why = dlerror();
    char message[512];
    snprintf(message, sizeof message, "no Vulkan loader (libvulkan.so.1): %s", why != NULL ? why : "dlopen failed");
    lm_lrt_copy(out, outlen, message);
    return -1;
  }
  typedef int (*create_fn)(const lm_vk_instance_create_info*, const void*, void**);
  typedef void (*destroy_fn)(void*, const void*);
  typedef int (*enumerate_fn)(void*, uint32_t*, void**);
  typedef void (*properties_fn)(void*, lm_vk_device_properties*);
  create_fn create = reinterpret_cast<create_fn>(dlsym(loader, "vkCreateInstance"));
  destroy_fn destroy = reinterpret_cast<destroy_fn>(dlsym(loader, "vkDestroyInstance"));
  enumerate_fn enumerate = reinterpret_cast<enumerate_fn>(dlsym(loader, "vkEnumeratePhysicalDevices"));
  properties_fn properties = reinterpret_cast<properties_fn>(dlsym(loader, "vkGetPhysicalDeviceProperties"));
  if (create == NULL || destroy == NULL || enumerate == NULL || properties == NULL) {
    lm_lrt_copy(out, outlen, "libvulkan.so.1 lacks the Vulkan 1.0 instance functions");
    dlclose(loader);
    return -1;
  }
  lm_vk_instance_create_info info = {};
  info.s_type = 1; /* VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO */
  void* instance = NULL;
  int result = create(&info, NULL, &instance);
  if (result != 0) {
    char message[256];
    snprintf(message, sizeof message, "vkCreateInstance failed (VkResult %d): no Vulkan driver (ICD) found", result);
    lm_lrt_copy(out, outlen, message);
    dlclose(loader);
    return -1;
  }
  void* devices[16];
  uint32_t count = 16;
  result = enumerate(instance, &count, devices);
  if (result < 0) count = 0;
  size_t used = 0;
  for (uint32_t i = 0; i < count; i++) {
    lm_vk_device_properties p;
    memset(&p, 0, sizeof p);
    properties(devices[i], &p);
    p.device_name[255] = '\0';
    int n = snprintf(out + used, used < (size_t)outlen ? (size_t)outlen - used : 0, "%d\t%s\n", p.device_type,
                     p.device_name);
    if (n > 0) used += (size_t)n;
  }
  destroy(instance, NULL);
  dlclose(loader);
  return (int)count;
}

#endif  // LITEMODEL_LITERT_SHIM_H_
