import Dispatch
import NNIR

/// Convolution-shaped ops lowered onto `MatrixMultiply` through im2col / col2im.
///
/// Spatial axes (1 to 3) are lifted to three (depth, height, width) as the interpreter does. A
/// "batched matrix" `[C, N·S]` holds channel `c` of sample `n` at `(c, n·S + s)`, so one multiply
/// covers the whole batch and a group at a time.
struct ConvolutionGeometry: Sendable {
  var batch: Int
  /// Channels of the image side (`input` in the im2col sense) and spatial sizes, lifted to 3 axes.
  var imageChannels: Int
  var image: [Int]
  var columns: [Int]
  var kernel: [Int]
  var stride: [Int]
  var pad: [Int]
  var dilation: [Int]

  init(batch: Int, imageChannels: Int, image: [Int], columns: [Int], kernel: [Int], stride: [Int], pad: [Int], dilation: [Int]) {
    func lift(_ v: [Int], _ fill: Int) -> [Int] { [Int](repeating: fill, count: 3 - v.count) + v }
    precondition((1...3).contains(image.count), "convolution needs 1 to 3 spatial axes")
    self.batch = batch
    self.imageChannels = imageChannels
    self.image = lift(image, 1)
    self.columns = lift(columns, 1)
    self.kernel = lift(kernel, 1)
    self.stride = lift(stride, 1)
    self.pad = lift(pad, 0)
    self.dilation = lift(dilation, 1)
  }

  var imageSize: Int { image[0] * image[1] * image[2] }
  var columnSize: Int { columns[0] * columns[1] * columns[2] }
  var kernelSize: Int { kernel[0] * kernel[1] * kernel[2] }

  /// Visits one row of the column matrix: for kernel tap `(c, kd, kh, kw)` of sample `n`, every
  /// output row `(od, oh)` whose tap lands inside the image, with the column range `ow` that does
  /// and the image offset of `ow = 0`. `body(columnStart, imageRowStart, owRange)`; the image index
  /// of column `columnStart + ow` is `imageRowStart + ow * stride`.
  @inline(__always)
  func forEachRun(channel c: Int, tap: Int, sample n: Int, _ body: (Int, Int, Range<Int>) -> Void) {
    let kw = tap % kernel[2], kh = (tap / kernel[2]) % kernel[1], kd = tap / (kernel[2] * kernel[1])
    let offW = kw * dilation[2] - pad[2]
    // Output columns whose tap lands inside the input row.
    let owLo = max(0, Self.ceilDiv(-offW, stride[2]))
    let owHi = min(columns[2], Self.floorDiv(image[2] - 1 - offW, stride[2]) + 1)
    if owLo >= owHi { return }
    let imageBase = (n * imageChannels + c) * imageSize
    for od in 0..<columns[0] {
      let id = od * stride[0] - pad[0] + kd * dilation[0]
      if id < 0 || id >= image[0] { continue }
      for oh in 0..<columns[1] {
        let ih = oh * stride[1] - pad[1] + kh * dilation[1]
        if ih < 0 || ih >= image[1] { continue }
        let column = n * columnSize + (od * columns[1] + oh) * columns[2]
        body(column, imageBase + (id * image[1] + ih) * image[2] + offW, owLo..<owHi)
      }
    }
  }

  static func ceilDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }
  static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

  /// `[channels·K, N·S]` from the NC… image; rows are filled in parallel.
  func im2col(_ image: UnsafePointer<Float>, channels: Range<Int>) -> [Float] {
    let nS = batch * columnSize
    let rows = channels.count * kernelSize
    var col = [Float](repeating: 0, count: rows * nS)
    let k = kernelSize, s = stride[2]
    let imageAddress = UInt(bitPattern: image)
    col.withUnsafeMutableBufferPointer { cp in
      let colAddress = UInt(bitPattern: cp.baseAddress!)
      let fill: @Sendable (Int) -> Void = { row in
        let image = UnsafePointer<Float>(bitPattern: imageAddress)!
        let out = UnsafeMutablePointer<Float>(bitPattern: colAddress)! + row * nS
        for n in 0..<self.batch {
          self.forEachRun(channel: channels.lowerBound + row / k, tap: row % k, sample: n) { column, src, range in
            for ow in range { out[column + ow] = image[src + ow * s] }
          }
        }
      }
      Self.parallel(rows, work: rows * nS, fill)
    }
    return col
  }

  /// Adds the column matrix back onto the image (the adjoint of `im2col`), one image channel per
  /// task so no two tasks write the same element.
  func col2im(_ col: [Float], channels: Range<Int>, into image: UnsafeMutablePointer<Float>) {
    let nS = batch * columnSize
    let k = kernelSize, s = stride[2]
    let imageAddress = UInt(bitPattern: image)
    col.withUnsafeBufferPointer { cp in
      let colAddress = UInt(bitPattern: cp.baseAddress!)
      let add: @Sendable (Int) -> Void = { ci in
        let image = UnsafeMutablePointer<Float>(bitPattern: imageAddress)!
        for tap in 0..<k {
          let src = UnsafePointer<Float>(bitPattern: colAddress)! + (ci * k + tap) * nS
          for n in 0..<self.batch {
            self.forEachRun(channel: channels.lowerBound + ci, tap: tap, sample: n) { column, dst, range in
              for ow in range { image[dst + ow * s] += src[column + ow] }
            }
          }
        }
      }
      Self.parallel(channels.count, work: channels.count * k * nS, add)
    }
  }

  /// One sample's column matrix `[C·K, S]` (every channel; group `g` owns rows `g·Cg·K ..<`).
  /// Training convolves sample by sample so that columns, products and their gradients stay in
  /// cache, instead of streaming one `[C·K, N·S]` matrix through memory several times.
  func im2col(_ image: UnsafePointer<Float>, sample n: Int, into out: UnsafeMutablePointer<Float>) {
    let k = kernelSize, s = stride[2], size = columnSize
    // Without padding every tap lands inside the image, so every element gets written.
    if pad.contains(where: { $0 > 0 }) { out.update(repeating: 0, count: imageChannels * k * size) }
    for row in 0..<(imageChannels * k) {
      let dst = out + row * size
      forEachRun(channel: row / k, tap: row % k, sample: n) { column, src, range in
        let d = dst + (column - n * size)
        if s == 1 {
          (d + range.lowerBound).update(from: image + src + range.lowerBound, count: range.count)
        } else {
          for ow in range { d[ow] = image[src + ow * s] }
        }
      }
    }
  }

  /// Adds one sample's column matrix `[C·K, S]` back onto that sample's image (adjoint of
  /// `im2col(_:sample:into:)`).
  func col2im(_ col: UnsafePointer<Float>, sample n: Int, into image: UnsafeMutablePointer<Float>) {
    let k = kernelSize, s = stride[2], size = columnSize
    for row in 0..<(imageChannels * k) {
      let src = col + row * size
      forEachRun(channel: row / k, tap: row % k, sample: n) { column, dst, range in
        let c = src + (column - n * size)
        if s == 1 {
          let to = image + dst
          for ow in range { to[ow] += c[ow] }
        } else {
          for ow in range { image[dst + ow * s] += c[ow] }
        }
      }
    }
  }

  /// Runs `body(0..<count)` over the cores when there is enough work to pay for it.
  static func parallel(_ count: Int, work: Int, _ body: @Sendable (Int) -> Void) {
    if count > 1 && work > 1 << 15 && MatrixMultiply.workers > 1 {
      DispatchQueue.concurrentPerform(iterations: count, execute: body)
    } else {
      for i in 0..<count { body(i) }
    }
  }
}

/// `[N, C, S]` ↔ batched matrix `[C, N·S]` for channels `channels` of a `[N, total, S]` tensor.
enum BatchedMatrix {
  static func gather(_ x: UnsafePointer<Float>, batch: Int, totalChannels: Int, channels: Range<Int>, size: Int) -> [Float] {
    var m = [Float](repeating: 0, count: channels.count * batch * size)
    m.withUnsafeMutableBufferPointer { mp in
      for (ci, c) in channels.enumerated() {
        for n in 0..<batch {
          (mp.baseAddress! + (ci * batch + n) * size).update(from: x + (n * totalChannels + c) * size, count: size)
        }
      }
    }
    return m
  }

  static func scatter(_ m: [Float], into y: UnsafeMutablePointer<Float>, batch: Int, totalChannels: Int, channels: Range<Int>, size: Int) {
    m.withUnsafeBufferPointer { mp in
      for (ci, c) in channels.enumerated() {
        for n in 0..<batch {
          (y + (n * totalChannels + c) * size).update(from: mp.baseAddress! + (ci * batch + n) * size, count: size)
        }
      }
    }
  }
}
