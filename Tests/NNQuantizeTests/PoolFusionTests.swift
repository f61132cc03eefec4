import NNIR
import NNImport
import NNInterpreter
import NNQuantize
import Testing
import _NNTestSupport

/// Convolution → MaxPooling → ReLU becomes one step (the ReLU commutes in front of the pooling as
/// the convolution's clamp, the pooling runs inside the convolution). The fused program must give
/// exactly the bytes of the program that runs the three one after the other.
@Suite struct PoolFusionTests {
  /// The same program with every fused step split back into convolution (no clamp), max pooling
  /// and clamp, over new intermediate tensors.
  static func unfused(_ program: Int8Program) -> (Int8Program, splits: Int) {
    var p = program
    var steps: [ProgramStep] = []
    var splits = 0
    for step in program.steps {
      guard case .convolution(var conv) = step.kernel, let pool = conv.fusedMaxPool else {
        steps.append(step)
        continue
      }
      splits += 1
      let out = program.tensors[step.output]
      let (lo, hi) = (conv.params.actMin, conv.params.actMax)
      conv.fusedMaxPool = nil
      (conv.params.actMin, conv.params.actMax) = (-128, 127)
      let c = conv.params
      p.tensors.append(ProgramTensor(name: "conv", shape: [Int(c.batch), Int(c.outC), Int(c.outH), Int(c.outW)], type: .int8, quant: out.quant))
      p.tensors.append(ProgramTensor(name: "pool", shape: out.shape, type: .int8, quant: out.quant))
      let (mid, pooled) = (p.tensors.count - 2, p.tensors.count - 1)
      steps.append(ProgramStep(name: "conv", kernel: .convolution(conv), inputs: step.inputs, output: mid))
      steps.append(ProgramStep(name: "pool", kernel: .maxPooling(pool), inputs: [mid], output: pooled))
      steps.append(ProgramStep(name: "relu", kernel: .clamp(lo: Int8(lo), hi: Int8(hi)), inputs: [pooled], output: step.output))
    }
    p.steps = steps
    return (p, splits)
  }

  /// lenet28 is Convolution → ReLU → MaxPooling; Sony's sample is Convolution → MaxPooling →
  /// ReLU, where the ReLU commutes in front of the pooling.
  @Test(arguments: [
    ("nnabla/lenet28/model.nnp", "nnabla/lenet28/inputs.bin", false),
    ("real/nnabla_lenet_010000.nnp", "real/nnabla_lenet_010000__nnabla_5.input.bin", true),
  ])
  func fusedConvPoolReLU_givesTheBytesOfTheThreeSteps(_ model: String, _ inputs: String, _ commutes: Bool) throws {
    let graph = try NNablaImporter.importNNP(bytes: Fixtures.bytes(model)).graph
    let pixels = try Fixtures.floats(inputs)
    let shape = graph.tensors[graph.inputs[0]].shape
    let size = shape.reduce(1, *)
    // The fixtures' samples, and each of them darkened, to see more than one input per model.
    let samples = (0..<(pixels.count / size)).flatMap { s -> [[FloatTensor]] in
      let x = Array(pixels[s * size..<(s + 1) * size])
      return [[FloatTensor(shape: shape, values: x)], [FloatTensor(shape: shape, values: x.map { $0 * 0.6 })]]
    }
    let program = try Int8Quantizer.quantize(graph, ranges: Calibration.calibrate(graph, samples: samples, method: .minMax))
    #expect(program.notes.contains("fused 2 MaxPooling into the convolution before them"), "\(program.notes)")
    let (reference, splits) = Self.unfused(program)
    #expect(splits == 2)
    // Where the ReLU came after the pooling it is now the convolution's clamp (above the output
    // zero point, since the convolution's range is signed).
    let clamped = program.steps.filter { step in
      if case .convolution(let c) = step.kernel { c.fusedMaxPool != nil && c.params.actMin > -128 } else { false }
    }
    #expect(clamped.count == (commutes ? 2 : 0))
    for sample in samples {
      let fused = Int8ProgramInterpreter.runAll(program, inputs: sample)
      let split = Int8ProgramInterpreter.runAll(reference, inputs: sample)
      for step in program.steps { #expect(fused[step.output] == split[step.output], "\(step.name)") }
    }
  }
}
