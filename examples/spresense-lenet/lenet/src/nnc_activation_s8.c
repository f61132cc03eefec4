/*
 * nnc_activation_s8.c — table lookup (Sigmoid, Tanh, ELU, Swish, LeakyReLU) and clamp (ReLU,
 * ReLU6), int8 reference. See nnc_int8.h. Mirrors Int8Kernels.lookup / clamp in Swift.
 * Both read x[i] before writing y[i], so y == x (in place) is allowed.
 */
#include "nnc_int8.h"

void nnc_lut_s8(int32_t n, const int8_t *table, const int8_t *x, int8_t *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        y[i] = table[(int32_t)x[i] + 128];
    }
}

void nnc_clamp_s8(int32_t n, int8_t lo, int8_t hi, const int8_t *x, int8_t *y)
{
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int8_t v = x[i];
        y[i] = (v < lo) ? lo : ((v > hi) ? hi : v);
    }
}
