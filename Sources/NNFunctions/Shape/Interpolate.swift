import NNIR

/// Interpolate: resizes the trailing 1–3 axes (before the channel axis when `channel_last`) to
/// `output_size`, nearest or linear, with nnabla's index arithmetic (`interpolate.cpp`:
/// `compute_scale`, `get_src_index`, `…_for_nn`) done once per axis at compile time. Nearest is an
/// `AxisGather` (int8 moves codes); linear is `nnc_interpolate_linear_f32` with per-axis tables,
/// the same multiplications and additions in the same order as nnabla's loops.
public struct Interpolate: NNFunction {
  public static let typeName = "Interpolate"
  public static let paramName = "interpolate_param"
  public static let inputArity: ClosedRange<Int> = 1...1
  public var outputSize: [Int]
  /// "nearest" or "linear".
  public var mode: String
  public var alignCorners: Bool
  public var halfPixel: Bool
  public var halfPixelForNN: Bool
  public var channelLast: Bool

  public init(
    outputSize: [Int], mode: String, alignCorners: Bool = false, halfPixel: Bool = false, halfPixelForNN: Bool = false,
    channelLast: Bool = false
  ) throws {
    guard (1...3).contains(outputSize.count) else {
      throw FunctionAttributeError("Interpolate: only 1-D, 2-D and 3-D output_size, not \(outputSize)")
    }
    guard mode == "nearest" || mode == "linear" else { throw FunctionAttributeError("Interpolate mode '\(mode)' is not nearest or linear") }
    guard !(alignCorners && halfPixel) else { throw FunctionAttributeError("Interpolate: align_corners and half_pixel together") }
    guard !(mode == "linear" && channelLast) else { throw FunctionAttributeError("Interpolate: linear with channel_last is not supported") }
    self.outputSize = outputSize
    self.mode = mode
    self.alignCorners = alignCorners
    self.halfPixel = halfPixel
    self.halfPixelForNN = halfPixelForNN
    self.channelLast = channelLast
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    try self.init(
      outputSize: try a.ints("output_size"), mode: try a.string("mode"), alignCorners: try a.bool("align_corners"),
      halfPixel: try a.bool("half_pixel"), halfPixelForNN: try a.bool("half_pixel_for_nn"), channelLast: try a.bool("channel_last"))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [
      ("output_size", .ints(outputSize)), ("mode", .string(mode)), ("align_corners", .bool(alignCorners)),
      ("half_pixel", .bool(halfPixel)), ("half_pixel_for_nn", .bool(halfPixelForNN)), ("channel_last", .bool(channelLast)),
    ]
  }

  /// The first interpolated axis for input rank `rank`.
  func firstAxis(_ rank: Int) -> Int { rank - outputSize.count - (channelLast ? 1 : 0) }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] {
    var y = inputs[0]
    let first = firstAxis(y.count)
    guard first >= 0, outputSize.allSatisfy({ $0 >= 1 }) else {
      throw ShapeError("Interpolate output_size \(outputSize) does not fit input \(y)")
    }
    for (i, s) in outputSize.enumerated() { y[first + i] = s }
    return [y]
  }

  // MARK: nnabla's index arithmetic (float, as in interpolate.cpp)

  func scale(_ isize: Int, _ osize: Int) -> Float {
    osize <= 1 ? 0 : (alignCorners ? Float(isize - 1) / Float(osize - 1) : Float(isize) / Float(osize))
  }

  func source(_ scale: Float, _ dst: Int) -> Float {
    halfPixel ? max(0, scale * (Float(dst) + 0.5) - 0.5) : scale * Float(dst)
  }

  /// Nearest: the input index of each output index along one axis.
  func nearest(_ isize: Int, _ osize: Int) -> [Int] {
    let s = halfPixelForNN ? Float(isize) / Float(osize) : scale(isize, osize)
    return (0..<osize).map { o in
      let f = halfPixelForNN ? s * (Float(o) + 0.5) : source(s, o)
      return min(Int(f), isize - 1)
    }
  }

  /// Linear: per output index, the two input indices and the second one's weight.
  func linear(_ isize: Int, _ osize: Int) -> [(i0: Int, i1: Int, l1: Float)] {
    let s = scale(isize, osize)
    return (0..<osize).map { o in
      let f = source(s, o)
      let x1 = Int(f)
      return (x1, min(x1 + 1, isize - 1), f - Float(x1))
    }
  }

  func gather(_ x: [Int]) -> AxisGather {
    let y = try! outputShapes([x])[0]
    let strides = AxisGather.strides(x), first = firstAxis(x.count)
    return AxisGather(outputShape: y, offsets: y.indices.map { d in
      d >= first && d < first + outputSize.count
        ? nearest(x[d], y[d]).map { $0 * strides[d] } : (0..<y[d]).map { $0 * strides[d] }
    })
  }

  /// Linear tables: per interpolated axis, offsets (times the input strides) and weights.
  func tables(_ x: [Int]) -> [[(i0: Int, i1: Int, l1: Float)]] {
    let first = firstAxis(x.count), strides = AxisGather.strides(x)
    return outputSize.indices.map { i in
      linear(x[first + i], outputSize[i]).map { ($0.i0 * strides[first + i], $0.i1 * strides[first + i], $0.l1) }
    }
  }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    let x = inputs[0]
    if mode == "nearest" { return [gather(x.shape).evaluate(x)] }
    let t = tables(x.shape), y = try! outputShapes([x.shape])[0]
    let plane = x.shape[firstAxis(x.shape.count)...].reduce(1, *), outer = x.count / max(plane, 1)
    var out: [Float] = []
    out.reserveCapacity(y.reduce(1, *))
    for o in 0..<outer {
      let v = x.values[(o * plane)..<((o + 1) * plane)], b = o * plane
      switch t.count {
      case 1:
        for a in t[0] { out.append((1 - a.l1) * v[b + a.i0] + a.l1 * v[b + a.i1]) }
      case 2:
        for a in t[0] {
          let ly1 = a.l1, ly0 = 1 - ly1
          for c in t[1] {
            let lx1 = c.l1, lx0 = 1 - lx1
            let val0 = lx0 * v[b + a.i0 + c.i0], val1 = lx1 * v[b + a.i0 + c.i1]
            let val2 = lx0 * v[b + a.i1 + c.i0], val3 = lx1 * v[b + a.i1 + c.i1]
            out.append(ly0 * (val0 + val1) + ly1 * (val2 + val3))
          }
        }
      default:
        for a in t[0] {
          let lz1 = a.l1, lz0 = 1 - lz1
          for c in t[1] {
            let ly1 = c.l1, ly0 = 1 - ly1
            for e in t[2] {
              let lx1 = e.l1, lx0 = 1 - lx1
              func at(_ z: Int, _ y: Int, _ x: Int) -> Float { v[b + z + y + x] }
              let val0 = lx0 * at(a.i0, c.i0, e.i0), val1 = lx1 * at(a.i0, c.i0, e.i1)
              let val2 = lx0 * at(a.i0, c.i1, e.i0), val3 = lx1 * at(a.i0, c.i1, e.i1)
              let val4 = lx0 * at(a.i1, c.i0, e.i0), val5 = lx1 * at(a.i1, c.i0, e.i1)
              let val6 = lx0 * at(a.i1, c.i1, e.i0), val7 = lx1 * at(a.i1, c.i1, e.i1)
              let val8 = ly0 * (val0 + val1) + ly1 * (val2 + val3)
              let val9 = ly0 * (val4 + val5) + ly1 * (val6 + val7)
              out.append(lz0 * val8 + lz1 * val9)
            }
          }
        }
      }
    }
    return [FloatTensor(shape: y, values: out)]
  }

  public var int8: Int8Lowering { mode == "nearest" ? .dataMovement : .float }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let x = call.inputShape(0)
    if mode == "nearest" { return try gather(x).emitC(&call) }
    let t = tables(x).flatMap { $0 }
    let i0 = call.constantInt32("interp_i0", t.map { Int32($0.i0) })
    let i1 = call.constantInt32("interp_i1", t.map { Int32($0.i1) })
    let l1 = call.constantFloat("interp_l1", t.map(\.l1))
    let plane = x[firstAxis(x.count)...].reduce(1, *)
    let p = call.parameterStruct(
      "nnc_interpolate_linear_params", "interp",
      [
        ("outer", "\(call.inputCount(0) / max(plane, 1))"), ("axes", "\(outputSize.count)"),
        ("y_shape", "{" + (outputSize + [1, 1]).prefix(3).map { "\($0)" }.joined(separator: ", ") + "}"),
        ("x_plane", "\(plane)"), ("i0", i0), ("i1", i1), ("l1", l1),
      ])
    return ["nnc_interpolate_linear_f32(&\(p), \(call.input(0)), \(call.output(0)));"]
  }

  public var isTrainable: Bool { true }

  /// Nearest: dy routed back; linear: each output's gradient spread over its 2^k corners with the
  /// products of the axis weights (nnabla's `linear_interpolate_*_backward`).
  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let x = inputs[0], dy = outputGradients[0].values
    if mode == "nearest" { return [gather(x.shape).gradient(xShape: x.shape, dy: outputGradients[0])] }
    // Per output position of the interpolated plane (row-major), its 2^k corners.
    var positions: [[(offset: Int, weight: Float)]] = [[(0, 1)]]
    for axis in tables(x.shape) {
      positions = positions.flatMap { p in
        axis.map { e in p.flatMap { c in [(c.offset + e.i0, c.weight * (1 - e.l1)), (c.offset + e.i1, c.weight * e.l1)] } }
      }
    }
    let plane = x.shape[firstAxis(x.shape.count)...].reduce(1, *), outer = x.count / max(plane, 1)
    let yPlane = positions.count
    var dx = [Float](repeating: 0, count: x.count)
    for o in 0..<outer {
      for (p, corners) in positions.enumerated() {
        for c in corners { dx[o * plane + c.offset] += c.weight * dy[o * yPlane + p] }
      }
    }
    return [FloatTensor(shape: x.shape, values: dx)]
  }
}
