import NNIR
import NNInterpreter
import Testing
import _NNTestSupport

/// A small graph written node by node for the converter-rewrite tests, and the check they share:
/// the rewritten graph computes what the interpreter computes on the unrewritten one.
struct RewriteTestGraph {
  var tensors: [TensorInfo] = []
  var nodes: [Node] = []
  var inputs: [Int] = []
  var random = SeededRandom(seed: 5)

  mutating func input(_ shape: [Int]) -> Int {
    tensors.append(TensorInfo(name: "x\(inputs.count)", shape: shape))
    inputs.append(tensors.count - 1)
    return tensors.count - 1
  }

  mutating func constant(_ shape: [Int], values: [Float]? = nil) -> Int {
    let n = shape.reduce(1, *)
    let v = values ?? (0..<n).map { _ in random.float() }
    tensors.append(TensorInfo(name: "c\(tensors.count)", shape: shape, data: FloatTensor(shape: shape, values: v)))
    return tensors.count - 1
  }

  @discardableResult
  mutating func add(_ op: Op, _ ins: [Int]) throws -> Int {
    let shape = try ShapeInference.outputShapes(of: op, inputs: ins.map { tensors[$0].shape })[0]
    tensors.append(TensorInfo(name: "t\(tensors.count)", shape: shape))
    nodes.append(Node(name: "n\(nodes.count)", op: op, inputs: ins, outputs: [tensors.count - 1]))
    return tensors.count - 1
  }

  func graph(outputs: [Int]) -> ModelGraph {
    ModelGraph(name: "g", tensors: tensors, nodes: nodes, inputs: inputs, outputs: outputs)
  }

  /// max |rewritten − original| over the outputs, on three random inputs.
  static func maxDifference(_ original: ModelGraph, _ rewritten: ModelGraph) -> Float {
    var random = SeededRandom(seed: 9)
    var worst: Float = 0
    for _ in 0..<3 {
      let x = original.inputs.map { t in
        FloatTensor(shape: original.tensors[t].shape, values: (0..<original.tensors[t].elementCount).map { _ in 3 * random.float() })
      }
      for (a, b) in zip(FloatInterpreter.run(original, inputs: x), FloatInterpreter.run(rewritten, inputs: x)) {
        #expect(a.shape == b.shape)
        worst = max(worst, zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0)
      }
    }
    return worst
  }

  static func opNames(_ g: ModelGraph) -> [String] { g.nodes.map(\.op.typeName) }
}
