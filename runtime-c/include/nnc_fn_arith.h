/*
 * nnc_fn_arith.h — element-wise arithmetic and math (Pow2, Maximum2, Exp, Log, Sign, …), float32.
 */
#ifndef NNC_FN_ARITH_H
#define NNC_FN_ARITH_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif


#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_ARITH_H */
