/*
 * The few TensorFlow Lite C API entry points the native floor program calls.
 *
 * These declarations mirror the TensorFlow Lite 2.20 C API (tensorflow/lite/core/c/c_api.h and
 * tensorflow/lite/delegates/xnnpack/xnnpack_delegate.h). No TensorFlow Lite headers exist on this machine (the
 * bytedeco Maven artifact ships only the library), so we declare what we use, keeping every type opaque except the
 * XNNPACK options struct, whose layout is already written down (and checked at run time) in
 * native/include/litemodel/shim.h. The symbols come from libjnitensorflowlite.so, which exports the C API.
 */
#ifndef LITEMODEL_FLOOR_TFLITE_C_API_H_
#define LITEMODEL_FLOOR_TFLITE_C_API_H_

#include <stddef.h>
#include <stdint.h>

#include "litemodel/shim.h"  // lm_xnnpack_options, lm_xnnpack_options_padded, LM_XNNPACK_FLAG_*

extern "C" {

typedef struct TfLiteModel TfLiteModel;
typedef struct TfLiteInterpreterOptions TfLiteInterpreterOptions;
typedef struct TfLiteInterpreter TfLiteInterpreter;
typedef struct TfLiteTensor TfLiteTensor;
typedef struct TfLiteOpaqueDelegateStruct TfLiteOpaqueDelegate;

typedef int TfLiteStatus; /* kTfLiteOk == 0 */
typedef int TfLiteType;   /* kTfLiteFloat32 == 1 */
#define FLOOR_TFLITE_FLOAT32 1

const char* TfLiteVersion(void);

TfLiteModel* TfLiteModelCreateFromFile(const char* model_path);
void TfLiteModelDelete(TfLiteModel* model);

TfLiteInterpreterOptions* TfLiteInterpreterOptionsCreate(void);
void TfLiteInterpreterOptionsDelete(TfLiteInterpreterOptions* options);
void TfLiteInterpreterOptionsSetNumThreads(TfLiteInterpreterOptions* options, int32_t num_threads);
void TfLiteInterpreterOptionsAddDelegate(TfLiteInterpreterOptions* options, TfLiteOpaqueDelegate* delegate);

TfLiteInterpreter* TfLiteInterpreterCreate(const TfLiteModel* model, const TfLiteInterpreterOptions* options);
void TfLiteInterpreterDelete(TfLiteInterpreter* interpreter);
TfLiteStatus TfLiteInterpreterResizeInputTensor(TfLiteInterpreter* interpreter, int32_t input_index,
                                                const int* input_dims, int32_t input_dims_size);
TfLiteStatus TfLiteInterpreterAllocateTensors(TfLiteInterpreter* interpreter);
TfLiteStatus TfLiteInterpreterInvoke(TfLiteInterpreter* interpreter);
int32_t TfLiteInterpreterGetInputTensorCount(const TfLiteInterpreter* interpreter);
int32_t TfLiteInterpreterGetOutputTensorCount(const TfLiteInterpreter* interpreter);
TfLiteTensor* TfLiteInterpreterGetInputTensor(const TfLiteInterpreter* interpreter, int32_t input_index);
const TfLiteTensor* TfLiteInterpreterGetOutputTensor(const TfLiteInterpreter* interpreter, int32_t output_index);

TfLiteType TfLiteTensorType(const TfLiteTensor* tensor);
int32_t TfLiteTensorNumDims(const TfLiteTensor* tensor);
int32_t TfLiteTensorDim(const TfLiteTensor* tensor, int32_t dim_index);
size_t TfLiteTensorByteSize(const TfLiteTensor* tensor);
TfLiteStatus TfLiteTensorCopyFromBuffer(TfLiteTensor* tensor, const void* input_data, size_t input_data_size);
TfLiteStatus TfLiteTensorCopyToBuffer(const TfLiteTensor* output_tensor, void* output_data,
                                      size_t output_data_size);

/* The real return type is TfLiteXNNPackDelegateOptions by value. It is larger than 16 bytes, so on every ABI we
 * support it is returned through a caller-provided buffer; declaring the padded struct (as shim.h does for its
 * dlsym'd pointer) gives the callee room should a later version append fields. */
lm_xnnpack_options_padded TfLiteXNNPackDelegateOptionsDefault(void);
TfLiteOpaqueDelegate* TfLiteXNNPackDelegateCreate(const lm_xnnpack_options* options);
void TfLiteXNNPackDelegateDelete(TfLiteOpaqueDelegate* delegate);
int TfLiteXNNPackDelegateGetFlags(TfLiteOpaqueDelegate* delegate);

}  // extern "C"

#endif  // LITEMODEL_FLOOR_TFLITE_C_API_H_
