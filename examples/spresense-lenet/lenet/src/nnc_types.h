/*
 * nnc_types.h — common definitions for the nncompile C runtime.
 *
 * Rules every kernel keeps (the generated code relies on them):
 *   - C99, no malloc, no stdio, no globals; clean under -Wall -Wextra -Werror -pedantic.
 *   - Sizes and indices are int32_t, never `int`: the same code builds for 8-bit AVR.
 *   - Tensors are dense, row-major, channel-first (NCHW) unless a kernel says otherwise.
 *   - A kernel may be called with `out == in` only where its documentation says "in place".
 */
#ifndef NNC_TYPES_H
#define NNC_TYPES_H

#include <stdint.h>
#include <stddef.h>

/* Largest tensor rank the generic data-movement kernels accept. */
#define NNC_MAX_DIMS 6

#endif /* NNC_TYPES_H */
