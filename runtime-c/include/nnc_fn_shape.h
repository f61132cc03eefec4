/*
 * nnc_fn_shape.h — data movement (Flip, Shift, Broadcast, Unpooling, Interpolate, …): float32 and int8.
 */
#ifndef NNC_FN_SHAPE_H
#define NNC_FN_SHAPE_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif


#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_SHAPE_H */
