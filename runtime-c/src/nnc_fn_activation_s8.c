/*
 * nnc_fn_activation_s8.c — int8 kernels of Sources/NNFunctions/Activations that are not tables
 * (PReLU). Each mirrors its Swift `Int8FunctionKernel.run` bit for bit.
 */
#include "nnc_functions.h"
#include "nnc_int8.h"

void nnc_prelu_s8(const nnc_prelu_s8_params *p, const int32_t *neg_multiplier, const int32_t *neg_shift,
                  const int8_t *x, int8_t *y)
{
    int32_t o, c, j;
    for (o = 0; o < p->outer; ++o) {
        for (c = 0; c < p->channels; ++c) {
            const int32_t nm = neg_multiplier[c];
            const int32_t ns = neg_shift[c];
            for (j = 0; j < p->inner; ++j) {
                const int32_t acc = (int32_t)*x++ + p->input_offset;
                const int32_t v = (acc >= 0) ? nnc_requantize(acc, p->pos_multiplier, p->pos_shift)
                                             : nnc_requantize(acc, nm, ns);
                *y++ = nnc_output_s8(v, p->output_offset, -128, 127);
            }
        }
    }
}
