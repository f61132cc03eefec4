// TFLite Micro's int8 activation kernels run on codes: the check behind the goldens of
// scripts/make-tflite-int8-activation-fixtures.py. Eval is TFLM's own reference code
// (reference/softmax.h, integer_ops/logistic.h, integer_ops/tanh.h, hard_swish.h,
// leaky_relu.h); the parameters are formed as the micro kernels' Prepare forms them
// (softmax_common.cc, logistic_common.cc, tanh.cc, hard_swish_common.cc, leaky_relu_common.cc).
//
//   tflm-int8-reference softmax <input scale> <beta> <depth> < codes > codes
//   tflm-int8-reference table < lines > tables
//     each line: <op> <input scale> <input zero point> <output scale> <output zero point> <alpha>
//     (op: logistic, tanh, hard_swish, leaky_relu); each table: 256 codes for inputs -128...127.
//
// hard_swish.h includes "ruy/profiler/instrumentation.h": a stub with an empty
// ruy::profiler::ScopeLabel(const char*) is enough.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tensorflow/lite/kernels/internal/quantization_util.h"
#include "tensorflow/lite/kernels/internal/reference/hard_swish.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/logistic.h"
#include "tensorflow/lite/kernels/internal/reference/integer_ops/tanh.h"
#include "tensorflow/lite/kernels/internal/reference/leaky_relu.h"
#include "tensorflow/lite/kernels/internal/reference/softmax.h"

namespace {

void Softmax(float scale, float beta, int depth) {
  std::vector<int8_t> in;
  for (int c; (c = getchar()) != EOF;) in.push_back(static_cast<int8_t>(c));
  std::vector<int8_t> out(in.size());
  tflite::SoftmaxParams op;
  int left_shift;
  tflite::PreprocessSoftmaxScaling(beta, scale, 5, &op.input_multiplier, &left_shift);
  op.input_left_shift = left_shift;
  op.diff_min = -1.0 * tflite::CalculateInputRadius(5, op.input_left_shift);
  const int32_t dims[2] = {static_cast<int32_t>(in.size()) / depth, depth};
  const tflite::RuntimeShape shape(2, dims);
  tflite::reference_ops::Softmax(op, shape, in.data(), shape, out.data());
  fwrite(out.data(), 1, out.size(), stdout);
}

// logistic_common.cc / tanh.cc: Q4.27 input multiplier by frexp, radius.
void LogisticTanhParams(float in_scale, int32_t* multiplier, int* shift, int32_t* radius) {
  const double real = static_cast<double>(in_scale) * static_cast<double>(1 << (31 - 4));
  const double q = std::frexp(real, shift);
  *multiplier = static_cast<int32_t>(tflite::TfLiteRound(q * (1ll << 31)));
  *radius = tflite::CalculateInputRadius(4, *shift, 31);
}

void Table(const char* op, float in_scale, int in_zp, float out_scale, int out_zp, float alpha) {
  int8_t in[256], out[256];
  for (int i = 0; i < 256; ++i) in[i] = static_cast<int8_t>(i - 128);
  const int32_t dims[1] = {256};
  const tflite::RuntimeShape shape(1, dims);
  if (!strcmp(op, "logistic") || !strcmp(op, "tanh")) {
    int32_t multiplier, radius;
    int shift;
    LogisticTanhParams(in_scale, &multiplier, &shift, &radius);
    if (!strcmp(op, "logistic")) {
      tflite::reference_integer_ops::Logistic(in_zp, radius, multiplier, shift, 256, in, out);
    } else {
      tflite::reference_integer_ops::Tanh(in_zp, radius, multiplier, shift, shape, in, shape, out);
    }
  } else if (!strcmp(op, "hard_swish")) {
    tflite::HardSwishParams p;
    p.input_zero_point = in_zp;
    p.output_zero_point = out_zp;
    const float hires_input_scale = (1.0f / 128.0f) * in_scale;
    const float reluish_scale = 3.0f / 32768.0f;
    int32_t m;
    tflite::QuantizeMultiplier(static_cast<double>(hires_input_scale / out_scale), &m, &p.output_multiplier_exponent);
    tflite::DownScaleInt32ToInt16Multiplier(m, &p.output_multiplier_fixedpoint_int16);
    tflite::QuantizeMultiplier(static_cast<double>(hires_input_scale / reluish_scale), &m, &p.reluish_multiplier_exponent);
    tflite::DownScaleInt32ToInt16Multiplier(m, &p.reluish_multiplier_fixedpoint_int16);
    tflite::reference_ops::HardSwish(p, shape, in, shape, out);
  } else if (!strcmp(op, "leaky_relu")) {
    tflite::LeakyReluParams p;
    p.input_offset = in_zp;
    p.output_offset = out_zp;
    int shift;
    tflite::QuantizeMultiplier(static_cast<double>(in_scale * alpha / out_scale), &p.output_multiplier_alpha, &shift);
    p.output_shift_alpha = shift;
    tflite::QuantizeMultiplier(static_cast<double>(in_scale / out_scale), &p.output_multiplier_identity, &shift);
    p.output_shift_identity = shift;
    tflite::reference_ops::QuantizeLeakyRelu(p, shape, in, shape, out);
  } else {
    fprintf(stderr, "unknown op %s\n", op);
    exit(2);
  }
  fwrite(out, 1, 256, stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && !strcmp(argv[1], "softmax")) {
    Softmax(static_cast<float>(atof(argv[2])), static_cast<float>(atof(argv[3])), atoi(argv[4]));
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "table")) {
    char op[32];
    float in_scale, out_scale, alpha;
    int in_zp, out_zp;
    while (scanf("%31s %f %d %f %d %f", op, &in_scale, &in_zp, &out_scale, &out_zp, &alpha) == 6) {
      Table(op, in_scale, in_zp, out_scale, out_zp, alpha);
    }
    return 0;
  }
  fprintf(stderr, "usage: tflm-int8-reference softmax <scale> <beta> <depth> | table\n");
  return 2;
}
