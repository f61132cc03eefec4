/*
 * nnc_functions.h — kernels of the nnabla functions described one file each in
 * Sources/NNFunctions/ (NNFunction types), grouped by kind. Same conventions as nnc_types.h.
 */
#ifndef NNC_FUNCTIONS_H
#define NNC_FUNCTIONS_H

#include "nnc_fn_activation.h"
#include "nnc_fn_arith.h"
#include "nnc_fn_shape.h"
#include "nnc_fn_reduce.h"
#include "nnc_fn_sequence.h"

#endif /* NNC_FUNCTIONS_H */
