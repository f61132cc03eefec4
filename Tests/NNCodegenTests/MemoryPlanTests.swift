import NNCodegen
import NNCompileKit
import NNIR
import Testing
import _NNTestSupport

/// The arena planner: no two tensors live at once may share bytes, and on real networks the arena
/// reaches the lower bound (largest sum of simultaneously live tensors) rather than the sum of all.
@Suite struct MemoryPlanTests {
  /// A deterministic generator, so a failing case can be replayed.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static func checkNoLiveOverlap(_ buffers: [Buffer], _ offsets: [Int], alignment: Int) {
    for i in buffers.indices {
      #expect(offsets[i] % alignment == 0)
      for j in buffers.indices where j > i && buffers[i].overlapsInTime(buffers[j]) {
        let disjoint = offsets[i] + buffers[i].bytes <= offsets[j] || offsets[j] + buffers[j].bytes <= offsets[i]
        #expect(disjoint, "buffers \(i) and \(j) are live together and overlap in memory")
      }
    }
  }

  @Test(arguments: 0..<40)
  func greedyPlacementNeverOverlapsLiveBuffers(seed: Int) {
    var rng = SplitMix64(state: UInt64(seed))
    let count = Int.random(in: 1...30, using: &rng)
    let buffers = (0..<count).map { _ in
      let first = Int.random(in: 0..<20, using: &rng)
      return Buffer(
        tensors: [], bytes: 4 * Int.random(in: 1...500, using: &rng), firstStep: first,
        lastStep: first + Int.random(in: 0..<6, using: &rng))
    }
    let greedy = GreedyPlanner()
    let offsets = greedy.offsets(for: buffers, alignment: 16)
    Self.checkNoLiveOverlap(buffers, offsets, alignment: 16)
    let linear = LinearPlanner()
    let linearOffsets = linear.offsets(for: buffers, alignment: 16)
    Self.checkNoLiveOverlap(buffers, linearOffsets, alignment: 16)
    #expect(greedy.arenaBytes(for: buffers, offsets: offsets) <= linear.arenaBytes(for: buffers, offsets: linearOffsets))
  }

  /// A chain x → conv → relu → reshape → affine: the relu runs in place, the reshape aliases.
  static func chain() -> ModelGraph {
    let w = FloatTensor(shape: [4, 1, 3, 3], values: [Float](repeating: 0.1, count: 36))
    let v = FloatTensor(shape: [144, 2], values: [Float](repeating: 0.01, count: 288))
    let tensors = [
      TensorInfo(name: "x", shape: [1, 1, 8, 8]),
      TensorInfo(name: "w", shape: [4, 1, 3, 3], data: w),
      TensorInfo(name: "c", shape: [1, 4, 6, 6]),
      TensorInfo(name: "r", shape: [1, 4, 6, 6]),
      TensorInfo(name: "f", shape: [1, 144]),
      TensorInfo(name: "v", shape: [144, 2], data: v),
      TensorInfo(name: "y", shape: [1, 2]),
    ]
    let nodes = [
      Node(name: "conv", op: .convolution(ConvolutionAttributes(pad: [0, 0], stride: [1, 1], dilation: [1, 1])), inputs: [0, 1], outputs: [2]),
      Node(name: "relu", op: .relu, inputs: [2], outputs: [3]),
      Node(name: "flat", op: .reshape(shape: [1, 144]), inputs: [3], outputs: [4]),
      Node(name: "fc", op: .affine(AffineAttributes()), inputs: [4, 5], outputs: [6]),
    ]
    return ModelGraph(name: "chain", tensors: tensors, nodes: nodes, inputs: [0], outputs: [6])
  }

  @Test func inPlaceActivationAndReshapeAliasShareOneBuffer() {
    let a = BufferAssignment(graph: Self.chain())
    #expect(a.bufferOf[2] != nil)
    #expect(a.bufferOf[2] == a.bufferOf[3])
    #expect(a.bufferOf[3] == a.bufferOf[4])
    #expect(a.buffers.count == 2)  // conv/relu/reshape, and the output
    #expect(a.inputAliasOf[0] == 0)
    #expect(a.bufferOf[0] == nil && a.bufferOf[1] == nil)  // caller's input and flash weights take no arena
  }

  @Test func chainArenaIsTheLowerBound() {
    let plan = MemoryPlan(graph: Self.chain())
    // conv output (576 B) and the affine output (8 B → 16 aligned) are live together at the last step.
    #expect(plan.lowerBound == 576 + 8)
    #expect(plan.arenaBytes == 576 + 16)
  }

  @Test func lenetArenaMeetsLowerBoundAndBeatsTheSumOfTensors() throws {
    let compilation = try Driver.compile(
      modelPath: Fixtures.path("real/nnabla_lenet_010000.nnp"),
      options: CompileOptions(target: try .named("cortex-m4f"), quantization: "float32"))
    let plan = compilation.code.plan
    let graph = compilation.model.graph
    let sumOfActivations = graph.nodes.map { graph.tensors[$0.outputs[0]].elementCount * 4 }.reduce(0, +)
    #expect(plan.arenaBytes == plan.lowerBound)
    // The two largest neighbours (conv1 output 36,864 B and pool1 output 9,216 B) set the bound.
    #expect(plan.lowerBound == 36_864 + 9_216)
    #expect(plan.arenaBytes < sumOfActivations * 3 / 4)
    Self.checkNoLiveOverlap(plan.assignment.buffers, plan.offsets, alignment: MemoryPlan.alignment)
  }
}
