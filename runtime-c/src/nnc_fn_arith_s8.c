/*
 * nnc_fn_arith_s8.c — int8 Minimum2 / Maximum2: both inputs in one set of parameters, so the
 * smaller/larger code is the smaller/larger value (exact). Mirror the float kernels' walk.
 */
#include "nnc_fn_arith.h"

NNC_FN_BINARY_KERNEL(nnc_minimum2_s8, int8_t, va < vb ? va : vb)
NNC_FN_BINARY_KERNEL(nnc_maximum2_s8, int8_t, va > vb ? va : vb)
