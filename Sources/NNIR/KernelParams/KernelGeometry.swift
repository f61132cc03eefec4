// The shape arithmetic that turns a node into the numbers a kernel takes. The float and int8 code
// generators and the int8 quantizer all call these, so a layer is described the same way
// whichever path emits it.

/// Row-major element strides of `shape` (last axis 1).
public func rowMajorStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
  return strides
}

/// The element strides of a row-major tensor of `shape` along each axis of `outShape` (which it
/// broadcasts to, numpy-style): 0 for a missing leading axis or an axis of size 1 broadcast to a
/// larger one. These are `nnc_binary_params.a_strides` / `b_strides`.
public func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
  precondition(shape.count <= outShape.count, "cannot broadcast rank \(shape.count) to \(outShape.count)")
  var strides = [Int](repeating: 0, count: outShape.count)
  var step = 1
  let lead = outShape.count - shape.count
  for i in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[lead + i] = (shape[i] == 1 && outShape[lead + i] != 1) ? 0 : step
    step *= shape[i]
  }
  return strides
}

/// Spatial values of 1-D or 2-D maps as (H, W): a 1-D map is H = 1.
func asHeightWidth(_ values: [Int], fill: Int) -> [Int] {
  [Int](repeating: fill, count: 2 - values.count) + values
}

/// `nnc_conv_params` / `nnc_deconv_params`: the geometry of a 1-D or 2-D (de)convolution.
public struct ConvGeometry: Sendable, Equatable, Hashable {
  public var batch, inC, inH, inW, outC, outH, outW: Int32
  public var kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, group: Int32

  /// Input `x`, output `y` and weight `w` shapes with the channel axis at `baseAxis`; nil unless
  /// the maps are 1-D or 2-D (the C kernels' reach).
  public init?(x: [Int], y: [Int], w: [Int], baseAxis: Int, pad: [Int], stride: [Int], dilation: [Int], group: Int) {
    let n = x.count - baseAxis - 1
    guard n == 1 || n == 2 else { return nil }
    let inS = asHeightWidth(Array(x.suffix(n)), fill: 1), outS = asHeightWidth(Array(y.suffix(n)), fill: 1)
    let k = asHeightWidth(Array(w.suffix(n)), fill: 1)
    let (s, p, d) = (asHeightWidth(stride, fill: 1), asHeightWidth(pad, fill: 0), asHeightWidth(dilation, fill: 1))
    func i(_ v: Int) -> Int32 { Int32(v) }
    (batch, inC, inH, inW) = (i(x[..<baseAxis].reduce(1, *)), i(x[baseAxis]), i(inS[0]), i(inS[1]))
    (outC, outH, outW) = (i(y[baseAxis]), i(outS[0]), i(outS[1]))
    (kernelH, kernelW, strideH, strideW) = (i(k[0]), i(k[1]), i(s[0]), i(s[1]))
    (padH, padW, dilationH, dilationW) = (i(p[0]), i(p[1]), i(d[0]), i(d[1]))
    self.group = i(group)
  }
}

extension ConvS8Params {
  /// The int8 convolution over `geometry` with the given offsets and fused-activation clamp.
  public init(geometry g: ConvGeometry, inputOffset: Int32, outputOffset: Int32, actMin: Int32 = -128, actMax: Int32 = 127) {
    self.init(
      batch: g.batch, inC: g.inC, inH: g.inH, inW: g.inW, outC: g.outC, outH: g.outH, outW: g.outW,
      kernelH: g.kernelH, kernelW: g.kernelW, strideH: g.strideH, strideW: g.strideW, padH: g.padH, padW: g.padW,
      dilationH: g.dilationH, dilationW: g.dilationW, group: g.group, inputOffset: inputOffset,
      outputOffset: outputOffset, actMin: actMin, actMax: actMax)
  }
}

extension PoolParams {
  /// Pooling of `x` into `y` over the trailing `a.kernel.count` axes; nil unless that is 1 or 2.
  public init?(x: [Int], y: [Int], _ a: PoolingAttributes) {
    let n = a.kernel.count
    guard n == 1 || n == 2 else { return nil }
    let inS = asHeightWidth(Array(x.suffix(n)), fill: 1), outS = asHeightWidth(Array(y.suffix(n)), fill: 1)
    let (k, s, p) = (asHeightWidth(a.kernel, fill: 1), asHeightWidth(a.stride, fill: 1), asHeightWidth(a.pad, fill: 0))
    func i(_ v: Int) -> Int32 { Int32(v) }
    self.init(
      outer: i(x.dropLast(n).reduce(1, *)), inH: i(inS[0]), inW: i(inS[1]), outH: i(outS[0]), outW: i(outS[1]),
      kernelH: i(k[0]), kernelW: i(k[1]), strideH: i(s[0]), strideW: i(s[1]), padH: i(p[0]), padW: i(p[1]),
      includingPad: a.includingPad)
  }
}

extension SoftmaxParams {
  /// Softmax of `x` over `axis`.
  public init(x: [Int], axis: Int) {
    self.init(outer: Int32(x[..<axis].reduce(1, *)), axisSize: Int32(x[axis]), inner: Int32(x[(axis + 1)...].reduce(1, *)))
  }
}

extension ConcatenateParams {
  /// Where each input of a concatenation along `axis` goes in `y`, in input order.
  public static func parts(inputs: [[Int]], y: [Int], axis: Int) -> [ConcatenateParams] {
    let outer = Int32(y[..<axis].reduce(1, *)), yInner = Int32(y[axis...].reduce(1, *))
    var offset: Int32 = 0
    return inputs.map { x in
      let xInner = Int32(x[axis...].reduce(1, *))
      defer { offset += xInner }
      return ConcatenateParams(outer: outer, xInner: xInner, yInner: yInner, yOffset: offset)
    }
  }
}

extension TransposeParams {
  public init(x: [Int], y: [Int], axes: [Int]) {
    let strides = rowMajorStrides(x)
    self.init(yShape: y.map { Int32($0) }, xStrides: axes.map { Int32(strides[$0]) })
  }
}

extension SliceParams {
  public init(x: [Int], y: [Int], _ a: SliceAttributes) {
    self.init(xShape: x.map { Int32($0) }, start: a.start.map { Int32($0) }, step: a.step.map { Int32($0) }, yShape: y.map { Int32($0) })
  }
}

extension PadParams {
  /// `a.padWidth` covers the trailing axes; the leading ones get 0.
  public init(x: [Int], _ a: PadAttributes) {
    let n = a.padWidth.count / 2
    var before = [Int32](repeating: 0, count: x.count), after = before
    for i in 0..<n {
      before[x.count - n + i] = Int32(a.padWidth[2 * i])
      after[x.count - n + i] = Int32(a.padWidth[2 * i + 1])
    }
    self.init(xShape: x.map { Int32($0) }, padBefore: before, padAfter: after, mode: a.mode)
  }
}
