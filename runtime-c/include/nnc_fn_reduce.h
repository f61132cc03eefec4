/*
 * nnc_fn_reduce.h — reductions and matrix products (Sum, Mean, Max, Min, Prod, BatchMatmul, …), float32.
 */
#ifndef NNC_FN_REDUCE_H
#define NNC_FN_REDUCE_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif


#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_REDUCE_H */
