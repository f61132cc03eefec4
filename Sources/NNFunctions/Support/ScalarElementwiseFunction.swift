import NNIR

/// An element-wise function with one scalar attribute `val` (AddScalar's family: PowScalar,
/// RSubScalar, MaximumScalar, ResetNaN, …): reads and writes `val` (proto3: absent is 0, not the
/// Python default) and passes it to the C kernel as its scalar argument.
public protocol ScalarElementwiseFunction: ElementwiseFunction {
  var val: Double { get }
  init(val: Double)
}

extension ScalarElementwiseFunction {
  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    self.init(val: try a.double("val", absent: 0))
  }

  public var attributeFields: [(name: String, value: AttributeValue)] { [("val", .double(val))] }

  public var cArguments: [Float] { [Float(val)] }
}
