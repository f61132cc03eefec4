/// The 256-entry table of an int8 element-wise function, built at compile time and applied by
/// `nnc_lut_s8` (C) / `Int8Kernels.lookup` (Swift): Sigmoid, Tanh, ELU, Swish, LeakyReLU.
///
///     table[i] = output.quantize(f(input.dequantize(Int8(i − 128))))     for i in 0..<256
///
/// so the int8 result is the float function on the dequantized input, rounded once. Pass the float
/// reference formula as `f` (NNInterpreter's `Int8Kernels.activationTable` does, with
/// `FloatKernels`' formulas). An imported int8 `.tflite` (`int8Rules == .tflite`) builds its
/// LOGISTIC, TANH, HARD_SWISH and LEAKY_RELU tables with TFLM's integer kernels instead
/// (`TFLiteInt8Activations`).
public enum LookupTable {
  public static func build(input: QuantParams, output: QuantParams, _ f: (Float) -> Float) -> [Int8] {
    (0..<256).map { i in output.quantize(f(input.dequantize(Int8(i - 128)))) }
  }
}
