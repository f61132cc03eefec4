import Foundation
import NNIR

/// A function computed element by element from one input. Everything else follows from `apply`
/// and `derivative`: the shape (the input's), the float reference, the C call
/// (`nnc_<cKernel>_f32(n, <cArguments>, x, y)`, in place allowed), the int8 path (a 256-entry
/// table of `apply`) and the gradient.
///
/// `apply` must be written with the C kernel's operations in the C kernel's order (both call the
/// same libm `expf`/`logf`/`tanhf`), so the host C matches it bit for bit.
public protocol ElementwiseFunction: NNFunction {
  func apply(_ x: Float) -> Float
  /// dy/dx at x (y = apply(x) given for rules that reuse it).
  func derivative(x: Float, y: Float) -> Float
  /// The C kernel's stem: `nnc_<cKernel>_f32`.
  var cKernel: String { get }
  /// The kernel's scalar arguments between `n` and `x` (C float literals, in order).
  var cArguments: [Float] { get }
  /// The output range when it is known in advance (sigmoid-like functions), for int8.
  var fixedInt8Output: QuantParams? { get }
}

extension ElementwiseFunction {
  public static var inputArity: ClosedRange<Int> { 1...1 }
  public var cArguments: [Float] { [] }
  public var fixedInt8Output: QuantParams? { nil }
  public var isElementwiseUnary: Bool { true }
  public var isTrainable: Bool { true }
  public var int8: Int8Lowering { .table(fixedOutput: fixedInt8Output) }

  public func outputShapes(_ inputs: [[Int]]) throws(ShapeError) -> [[Int]] { [inputs[0]] }

  public func evaluate(_ inputs: [FloatTensor]) -> [FloatTensor] {
    [FloatTensor(shape: inputs[0].shape, values: inputs[0].values.map(apply))]
  }

  public func emitC(_ call: inout any CFunctionCall) throws -> [String]? {
    let args = ["\(call.outputCount(0))"] + cArguments.map(CLiteral.float) + [call.input(0), call.output(0)]
    return ["nnc_\(cKernel)_f32(\(args.joined(separator: ", ")));"]
  }

  public func gradients(inputs: [FloatTensor], outputs: [FloatTensor], outputGradients: [FloatTensor]) -> [FloatTensor?]? {
    let x = inputs[0].values, y = outputs[0].values, dy = outputGradients[0].values
    return [FloatTensor(shape: inputs[0].shape, values: x.indices.map { dy[$0] * derivative(x: x[$0], y: y[$0]) })]
  }
}
