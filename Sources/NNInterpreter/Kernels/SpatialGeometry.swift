import NNIR

/// Spatial sizes of a convolution or pooling lifted to exactly three axes (depth, height, width), so
/// one loop nest serves 1-D, 2-D and 3-D ops. Missing outer axes get size 1, kernel 1, stride 1,
/// pad 0, dilation 1 — which contribute nothing, so the summation order of an N-d op is the same as
/// that of the 2-D C kernel it matches (a 1-D op is H = 1 there too).
struct SpatialGeometry3 {
  var input: [Int]
  var output: [Int]
  var kernel: [Int]
  var stride: [Int]
  var pad: [Int]
  var dilation: [Int]

  /// Prefixes `values` with `fill` up to three entries.
  static func lift(_ values: [Int], fill: Int) -> [Int] {
    precondition(values.count >= 1 && values.count <= 3, "spatial kernels support 1 to 3 spatial axes, got \(values.count)")
    return [Int](repeating: fill, count: 3 - values.count) + values
  }

  init(input: [Int], output: [Int], kernel: [Int], stride: [Int], pad: [Int], dilation: [Int]) {
    let n = input.count
    precondition(
      output.count == n && kernel.count == n && stride.count == n && pad.count == n && dilation.count == n,
      "spatial attributes need \(n) values each")
    self.input = Self.lift(input, fill: 1)
    self.output = Self.lift(output, fill: 1)
    self.kernel = Self.lift(kernel, fill: 1)
    self.stride = Self.lift(stride, fill: 1)
    self.pad = Self.lift(pad, fill: 0)
    self.dilation = Self.lift(dilation, fill: 1)
  }

  var inputCount: Int { input[0] * input[1] * input[2] }
  var outputCount: Int { output[0] * output[1] * output[2] }
  var kernelCount: Int { kernel[0] * kernel[1] * kernel[2] }

  /// `(in + 2*pad - dil*(k-1) - 1) / stride + 1` on every axis (nnabla's convolution output size).
  static func convolutionOutput(input: [Int], kernel: [Int], pad: [Int], stride: [Int], dilation: [Int]) -> [Int] {
    input.indices.map { i in
      (input[i] + 2 * pad[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1
    }
  }

  /// `(in-1)*stride - 2*pad + dil*(k-1) + 1 + outputPadding` on every axis (nnabla's deconvolution).
  static func deconvolutionOutput(
    input: [Int], kernel: [Int], pad: [Int], stride: [Int], dilation: [Int], outputPadding: [Int]
  ) -> [Int] {
    input.indices.map { i in
      (input[i] - 1) * stride[i] - 2 * pad[i] + dilation[i] * (kernel[i] - 1) + 1 + outputPadding[i]
    }
  }
}

extension FloatKernels {
  /// nnabla's pooling output size on one axis: `(in + 2*pad - k) / stride + 1` when `ignoreBorder`,
  /// otherwise `(in + pad - 1) / stride + 1` (the pad counts once: windows start at every stride step
  /// from `-pad` while the start is still inside the input; see nnabla's `base_pooling.cpp`).
  public static func poolingOutputSize(input: Int, kernel: Int, stride: Int, pad: Int, ignoreBorder: Bool) -> Int {
    ignoreBorder ? (input + 2 * pad - kernel) / stride + 1 : (input + pad - 1) / stride + 1
  }
}
