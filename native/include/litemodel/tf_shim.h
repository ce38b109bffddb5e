/*
 * LiteModel TensorFlow shim: one call the JavaCPP mapping of the TensorFlow C API cannot make without allocating.
 *
 * Why: TF Java's mapping returns TF_TensorData() as a new Java Pointer object, and TF_SessionRun creates new output
 * tensors on every call, so reading outputs through that mapping allocates on the Java heap each call. Here Java
 * passes the address of TF_TensorData (resolved once with Loader.addressof from the library JavaCPP loaded) and gets
 * the data address back as a plain integer. No TensorFlow header or link is needed: the signature is that of the
 * stable C API, void* TF_TensorData(const TF_Tensor*).
 */
#ifndef LITEMODEL_TF_SHIM_H_
#define LITEMODEL_TF_SHIM_H_

#include <stdint.h>

typedef void* (*lmtf_tensor_data_fn)(const void* tensor);

/* @return fn(tensor) as an integer, or 0 when either is 0. */
static inline intptr_t lmtf_tensor_data(intptr_t fn, intptr_t tensor) {
  if (fn == 0 || tensor == 0) {
    return 0;
  }
  return (intptr_t) ((lmtf_tensor_data_fn) fn)((const void*) tensor);
}

#endif  // LITEMODEL_TF_SHIM_H_
