import Foundation
import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// The int8 numbers of `FixedPoint`, `QuantizedMultiplier` and `QuantParams` against hand-computed
/// values and TFLite's edge cases (the C twins are checked against these functions in
/// `Int8CKernelTests`).
@Suite struct Int8NumericsTests {
  static let half: Int32 = 1 << 30  // 0.5 as a Q31 multiplier

  // MARK: - SaturatingRoundingDoublingHighMul

  @Test(
    arguments: [
      // (a, b, a·b / 2^31 rounded to nearest, ties toward +∞)
      (Int32.min, Int32.min, Int32.max),  // the one overflow saturates
      (Int32.min, Int32.max, Int32.min + 1),  // -2^31 + 1 exactly
      (Int32.max, Int32.max, Int32.max - 1),  // 2^31 - 2 + 2^-31
      (1 << 30, 1 << 30, 1 << 29),
      (1, half, 1),  // 0.5 → 1
      (-1, half, 0),  // -0.5 → 0
      (-3, half, -1),  // -1.5 → -1
      (5, half, 3),  // 2.5 → 3
      (100, -half, -50),
      (0, Int32.min, 0),
    ] as [(Int32, Int32, Int32)])
  func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32, _ expected: Int32) {
    #expect(FixedPoint.saturatingRoundingDoublingHighMul(a, b) == expected)
    #expect(FixedPoint.saturatingRoundingDoublingHighMul(b, a) == expected)
  }

  // MARK: - RoundingDivideByPOT

  @Test(
    arguments: [
      // (x, exponent, x / 2^exponent rounded to nearest, ties away from zero)
      (5, 1, 3), (-5, 1, -3), (3, 1, 2), (-3, 1, -2),  // ±2.5, ±1.5
      (6, 2, 2), (-6, 2, -2), (2, 2, 1), (-2, 2, -1),  // ±1.5, ±0.5
      (1, 2, 0), (-1, 2, 0), (-4, 2, -1), (7, 2, 2),  // ±0.25, exact, 1.75
      (Int32.min, 31, -1), (Int32.max, 31, 1), (-(1 << 30), 31, -1), ((1 << 30) - 1, 31, 0),
      (1 << 30, 31, 1), (-((1 << 30) - 1), 31, 0),
      (-7, 0, -7), (Int32.min, 0, Int32.min), (Int32.max, 0, Int32.max),
    ] as [(Int32, Int32, Int32)])
  func roundingDivideByPOT(_ x: Int32, _ exponent: Int32, _ expected: Int32) {
    #expect(FixedPoint.roundingDivideByPOT(x, exponent: exponent) == expected)
  }

  // MARK: - Requantize

  @Test(
    arguments: [
      // (acc, multiplier, shift, expected)
      (100, half, 0, 50), (100, half, -1, 25), (100, half, -2, 13), (-100, half, -2, -13),  // ±12.5
      (-10, half, -2, -1), (10, half, -2, 1),  // ±1.25
      (-3, half, 0, -1), (3, half, 0, 2),  // SRDHM's ties: -1.5 → -1, 1.5 → 2
      (-6, half, -1, -2), (6, half, -1, 2),  // RDBP's ties: ±1.5 → ±2
      (3, half, 2, 6), (-3, half, 2, -6),  // shift left first, then multiply: exact
      (100, -half, -2, -13), (-100, -half, -2, 13),  // negative multiplier (Sub2)
      (Int32.max, half, 1, 1 << 30), (Int32.min, half, 1, -(1 << 30)),  // acc·2 saturates first
      (1 << 20, half, 31, 1 << 30),  // 2^51 saturates to 2^31 - 1, times 0.5 rounds to 2^30
      (Int32.min, Int32.min, 0, Int32.max),  // SRDHM saturation
      (Int32.max, Int32.max, -31, 1), (1 << 30, Int32.max, -31, 1), (Int32.min, half, -31, -1),  // shift -31
      (Int32.min, Int32.max, -31, -1), ((1 << 29), half, -31, 0),
      (12345, 0, 0, 0), (0, Int32.max, 5, 0),
    ] as [(Int32, Int32, Int32, Int32)])
  func requantize(_ acc: Int32, _ multiplier: Int32, _ shift: Int32, _ expected: Int32) {
    #expect(FixedPoint.requantize(acc, multiplier: multiplier, shift: shift) == expected)
    #expect(QuantizedMultiplier(multiplier: multiplier, shift: shift).apply(acc) == expected)
  }

  /// Away from saturation, requantize is within one unit of the exact product (two roundings).
  @Test func requantizeIsCloseToTheRealProduct() {
    var rng = SeededRandom(seed: 11)
    for _ in 0..<20_000 {
      let real = rng.double(-4...4)
      guard real.magnitude > 1e-9 else { continue }
      let m = QuantizedMultiplier(real: real)
      let acc = Int32(rng.int(-(1 << 24)...(1 << 24)))
      let exact = Double(acc) * m.real
      let r = m.apply(acc)
      #expect(abs(Double(r) - exact) <= 1.0, "acc \(acc) · \(m) = \(exact), got \(r)")
      if abs(exact - exact.rounded()) < 0.24 {
        // SRDHM's rounding moves the value by at most 0.5 / 2^right ≤ 0.25 before RDBP rounds
        // (and is the only rounding when right = 0): away from ties the result is round(exact).
        #expect(Double(r) == exact.rounded(), "acc \(acc) · \(m) = \(exact), got \(r)")
      }
    }
  }

  @Test func outputClampNeverOverflows() {
    #expect(FixedPoint.output(Int32.max, offset: 127, min: -128, max: 127) == 127)
    #expect(FixedPoint.output(Int32.min, offset: -128, min: -128, max: 127) == -128)
    #expect(FixedPoint.output(5, offset: -3, min: 0, max: 6) == 2)
    #expect(FixedPoint.output(-10, offset: -3, min: -3, max: 100) == -3)  // ReLU with zero point -3
    #expect(FixedPoint.output(200, offset: -3, min: -3, max: 100) == 100)
  }

  @Test func roundedDivideIsHalfAwayFromZero() {
    #expect(FixedPoint.roundedDivide(5, by: 2) == 3)
    #expect(FixedPoint.roundedDivide(-5, by: 2) == -3)
    #expect(FixedPoint.roundedDivide(7, by: 3) == 2)
    #expect(FixedPoint.roundedDivide(-8, by: 3) == -3)
    #expect(FixedPoint.roundedDivide(-4, by: 3) == -1)
    #expect(FixedPoint.roundedDivide(9, by: 0) == 0)
  }

  // MARK: - QuantizedMultiplier

  @Test(
    arguments: [
      (0.0, 0, 0), (0.5, 1 << 30, 0), (1.0, 1 << 30, 1), (0.75, 1_610_612_736, 0), (3.0, 1_610_612_736, 2),
      (0.25, 1 << 30, -1), (0x1p-32, 1 << 30, -31), (0x1p-33, 0, 0),  // shift < -31 flushes to 0
      (1 - 0x1p-40, 1 << 30, 1),  // rounds up to 2^31: halved, shift + 1
      (-0.75, -1_610_612_736, 0), (-(1 - 0x1p-40), -(1 << 30), 1),
      (0.1, 1_717_986_918, -3),  // round(0.8 · 2^31)
    ] as [(Double, Int32, Int32)])
  func quantizedMultiplier(_ real: Double, _ multiplier: Int32, _ shift: Int32) {
    let m = QuantizedMultiplier(real: real)
    #expect(m == QuantizedMultiplier(multiplier: multiplier, shift: shift), "\(real) → \(m)")
  }

  @Test func quantizedMultiplierRoundTrip() {
    var rng = SeededRandom(seed: 12)
    for _ in 0..<5_000 {
      let magnitude = Double(sign: .plus, exponent: rng.int(-30...20), significand: rng.double(1...2))
      let real = rng.bool() ? magnitude : -magnitude
      let m = QuantizedMultiplier(real: real)
      // |multiplier| is normalized and real ≈ multiplier · 2^(shift − 31) within half a unit.
      #expect(m.multiplier.magnitude >= 1 << 30, "\(real) → \(m)")
      let unit = Double(sign: .plus, exponent: Int(m.shift) - 31, significand: 1)
      #expect(abs(m.real - real) <= unit / 2, "\(real) → \(m)")
      let negated = QuantizedMultiplier(real: -real)
      #expect(negated == QuantizedMultiplier(multiplier: -m.multiplier, shift: m.shift), "\(real)")
    }
  }

  // MARK: - QuantParams

  @Test func quantizeRoundsHalfAwayFromZero() {
    let unit = QuantParams(scale: 1, zeroPoint: 0)
    #expect([0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1.4999, -1.4999].map(unit.quantize) == [1, -1, 2, -2, 3, -3, 1, -1])
    let q = QuantParams(scale: 0.5, zeroPoint: 5)
    #expect(q.quantize(0.25) == 6)  // 0.5 → 1, + 5
    #expect(q.quantize(-0.25) == 4)  // -0.5 → -1, + 5
    #expect(QuantParams(scale: 0.5, zeroPoint: -3).quantize(1.25) == 0)
  }

  @Test func quantizeSaturates() {
    let q = QuantParams(scale: 0.1, zeroPoint: 10)
    #expect(q.quantize(1000) == 127)
    #expect(q.quantize(-1000) == -128)
    #expect(q.quantize(.infinity) == 127)
    #expect(q.quantize(-.infinity) == -128)
    #expect(q.quantize(.nan) == 10)
    #expect(q.quantize(Float(117) * 0.1) == 127)  // exactly at the top
    #expect(q.quantize(11.8) == 127)  // 128 clamps
    #expect(q.quantize(-13.8) == -128)  // -138 + 10
    #expect(q.quantize(.greatestFiniteMagnitude) == 127)
  }

  @Test func dequantize() {
    let q = QuantParams(scale: 0.1, zeroPoint: 10)
    #expect(q.dequantize(-128) == Float(0.1) * -138)
    #expect(q.dequantize(10) == 0)
    #expect(q.dequantize(127) == Float(0.1) * 117)
    #expect(QuantParams(scale: 0.5, zeroPoint: -3).dequantize(0) == 1.5)
  }

  @Test func quantizeInvertsDequantize() {
    var rng = SeededRandom(seed: 13)
    for _ in 0..<200 {
      let q = QuantParams(scale: Float(rng.double(1e-4...10)), zeroPoint: rng.int32(-128...127))
      for v in Int8.min...Int8.max {
        #expect(q.quantize(q.dequantize(v)) == v, "\(q) \(v)")
      }
    }
  }

  @Test func coveringAndActivationRange() {
    let q = QuantParams(covering: -1, 3)
    #expect(q.scale == Float(4) / 255)
    #expect(q.zeroPoint == -64)  // round(-128 + 1 / (4/255)) = round(-64.25)
    #expect(q.quantize(0) == Int8(q.zeroPoint))
    let relu = q.activationRange(lower: 0, upper: .infinity)
    #expect(relu.min == q.zeroPoint && relu.max == 127)
    let relu6 = QuantParams(scale: 0.05, zeroPoint: -20).activationRange(lower: 0, upper: 6)
    #expect(relu6.min == -20 && relu6.max == 100)
    let none = q.activationRange(lower: -.infinity, upper: .infinity)
    #expect(none.min == -128 && none.max == 127)
  }

  @Test func lookupTableIsTheFunctionRoundedOnce() {
    let input = QuantParams(scale: 0.05, zeroPoint: 3)
    let output = QuantParams(scale: 1.0 / 256, zeroPoint: -128)
    let table = LookupTable.build(input: input, output: output) { 1 / (1 + expf(-$0)) }
    #expect(table.count == 256)
    for i in 0..<256 {
      let x = input.dequantize(Int8(i - 128))
      #expect(table[i] == output.quantize(1 / (1 + expf(-x))))
    }
    #expect(table.first == output.quantize(1 / (1 + expf(-input.dequantize(-128)))))
    #expect(Int8Kernels.activationTable(.sigmoid, input: input, output: output) == table)
    #expect(Int8Kernels.activationTable(.relu, input: input, output: output) == nil)
  }
}
