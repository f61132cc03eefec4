import Testing
import _NNTestSupport
@testable import NNTrain

/// The blocked SIMD multiply against the plain triple loop, on sizes that leave partial tiles and
/// blocks, with every transposition, and with the depth split used for weight gradients.
@Suite struct MatrixMultiplyTests {
  @Test(arguments: [
    (1, 1, 1), (3, 5, 7), (4, 16, 1), (5, 17, 33), (67, 259, 13), (13, 3, 1100), (37, 70, 300),
  ])
  func matchesNaive(_ size: (Int, Int, Int)) {
    let (m, n, k) = size
    var random = SeededRandom(seed: UInt64(m * 1000 + n * 10 + k))
    let a = (0..<(m * k)).map { _ in random.float() }
    let b = (0..<(k * n)).map { _ in random.float() }
    for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
      for accumulate in [false, true] {
        a.withUnsafeBufferPointer { ap in
          b.withUnsafeBufferPointer { bp in
            let opA = MatrixMultiply.Operand(ap.baseAddress!, rowStride: ta ? m : k, transposed: ta)
            let opB = MatrixMultiply.Operand(bp.baseAddress!, rowStride: tb ? k : n, transposed: tb)
            let expected = MatrixMultiply.naive(m: m, n: n, k: k, opA, opB)
            var c = [Float](repeating: 0.5, count: m * n)
            c.withUnsafeMutableBufferPointer { cp in
              MatrixMultiply.multiply(m: m, n: n, k: k, opA, opB, into: cp.baseAddress!, ldc: n, accumulate: accumulate)
            }
            // Float32 sums of k products of values in [-1, 1): error grows like √k·ulp.
            let tolerance = Float(k).squareRoot() * 1e-6 + 1e-6
            var worst: Float = 0
            for i in 0..<(m * n) { worst = max(worst, abs(c[i] - (expected[i] + (accumulate ? 0.5 : 0)))) }
            #expect(worst <= tolerance, "m \(m) n \(n) k \(k) transposed \(ta)/\(tb) accumulate \(accumulate): max error \(worst)")
          }
        }
      }
    }
  }
}
