/*
 * nnc_fn_sequence.h — recurrent and sequence functions that are not expanded into simpler nodes.
 */
#ifndef NNC_FN_SEQUENCE_H
#define NNC_FN_SEQUENCE_H

#include "nnc_types.h"

#ifdef __cplusplus
extern "C" {
#endif


#ifdef __cplusplus
}
#endif

#endif /* NNC_FN_SEQUENCE_H */
