import NNFunctions
import NNIR

/// Turns one nnabla network into a `ModelGraph`: prunes, maps functions, attaches parameters and
/// checks every shape, collecting all diagnostics before failing.
struct GraphBuilder {
  let network: NetworkDef
  let parameters: [String: ParameterDef]
  private var variables: [String: VariableDef] = [:]
  private var diagnostics: [Diagnostic] = []
  /// Functions no part of nncompile describes, reported together in one line.
  private var unsupported: [(type: String, name: String)] = []
  private var tensors: [TensorInfo] = []
  private var index: [String: Int] = [:]
  /// Training keeps `Dropout` (inference turns it into `Identity`).
  let keepsDropout: Bool
  /// What the build accepted but the user should know (a negative BatchNormalization variance).
  var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

  init(network: NetworkDef, parameters: [String: ParameterDef], keepsDropout: Bool = false) {
    self.network = network
    self.parameters = parameters
    self.keepsDropout = keepsDropout
    for v in network.variables { variables[v.name] = v }
  }

  /// Buffers no function writes: the inputs of a network without an executor.
  func unproducedBuffers() -> [String] {
    let produced = Set(network.functions.flatMap(\.outputs))
    let used = network.functions.flatMap(\.inputs)
    var seen = Set<String>()
    return used.filter { name in
      !produced.contains(name) && variables[name]?.type != "Parameter" && seen.insert(name).inserted
    }
  }

  /// Buffers no function reads: the outputs of a network without an executor.
  func unconsumedBuffers() -> [String] {
    let consumed = Set(network.functions.flatMap(\.inputs))
    return network.functions.flatMap(\.outputs).filter { !consumed.contains($0) }
  }

  /// The batch-1 shape declared for a variable: a leading `-1` (the batch) becomes 1; any other
  /// negative dimension stays, for `ShapeLimits.elementCount` to reject.
  private func declaredShape(_ name: String) -> [Int]? {
    variables[name].map { v in v.shape.enumerated().map { $0.offset == 0 && $0.element == -1 ? 1 : $0.element } }
  }

  mutating func build(inputs: [String], outputs: [String]) throws -> ModelGraph {
    for name in inputs {
      guard let shape = declaredShape(name) else {
        diagnostics.append(.error("input variable '\(name)' is not declared in network '\(network.name)'"))
        continue
      }
      do throws(ShapeError) {
        if let axis = shape.firstIndex(where: { $0 <= 0 }) {
          throw ShapeError("dimension \(shape[axis]) at axis \(axis) of \(variables[name]?.shape ?? shape) must be positive (only the leading batch dimension may be -1)")
        }
        _ = try ShapeLimits.elementCount(shape)
      } catch {
        diagnostics.append(.error(error.message, at: "variable '\(name)'"))
        continue
      }
      _ = add(TensorInfo(name: name, shape: shape))
    }
    let needed = neededFunctions(outputs: outputs)
    var nodes: [Node] = []
    for f in network.functions where needed.contains(f.name) {
      guard let node = mapFunction(f) else { continue }
      nodes.append(node)
    }
    for name in outputs where index[name] == nil && !diagnostics.contains(where: { $0.severity == .error }) && unsupported.isEmpty {
      diagnostics.append(.error("output variable '\(name)' is never computed in network '\(network.name)'"))
    }
    if !unsupported.isEmpty { diagnostics.insert(.error(Self.unsupportedMessage(unsupported)), at: 0) }
    let errors = diagnostics.filter { $0.severity == .error }
    guard errors.isEmpty else { throw DiagnosticError(errors) }
    return ModelGraph(
      name: network.name, tensors: tensors, nodes: nodes,
      inputs: inputs.compactMap { index[$0] }, outputs: outputs.compactMap { index[$0] })
  }

  private mutating func add(_ t: TensorInfo) -> Int {
    tensors.append(t)
    index[t.name] = tensors.count - 1
    return tensors.count - 1
  }

  /// Names of the functions the outputs depend on (walking producers backwards).
  private func neededFunctions(outputs: [String]) -> Set<String> {
    var producer: [String: FunctionDef] = [:]
    for f in network.functions { for o in f.outputs { producer[o] = f } }
    var needed = Set<String>()
    var stack = outputs
    while let name = stack.popLast() {
      guard let f = producer[name], needed.insert(f.name).inserted else { continue }
      stack += f.inputs
    }
    return needed
  }

  /// Maps one function to a node, or records why it cannot be and returns nil.
  private mutating func mapFunction(_ f: FunctionDef) -> Node? {
    let described = FunctionRegistry.byName[f.type]
    guard NNablaFunctionMap.supportedTypes.contains(f.type) || described != nil else {
      unsupported.append((f.type, f.name))
      return nil
    }
    var inputIndices: [Int] = []
    for name in f.inputs {
      if let i = index[name] { inputIndices.append(i); continue }
      if variables[name]?.type == "Parameter" || parameters[name] != nil {
        guard let t = parameterTensor(name, at: f.location) else { return nil }
        inputIndices.append(add(t))
      } else {
        // Either a real ordering problem or the consequence of an earlier, already reported error.
        if !diagnostics.contains(where: { $0.severity == .error }) && unsupported.isEmpty {
          diagnostics.append(.error("input '\(name)' is not computed before this function", at: f.location))
        }
        return nil
      }
    }
    if let described {
      return mapDescribedFunction(f, described, inputs: inputIndices)
    }
    guard f.outputs.count == 1, let outputName = f.outputs.first else {
      diagnostics.append(.error("has \(f.outputs.count) outputs; only single-output functions are supported", at: f.location))
      return nil
    }
    do {
      var inputShapes = inputIndices.map { tensors[$0].shape }
      var op = try NNablaFunctionMap.op(for: f, inputShapes: inputShapes, batchSize: network.batchSize)
      if case .batchNormalization(let a) = op {
        inputIndices = try completeBatchNormInputs(f, inputIndices)
        inputShapes = inputIndices.map { tensors[$0].shape }
        try checkBatchNormStatistics(f, eps: a.eps, variance: inputIndices[4])
      }
      if case .dropout = op, !keepsDropout { op = .identity }
      let shape = try ShapeInference.outputShape(of: op, inputs: inputShapes)
      if let declared = declaredShape(outputName), !declared.isEmpty, declared != shape {
        diagnostics.append(.error("output '\(outputName)' is declared \(declared) but computes to \(shape)", at: f.location))
        return nil
      }
      let out = add(TensorInfo(name: outputName, shape: shape))
      return Node(name: f.name, op: op, inputs: inputIndices, outputs: [out])
    } catch let e as ShapeError {
      diagnostics.append(.error(e.message, at: f.location))
    } catch let e as DiagnosticLikeError {
      diagnostics.append(.error(e.description, at: f.location))
    } catch {
      diagnostics.append(.error("\(error)", at: f.location))
    }
    return nil
  }

  /// Every unsupported function of the model in one line: the types, where they are, and a
  /// way around them where one exists.
  static func unsupportedMessage(_ functions: [(type: String, name: String)]) -> String {
    var types: [String] = []
    var names: [String: [String]] = [:]
    for f in functions {
      if names[f.type] == nil { types.append(f.type) }
      names[f.type, default: []].append(f.name)
    }
    let listed = types.map { t in
      let where_ = names[t]!.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (names[t]!.count > 3 ? ", …" : "")
      return "\(t) (\(where_))"
    }
    let hints = types.compactMap { t in SupportTable.suggestion(for: t).map { "\(t): \($0)" } }
    let noun = types.count == 1 ? "function type is" : "function types are"
    return "\(types.count) \(noun) not supported yet: \(listed.joined(separator: ", "))"
      + (hints.isEmpty ? "" : "; " + hints.joined(separator: "; "))
      + " (nncompile info --functions lists what is)"
  }

  /// A function described by an `NNFunction` (any number of outputs).
  private mutating func mapDescribedFunction(_ f: FunctionDef, _ type: any NNFunction.Type, inputs: [Int]) -> Node? {
    do {
      let inputShapes = inputs.map { tensors[$0].shape }
      let attributes = ProtoFunctionAttributes(message: f.message.message(type.paramName))
      let op = Op.function(FunctionCall(try type.init(attributes, inputShapes: inputShapes)))
      let shapes = try ShapeInference.outputShapes(of: op, inputs: inputShapes)
      guard shapes.count == f.outputs.count else {
        diagnostics.append(.error("has \(f.outputs.count) outputs; \(f.type) computes \(shapes.count) here", at: f.location))
        return nil
      }
      for (name, shape) in zip(f.outputs, shapes) {
        if let declared = declaredShape(name), !declared.isEmpty, declared != shape {
          diagnostics.append(.error("output '\(name)' is declared \(declared) but computes to \(shape)", at: f.location))
          return nil
        }
      }
      let outputs = zip(f.outputs, shapes).map { add(TensorInfo(name: $0, shape: $1)) }
      return Node(name: f.name, op: op, inputs: inputs, outputs: outputs)
    } catch let e as ShapeError {
      diagnostics.append(.error(e.message, at: f.location))
    } catch {
      diagnostics.append(.error("\(error)", at: f.location))
    }
    return nil
  }

  /// The constant tensor for parameter `name`, checked against its declared shape.
  private mutating func parameterTensor(_ name: String, at location: String) -> TensorInfo? {
    guard let p = parameters[name] else {
      diagnostics.append(.error("parameter '\(name)' is missing from the parameter file", at: location))
      return nil
    }
    let shape = declaredShape(name).flatMap { $0.isEmpty ? nil : $0 } ?? p.shape
    guard let count = try? ShapeLimits.elementCount(shape), count == p.values.count else {
      diagnostics.append(.error("parameter '\(name)' holds \(p.values.count) values but its shape is \(shape)", at: location))
      return nil
    }
    return TensorInfo(name: name, shape: shape, data: FloatTensor(shape: shape, values: p.values))
  }

  /// BatchNormalization divides by `sqrt(variance + eps)` (in Float, as the interpreter and the C
  /// do): where that is ≤ 0 or not finite nnabla computes NaN or Inf too, so it is an error; a
  /// negative variance or eps that still leaves it positive gives finite numbers, so only a warning.
  private mutating func checkBatchNormStatistics(_ f: FunctionDef, eps: Float, variance: Int) throws {
    guard eps.isFinite else { throw DiagnosticLikeError("eps \(eps) is not finite") }
    guard let values = tensors[variance].data?.values else { return }
    if let c = values.indices.first(where: { !(values[$0] + eps > 0) || !(values[$0] + eps).isFinite }) {
      throw DiagnosticLikeError(
        "variance + eps is \(values[c] + eps) for channel \(c) (variance \(values[c]), eps \(eps)); it must be positive and finite, as its square root divides")
    }
    if let c = values.firstIndex(where: { $0 < 0 }) {
      diagnostics.append(Diagnostic(.warning, "negative variance \(values[c]) for channel \(c) ('\(tensors[variance].name)'); computed as given", at: f.location))
    } else if eps < 0 {
      diagnostics.append(Diagnostic(.warning, "negative eps \(eps); computed as given", at: f.location))
    }
  }

  /// nnabla drops beta (`no_bias`) or gamma (`no_scale`) from BatchNormalization's inputs; put the
  /// neutral constants back so every BN node has x, beta, gamma, mean, variance.
  private mutating func completeBatchNormInputs(_ f: FunctionDef, _ inputs: [Int]) throws -> [Int] {
    if inputs.count == 5 { return inputs }
    let p = f.message.message("batch_normalization_param")
    let noBias = try p?.bool("no_bias") ?? false
    let noScale = try p?.bool("no_scale") ?? false
    guard inputs.count == 5 - (noBias ? 1 : 0) - (noScale ? 1 : 0), inputs.count >= 3 else {
      throw DiagnosticLikeError("BatchNormalization has \(inputs.count) inputs; expected x, beta, gamma, mean, variance")
    }
    let statShape = tensors[inputs[inputs.count - 1]].shape
    let n = statShape.reduce(1, *)
    var rest = inputs.dropFirst()
    let beta = noBias
      ? add(TensorInfo(name: "\(f.name)/beta", shape: statShape, data: FloatTensor(shape: statShape, values: [Float](repeating: 0, count: n))))
      : rest.removeFirst()
    let gamma = noScale
      ? add(TensorInfo(name: "\(f.name)/gamma", shape: statShape, data: FloatTensor(shape: statShape, values: [Float](repeating: 1, count: n))))
      : rest.removeFirst()
    return [inputs[0], beta, gamma] + rest
  }
}
