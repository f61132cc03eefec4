/*
 * nnc_runtime.h — umbrella header of the nncompile C runtime (float32 kernels).
 */
#ifndef NNC_RUNTIME_H
#define NNC_RUNTIME_H

#include "nnc_types.h"
#include "nnc_spatial.h"
#include "nnc_pointwise.h"

#endif /* NNC_RUNTIME_H */
