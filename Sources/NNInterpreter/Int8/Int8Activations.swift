import NNIR

extension Int8Kernels {
  /// `nnc_lut_s8`: `y[i] = table[Int(x[i]) + 128]` with a 256-entry table from
  /// `LookupTable.build` / `activationTable`.
  public static func lookup(_ table: [Int8], _ x: [Int8]) -> [Int8] {
    precondition(table.count == 256, "an int8 lookup table has 256 entries")
    return table.withUnsafeBufferPointer { t in x.map { t[Int($0) + 128] } }
  }

  /// `nnc_clamp_s8`: `min(max(x, lo), hi)`, a standalone ReLU / ReLU6 in the int8 domain
  /// (`QuantParams.activationRange` gives `lo` and `hi`).
  public static func clamp(_ x: [Int8], lo: Int8, hi: Int8) -> [Int8] {
    x.map { $0 < lo ? lo : ($0 > hi ? hi : $0) }
  }

  /// The table of a float element-wise op for the given quantizations, with the float
  /// interpreter's own formula (so the int8 op is the float op, rounded once):
  /// `table[i] = output.quantize(f(input.dequantize(i − 128)))`. `nil` for ReLU / ReLU6 (clamps)
  /// and for ops that are not element-wise on one input.
  public static func activationTable(_ op: Op, input: QuantParams, output: QuantParams) -> [Int8]? {
    if case .relu = op { return nil }
    if case .relu6 = op { return nil }
    guard op.isElementwiseUnary else { return nil }
    // All 256 inputs through the float kernel at once: element i is f(input.dequantize(i − 128)),
    // so this is `LookupTable.build(input:output:f)` with the kernel's own formula.
    let xs = FloatTensor(shape: [256], values: (0..<256).map { input.dequantize(Int8($0 - 128)) })
    return FloatInterpreter.evaluate(op, [xs]).values.map { output.quantize($0) }
  }
}
