import NNIR

extension FloatKernels {
  /// nnabla `Concatenate` of `inputs` along `axis` (negative counts from the end). All inputs have
  /// the same rank and agree on every other axis. Like `nnc_concatenate_f32` (called once per input),
  /// each input of `[outer, xInner]` is copied into rows of `[outer, yInner]` at its offset.
  public static func concatenate(_ inputs: [FloatTensor], axis: Int) -> FloatTensor {
    precondition(!inputs.isEmpty, "Concatenate needs at least one input")
    let rank = inputs[0].shape.count
    let axis = axis < 0 ? axis + rank : axis
    precondition(axis >= 0 && axis < rank, "Concatenate axis \(axis) out of range for rank \(rank)")
    var outShape = inputs[0].shape
    outShape[axis] = inputs.reduce(0) { $0 + $1.shape[axis] }
    let outer = outShape[..<axis].reduce(1, *)
    let innerSize = outShape[(axis + 1)...].reduce(1, *)
    let yInner = outShape[axis] * innerSize
    let total = outer * yInner

    let y = [Float](unsafeUninitializedCapacity: total) { yp, initialized in
      var offset = 0
      for input in inputs {
        let xInner = input.shape[axis] * innerSize
        input.values.withUnsafeBufferPointer { xp in
          for o in 0..<outer {
            let src = o * xInner
            let dst = o * yInner + offset
            for j in 0..<xInner { yp[dst + j] = xp[src + j] }
          }
        }
        offset += xInner
      }
      initialized = total
    }
    return FloatTensor(shape: outShape, values: y)
  }
}
