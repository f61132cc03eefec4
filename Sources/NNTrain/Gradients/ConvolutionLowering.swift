import NNIR

/// Convolution-shaped ops lowered onto `MatrixMultiply` through im2col / col2im.
///
/// Spatial axes (1 to 3) are lifted to three (depth, height, width) as the interpreter does. A
/// "batched matrix" `[C, N·S]` holds channel `c` of sample `n` at `(c, n·S + s)`, so one multiply
/// covers the whole batch and a group at a time.
struct ConvolutionGeometry {
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

  /// Walks every (channel-in-group row, column) pair of the column matrix with the image index it
  /// reads (`nil` in the padding). `body(row, column, imageIndex)`.
  @inline(__always)
  func forEachTap(channels: Range<Int>, _ body: (Int, Int, Int?) -> Void) {
    let (kD, kH, kW) = (kernel[0], kernel[1], kernel[2])
    let (oD, oH, oW) = (columns[0], columns[1], columns[2])
    let (iD, iH, iW) = (image[0], image[1], image[2])
    let nS = batch * columnSize
    var row = 0
    for c in channels {
      for kd in 0..<kD {
        for kh in 0..<kH {
          for kw in 0..<kW {
            for n in 0..<batch {
              let imageBase = (n * imageChannels + c) * imageSize
              var column = n * columnSize
              for od in 0..<oD {
                let id = od * stride[0] - pad[0] + kd * dilation[0]
                for oh in 0..<oH {
                  let ih = oh * stride[1] - pad[1] + kh * dilation[1]
                  for ow in 0..<oW {
                    let iw = ow * stride[2] - pad[2] + kw * dilation[2]
                    let inside = id >= 0 && id < iD && ih >= 0 && ih < iH && iw >= 0 && iw < iW
                    body(row, column, inside ? imageBase + (id * iH + ih) * iW + iw : nil)
                    column += 1
                  }
                }
              }
            }
            _ = nS
            row += 1
          }
        }
      }
    }
  }

  /// `[channels·K, N·S]` from the NC… image.
  func im2col(_ image: UnsafePointer<Float>, channels: Range<Int>) -> [Float] {
    let nS = batch * columnSize
    var col = [Float](repeating: 0, count: channels.count * kernelSize * nS)
    col.withUnsafeMutableBufferPointer { cp in
      forEachTap(channels: channels) { row, column, index in
        if let index { cp[row * nS + column] = image[index] }
      }
    }
    return col
  }

  /// Adds the column matrix back onto the image (the adjoint of `im2col`).
  func col2im(_ col: [Float], channels: Range<Int>, into image: UnsafeMutablePointer<Float>) {
    let nS = batch * columnSize
    col.withUnsafeBufferPointer { cp in
      forEachTap(channels: channels) { row, column, index in
        if let index { image[index] += cp[row * nS + column] }
      }
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
