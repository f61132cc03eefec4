import NNIR

/// Int8 reference kernels: the Swift twins of `runtime-c/include/nnc_int8.h`, byte for byte.
///
/// The numbers are TFLite / CMSIS-NN's: `real = scale · (q − zeroPoint)`, int8 activations
/// (asymmetric) and weights (symmetric per output channel), int32 bias and accumulators, and one
/// requantization rule (`FixedPoint.requantize`, documented with its rounding table on
/// `FixedPoint`). Every kernel here produces exactly the bytes of its C twin for every input
/// (`Tests/NNCRuntimeTests/Int8CKernelTests.swift`), and its float meaning is checked against
/// `FloatKernels` within one output step (`Int8VsFloatTests`).
///
/// Kernels take the parameter structs of NNIR's `Quantization` folder (the ones the code generator
/// writes as C initializers) and flat `[Int8]` / `[Int32]` arrays in the C layouts (dense,
/// row-major, NCHW); they return the output array, whose size follows from the parameters.
/// Accumulators wrap on int32 overflow (`&+`), which the code generator rules out, as in C.
public enum Int8Kernels {}
