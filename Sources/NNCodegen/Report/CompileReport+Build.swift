import NNIR

extension CompileReport {
  /// The report of a float32 compile: one row per graph node.
  public static func build(
    graph: ModelGraph, code: GeneratedCode, target: TargetDescription, modelName: String, notes: [String] = []
  ) -> CompileReport {
    // A parameter is one array however many nodes read it (a recurrent layer's weights are read
    // by every time step's Affine): it counts at the first.
    var counted: Set<Int> = []
    let layers = graph.nodes.enumerated().map { k, node in
      let out = node.outputs[0]
      let constants = node.inputs.filter { graph.tensors[$0].isParameter }.map { t in
        counted.insert(t).inserted ? graph.tensors[t].elementCount * 4 : 0
      }
      return Layer(
        step: k, name: node.name, op: node.op.typeName, outputShape: graph.tensors[out].shape, outputType: "float32",
        macs: Cost.macs(node, in: graph), weightBytes: constants.first ?? 0, biasBytes: constants.dropFirst().reduce(0, +),
        requantizationBytes: 0, output: slot(out, bytes: graph.tensors[out].elementCount * 4, code.plan),
        reusesInput: reuses(node.inputs.first, out, code.plan))
    }
    return assemble(
      modelName: modelName, network: graph.name, quantization: "float32", layers: layers,
      tensorNames: graph.tensors.map(\.name), code: code, target: target, notes: notes)
  }

  /// The report of an int8 compile: one row per program step (quantize and dequantize included).
  /// `kernels`: the set the C calls (the target's default unless given), for the cycle prediction.
  public static func build(
    program: Int8Program, code: GeneratedCode, target: TargetDescription, modelName: String, kernels: KernelSet? = nil
  ) -> CompileReport {
    let layers = program.steps.enumerated().map { k, step in
      let out = program.tensors[step.output]
      // As emitted: the optimized kernels' packed weights (padded K) and folded biases included.
      let c = code.stepConstants[k]
      return Layer(
        step: k, name: step.name, op: step.kernel.name, outputShape: out.shape, outputType: out.type.rawValue,
        macs: stepMACs(step, program), weightBytes: c.weights, biasBytes: c.bias, requantizationBytes: c.requantization,
        output: slot(step.output, bytes: out.bytes, code.plan), reusesInput: reuses(step.inputs.first, step.output, code.plan))
    }
    var report = assemble(
      modelName: modelName, network: program.name, quantization: "int8", layers: layers,
      tensorNames: program.tensors.map(\.name), code: code, target: target, notes: program.notes)
    // The cost model is fitted on the Cortex-M4F's kernels, optimized and reference; other
    // cores get no figure rather than a rough one.
    if target.cpu == "cortex-m4" {
      report.predictedCycles = CyclePrediction.predictedCycles(program: program, kernels: kernels ?? KernelSet.default(for: target)).total
    }
    return report
  }

  private static func assemble(
    modelName: String, network: String, quantization: String, layers: [Layer], tensorNames: [String],
    code: GeneratedCode, target: TargetDescription, notes: [String]
  ) -> CompileReport {
    let plan = code.plan
    let buffers = zip(plan.assignment.buffers, plan.offsets).map { b, offset in
      ArenaBuffer(offset: offset, bytes: b.bytes, firstStep: b.firstStep, lastStep: b.lastStep, tensors: b.tensors.map { tensorNames[$0] })
    }
    let summary = TargetSummary(
      name: target.name, ramBytes: target.ramBytes, flashBytes: target.flashBytes, programRunsFromRAM: target.programRunsFromRAM)
    let totals = Totals(
      macs: Cost.total(layers.map(\.macs)), weightBytes: layers.map(\.weightBytes).reduce(0, +),
      biasBytes: layers.map(\.biasBytes).reduce(0, +), requantizationBytes: layers.map(\.requantizationBytes).reduce(0, +),
      codeBytesEstimate: FootprintEstimate.codeBytes(called: FootprintEstimate.calledKernels(files: code.files), steps: layers.count), arenaBytes: plan.arenaBytes,
      arenaLowerBound: plan.lowerBound, stackBytesEstimate: FootprintEstimate.stackBytes(files: code.files), target: summary)
    return CompileReport(
      model: modelName, network: network, target: summary, quantization: quantization, planner: plan.plannerName,
      layers: layers, buffers: buffers, totals: totals, notes: notes)
  }

  private static func slot(_ t: Int, bytes: Int, _ plan: MemoryPlan) -> ArenaSlot? {
    plan.offset(ofTensor: t).map { ArenaSlot(offset: $0, bytes: bytes) }
  }

  private static func reuses(_ input: Int?, _ output: Int, _ plan: MemoryPlan) -> Bool {
    guard let input, let b = plan.assignment.bufferOf[output] else { return false }
    return plan.assignment.bufferOf[input] == b
  }

  // MARK: - int8 steps

  /// Weight layers: output elements × weights per output channel (one multiplier per channel); a
  /// convolution with a fused max pooling counts its own (unpooled) outputs.
  static func stepMACs(_ step: ProgramStep, _ program: Int8Program) -> Int {
    let outCount = program.tensors[step.output].elementCount
    switch step.kernel {
    case .convolution(let l):
      let p = l.params
      let convOutputs = Int(p.batch) * Int(p.outC) * Int(p.outH) * Int(p.outW)
      return convOutputs * l.weights.count / max(l.multipliers.count, 1)
    case .affine(let l): return outCount * l.weights.count / max(l.multipliers.count, 1)
    case .float(let op):
      return Cost.macs(op, inputShapes: step.inputs.map { program.tensors[$0].shape }, outputShape: program.tensors[step.output].shape)
    default: return 0
    }
  }
}
