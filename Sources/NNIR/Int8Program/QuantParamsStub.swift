// TEMPORARY until the int8 numerics land: the API the quantizer relies on.
import Foundation

public struct QuantParams: Sendable, Equatable {
  public var scale: Float
  public var zeroPoint: Int32
  public init(scale: Float, zeroPoint: Int32) {
    self.scale = scale
    self.zeroPoint = zeroPoint
  }
  public func quantize(_ x: Float) -> Int8 {
    if x.isNaN { return Int8(zeroPoint) }
    let r = (x / scale).rounded() + Float(zeroPoint)
    return Int8(min(max(r, -128), 127))
  }
  public func dequantize(_ q: Int8) -> Float { scale * Float(Int32(q) - zeroPoint) }
}

public struct QuantizedMultiplier: Sendable, Equatable {
  public var multiplier: Int32
  public var shift: Int32
  public init(real: Double) {
    if real == 0 { multiplier = 0; shift = 0; return }
    let f = frexp(real)
    var q = (f.0 * Double(1 << 31)).rounded()
    var e = Int32(f.1)
    if q == Double(1 << 31) { q /= 2; e += 1 }
    if e < -31 { multiplier = 0; shift = 0; return }
    multiplier = Int32(q)
    shift = e
  }
}
