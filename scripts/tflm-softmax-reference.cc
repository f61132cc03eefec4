// TFLite Micro's int8 SOFTMAX (softmax_common.cc's parameters, reference/softmax.h) on rows of
// int8 codes read from stdin, codes written to stdout: the check behind the softmax goldens of
// scripts/make-tflite-int8-activation-fixtures.py. Usage: tflm-softmax-reference <input scale>
// <beta> <depth> < codes > codes
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tensorflow/lite/kernels/internal/quantization_util.h"
#include "tensorflow/lite/kernels/internal/reference/softmax.h"

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const float scale = static_cast<float>(atof(argv[1]));
  const float beta = static_cast<float>(atof(argv[2]));
  const int depth = atoi(argv[3]);
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
  return 0;
}
