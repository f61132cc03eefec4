/*
 * nnc_runtime.h — umbrella header of the nncompile C runtime (float32 and int8 kernels).
 */
#ifndef NNC_RUNTIME_H
#define NNC_RUNTIME_H

#include "nnc_types.h"
#include "nnc_spatial.h"
#include "nnc_pointwise.h"
#include "nnc_int8.h"
#include "nnc_functions.h"

#endif /* NNC_RUNTIME_H */
