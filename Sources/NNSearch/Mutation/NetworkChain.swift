import NNFormats

/// One function of a network, as the mutator reads and rewrites it: its data inputs apart from
/// its parameters, and the sizes nnabla keeps in the parameters' shapes (a Convolution's outmaps
/// and kernel, an Affine's n_outmaps) as plain fields a mutation can change.
struct Layer: Equatable {
  var name: String
  var type: String
  /// Data inputs (variables that are not parameters), in order.
  var inputs: [String]
  var outputs: [String]
  /// Parameter variables, in input order after the data (W, b; beta, gamma, mean, variance).
  var parameters: [String]
  /// The `<type>_param` message and its field name (`convolution_param`), when there is one.
  var attributes: ProtoTextMessage?
  var attributesField: String?
  /// Convolution and Affine: output channels / features (Affine: its W's dims after the first).
  var outmaps: [Int]?
  /// Convolution and DepthwiseConvolution: the kernel's spatial dims.
  var kernel: [Int]?
  /// The function as the file wrote it (nil for a layer a mutation made): its other fields kept.
  var original: ProtoTextMessage?

  var output: String { outputs[0] }
}

/// Errors of the mutator: the network cannot be read, or a candidate has no valid shapes.
public struct MutationError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}

/// A network (`Main`) cut into layers, with its losses and the declarations of its variables, so
/// that a mutated layer list can be written back as a whole `.nntxt` definition.
struct NetworkChain {
  static let lossTypes: Set<String> = [
    "SoftmaxCrossEntropy", "CategoricalCrossEntropy", "SigmoidCrossEntropy", "BinaryCrossEntropy",
    "SquaredError", "AbsoluteError", "HuberLoss", "EpsilonInsensitiveLoss", "KLMultinomial",
  ]
  /// Functions whose output has its input's shape and that take no parameters.
  static let elementwiseTypes: Set<String> = [
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "Swish", "Softmax", "Dropout", "Identity",
    "AddScalar", "MulScalar", "Abs", "Exp", "Log", "SELU", "GELU", "HardSigmoid", "HardTanh", "Softsign", "Softplus",
  ]
  /// The functions the mutations write; nncompile trains and compiles all of them.
  static let writtenTypes: Set<String> = [
    "Convolution", "DepthwiseConvolution", "Affine", "ReLU", "MaxPooling", "AveragePooling", "BatchNormalization", "Add2",
  ]

  /// The whole definition (every network, optimizer, executor …).
  var definition: ProtoTextMessage
  var networkName: String
  /// Index of the network in `definition.fields`.
  var networkField: Int
  /// The network's functions other than the losses, in order.
  var layers: [Layer]
  /// The loss functions, untouched.
  var losses: [ProtoTextMessage]
  /// The variable declarations of the original network, by name.
  var declared: [String: ProtoTextMessage]
  /// Declared shapes of the original network (batch -1 kept).
  var declaredShapes: [String: [Int]]
  /// Variables that are neither produced nor parameters: data inputs and labels, in order.
  var feeds: [String]
  var parameterNames: Set<String>
  /// Variables whose meaning must stay: what losses read and write, what executors and monitors name.
  var protected: Set<String>

  /// `requiresLoss`: false to read a network without a loss (a Runtime), which cannot be mutated.
  init(_ definition: ProtoTextMessage, network: String, requiresLoss: Bool = true) throws {
    self.definition = definition
    networkName = network
    guard let index = definition.fields.firstIndex(where: { f in
      f.name == "network" && { if case .message(let m) = f.value { return (try? m.string("name")) == network } else { return false } }()
    }), case .message(let net) = definition.fields[index].value else {
      throw MutationError("no network named '\(network)' in the definition")
    }
    networkField = index
    var declared: [String: ProtoTextMessage] = [:]
    var shapes: [String: [Int]] = [:]
    var parameters: Set<String> = []
    for v in net.messages("variable") {
      guard let name = try v.string("name") else { continue }
      declared[name] = v
      shapes[name] = try v.message("shape")?.ints("dim") ?? []
      if try v.string("type") == "Parameter" { parameters.insert(name) }
    }
    self.declared = declared
    declaredShapes = shapes
    parameterNames = parameters

    var layers: [Layer] = []
    var losses: [ProtoTextMessage] = []
    var produced: Set<String> = []
    for f in net.messages("function") {
      let type = try f.string("type") ?? ""
      if Self.lossTypes.contains(type) {
        losses.append(f)
        continue
      }
      let all = try f.strings("input")
      let outputs = try f.strings("output")
      var layer = Layer(
        name: try f.string("name") ?? "", type: type, inputs: all.filter { !parameters.contains($0) }, outputs: outputs,
        parameters: all.filter { parameters.contains($0) }, original: f)
      if let field = f.fields.first(where: { $0.name.hasSuffix("_param") }), case .message(let m) = field.value {
        layer.attributes = m
        layer.attributesField = field.name
      }
      let w = layer.parameters.first.flatMap { shapes[$0] }
      switch type {
      case "Convolution":
        if let w, w.count >= 3 { layer.outmaps = [w[0]]; layer.kernel = Array(w[2...]) }
      case "DepthwiseConvolution":
        if let w, w.count >= 2 { layer.kernel = Array(w[1...]) }
      case "Affine":
        if let w, w.count >= 2 { layer.outmaps = Array(w[1...]) }
      default: break
      }
      produced.formUnion(outputs)
      layers.append(layer)
    }
    guard !losses.isEmpty || !requiresLoss else { throw MutationError("network '\(network)' has no loss function to train with") }
    self.layers = layers
    self.losses = losses
    var feeds: [String] = []
    for v in net.messages("variable") {
      if let name = try v.string("name"), !parameters.contains(name), !produced.contains(name) { feeds.append(name) }
    }
    self.feeds = feeds

    var protected: Set<String> = []
    for l in losses { protected.formUnion(try l.strings("input")); protected.formUnion(try l.strings("output")) }
    for section in ["executor", "monitor", "optimizer"] {
      for m in definition.messages(section) {
        for key in ["output_variable", "monitor_variable", "loss_variable"] {
          for v in m.messages(key) { if let n = try v.string("variable_name") { protected.insert(n) } }
        }
      }
    }
    self.protected = protected
  }

  // MARK: - Structure

  /// The data inputs of the network (what the first layers read).
  var dataInputs: [String] { feeds.filter { name in layers.contains { $0.inputs.contains(name) } } }

  func producer(of variable: String) -> Int? { layers.firstIndex { $0.outputs.contains(variable) } }
  func consumers(of variable: String) -> [Int] { layers.indices.filter { layers[$0].inputs.contains(variable) } }

  /// The Affine that computes the prediction the loss reads (its size is the task's).
  var lastAffine: Int? {
    let predictions = Set(losses.compactMap { try? $0.strings("input").first })
    var frontier = Array(predictions)
    var seen: Set<String> = []
    while let v = frontier.popLast() {
      guard seen.insert(v).inserted, let p = producer(of: v) else { continue }
      if layers[p].type == "Affine" { return p }
      frontier.append(contentsOf: layers[p].inputs)
    }
    return nil
  }

  // MARK: - Blocks

  static let weightTypes: Set<String> = ["Convolution", "DepthwiseConvolution", "Affine"]
  static let convolutionTypes: Set<String> = ["Convolution", "DepthwiseConvolution"]
  static let poolingTypes: Set<String> = ["MaxPooling", "AveragePooling"]

  /// The block that starts at the weight layer `i`, as NNC's structure search treats one: the
  /// layer and what belongs to it after it (BatchNormalization, activations, pooling; after a
  /// DepthwiseConvolution its 1×1 Convolution too), each the only reader of the one before, up to
  /// the next weight layer, an Add2 or a protected variable. nil when `i` is not a weight layer.
  func block(at i: Int) -> ClosedRange<Int>? {
    guard Self.weightTypes.contains(layers[i].type) else { return nil }
    var j = i
    var pointwiseTaken = layers[i].type != "DepthwiseConvolution"
    while j + 1 < layers.count, layers[j].outputs.count == 1, !protected.contains(layers[j].output),
      consumers(of: layers[j].output) == [j + 1], layers[j + 1].inputs.count == 1
    {
      let next = layers[j + 1]
      if next.type == "BatchNormalization" || Self.poolingTypes.contains(next.type)
        || (Self.elementwiseTypes.contains(next.type) && next.parameters.isEmpty)
      {
        j += 1
      } else if !pointwiseTaken, next.type == "Convolution", next.kernel?.allSatisfy({ $0 == 1 }) == true {
        pointwiseTaken = true
        j += 1
      } else {
        break
      }
    }
    return i...j
  }

  /// The blocks in order (a 1×1 Convolution inside a depthwise-separable block starts none).
  var blocks: [ClosedRange<Int>] {
    var out: [ClosedRange<Int>] = []
    var i = 0
    while i < layers.count {
      if let b = block(at: i) {
        out.append(b)
        i = b.upperBound + 1
      } else {
        i += 1
      }
    }
    return out
  }

  /// Layers `range` read one variable from before them and only their last output is read after
  /// them (and it is not protected): they can be taken out or replaced as a unit.
  func isSelfContained(_ range: ClosedRange<Int>) -> Bool {
    guard layers[range.lowerBound].inputs.count == 1 else { return false }
    let input = layers[range.lowerBound].inputs[0]
    var inside: Set<String> = [input]
    for k in range {
      guard layers[k].inputs.allSatisfy(inside.contains), layers[k].outputs.count == 1 else { return false }
      inside.insert(layers[k].output)
    }
    let end = layers[range.upperBound].output
    guard !protected.contains(end) else { return false }
    for k in range where k != range.upperBound {
      let o = layers[k].output
      if protected.contains(o) || consumers(of: o).contains(where: { !range.contains($0) }) { return false }
    }
    return true
  }

  /// Takes out the self-contained `range`; what read its last output reads its input.
  mutating func removeRange(_ range: ClosedRange<Int>) {
    let input = layers[range.lowerBound].inputs[0]
    let end = layers[range.upperBound].output
    layers.removeSubrange(range)
    rewire(end, to: input)
  }

  /// Whether `v` is the raw data or computed from it by layers without weights only (a
  /// pooling or a BatchNormalization there works on the pixels themselves).
  func isRaw(_ v: String) -> Bool {
    var frontier = [v]
    var seen: Set<String> = []
    while let x = frontier.popLast() {
      guard seen.insert(x).inserted else { continue }
      guard let p = producer(of: x) else { if feeds.contains(x) { return true } else { continue } }
      if Self.weightTypes.contains(layers[p].type) { continue }
      frontier.append(contentsOf: layers[p].inputs)
    }
    return false
  }

  /// Layers placed where they cost or lose more than they give, which no mutation should add:
  /// a pooling of the raw input other than one AveragePooling straight on it (averaging is a
  /// cheap downscale of an upscaled image, 28×28 digits made from 8×8 ones; max pooling a raw
  /// image thins its strokes away, and a second pooling leaves too few pixels); a BatchNormalization the int8 compiler cannot fold (not the only
  /// reader of a Convolution's, DepthwiseConvolution's or Affine's output: it would run as a float
  /// island); a ReLU right after a ReLU.
  var misplacedLayers: Int {
    var n = 0
    for l in layers {
      let p = l.inputs.first.flatMap { producer(of: $0) }
      switch l.type {
      case _ where Self.poolingTypes.contains(l.type):
        let downscale = l.type == "AveragePooling" && l.inputs.allSatisfy { feeds.contains($0) }
        if !downscale && l.inputs.contains(where: isRaw) { n += 1 }
      case "BatchNormalization":
        let folds = p.map { Self.weightTypes.contains(layers[$0].type) && consumers(of: layers[$0].output).count == 1 } ?? false
        if !folds { n += 1 }
      case "ReLU":
        if let p, layers[p].type == "ReLU" { n += 1 }
      default: break
      }
    }
    return n
  }

  /// Every variable `variable` feeds, directly or not.
  func downstream(of variable: String) -> Set<String> {
    var out: Set<String> = []
    var frontier = [variable]
    while let v = frontier.popLast() {
      for c in consumers(of: v) { for o in layers[c].outputs where out.insert(o).inserted { frontier.append(o) } }
    }
    return out
  }

  /// Names used by a function or a variable anywhere in the definition's networks.
  func usedNames() -> Set<String> {
    var names = Set(declared.keys)
    for l in layers { names.insert(l.name); names.formUnion(l.outputs); names.formUnion(l.parameters) }
    for net in definition.messages("network") {
      for f in net.messages("function") { if let n = try? f.string("name") { names.insert(n) } }
      for v in net.messages("variable") { if let n = try? v.string("name") { names.insert(n) } }
    }
    return names
  }

  /// `base` followed by the smallest number that names nothing yet (`conv3`), also as a prefix of
  /// its parameters (`conv3/W`).
  /// `numbered` false: `base` itself when it is free (`conv2_dw`).
  func freshName(_ base: String, avoiding extra: Set<String> = [], numbered: Bool = true) -> String {
    let used = usedNames().union(extra)
    if !numbered && !used.contains(base) && !used.contains(where: { $0.hasPrefix(base + "/") }) { return base }
    var n = numbered ? 1 : 2
    while true {
      let name = "\(base)\(n)"
      if !used.contains(name) && !used.contains(where: { $0.hasPrefix(name + "/") }) { return name }
      n += 1
    }
  }

  /// Every consumer of `old` reads `new` instead (except the layer at `except`).
  mutating func rewire(_ old: String, to new: String, except: Int? = nil) {
    for i in layers.indices where i != except {
      layers[i].inputs = layers[i].inputs.map { $0 == old ? new : $0 }
    }
  }

  // MARK: - Shapes

  /// The shape of every variable (batch as declared, -1) and of every parameter, by nnabla's rules
  /// for the functions mutations write; other functions keep their declared shapes when their
  /// inputs kept theirs.
  func inferShapes() throws -> (variables: [String: [Int]], parameters: [String: [Int]]) {
    var shapes: [String: [Int]] = [:]
    for f in feeds { shapes[f] = declaredShapes[f] ?? [] }
    var params: [String: [Int]] = [:]
    for l in layers {
      let xs = try l.inputs.map { name -> [Int] in
        guard let s = shapes[name] else { throw MutationError("'\(l.name)' reads '\(name)', which nothing computes before it") }
        return s
      }
      guard let x = xs.first else { throw MutationError("'\(l.name)' has no data input") }
      let a = l.attributes
      func dims(_ key: String, _ n: Int, _ fallback: Int) -> [Int] {
        let d = (try? a?.message(key)?.ints("dim")) ?? nil
        return d.flatMap { $0.count == n ? $0 : nil } ?? [Int](repeating: fallback, count: n)
      }
      var out: [Int]
      var ps: [[Int]] = []
      switch l.type {
      case "Convolution", "DepthwiseConvolution":
        guard let k = l.kernel, x.count == 2 + k.count else { throw MutationError("'\(l.name)' input \(x) does not fit kernel \(l.kernel ?? [])") }
        guard (try a?.int("base_axis") ?? 1) == 1 else { throw MutationError("'\(l.name)' base_axis is not 1") }
        let pad = dims("pad", k.count, 0), stride = dims("stride", k.count, 1), dilation = dims("dilation", k.count, 1)
        var spatial: [Int] = []
        for i in k.indices {
          let span = dilation[i] * (k[i] - 1) + 1
          let padded = x[2 + i] + 2 * pad[i]
          guard padded >= span, stride[i] >= 1 else { throw MutationError("'\(l.name)' kernel \(k) is larger than its input \(x)") }
          spatial.append((padded - span) / stride[i] + 1)
        }
        let c = x[1]
        let channels: Int
        if l.type == "Convolution" {
          guard let o = l.outmaps?.first else { throw MutationError("'\(l.name)' has no weight") }
          let group = try a?.int("group") ?? 1
          guard group >= 1, c % group == 0, o % group == 0 else { throw MutationError("'\(l.name)' group \(group) does not divide \(c)→\(o)") }
          channels = o
          ps.append([o, c / group] + k)
        } else {
          let m = try a?.int("multiplier") ?? 1
          channels = c * max(m, 1)
          ps.append([channels] + k)
        }
        if l.parameters.count > 1 { ps.append([channels]) }
        out = [x[0], channels] + spatial
      case "Affine":
        guard let o = l.outmaps, !o.isEmpty else { throw MutationError("'\(l.name)' has no weight") }
        guard (try a?.int("base_axis") ?? 1) == 1 else { throw MutationError("'\(l.name)' base_axis is not 1") }
        let flat = x.dropFirst().reduce(1, *)
        ps.append([flat] + o)
        if l.parameters.count > 1 { ps.append(o) }
        out = [x[0]] + o
      case "BatchNormalization":
        let axes = (try a?.ints("axes")).flatMap { $0.isEmpty ? nil : $0 } ?? [1]
        guard axes == [1], x.count >= 2 else { throw MutationError("'\(l.name)' normalizes axes \(axes)") }
        let stat = [1, x[1]] + [Int](repeating: 1, count: x.count - 2)
        ps = [[Int]](repeating: stat, count: l.parameters.count)
        out = x
      case "MaxPooling", "AveragePooling":
        let k = (try a?.message("kernel")?.ints("dim")) ?? []
        guard !k.isEmpty, x.count >= k.count else { throw MutationError("'\(l.name)' kernel \(k) does not fit \(x)") }
        let stride = dims("stride", k.count, 1), pad = dims("pad", k.count, 0)
        let ignoreBorder = try a?.bool("ignore_border") ?? true
        let lead = x.count - k.count
        out = Array(x[..<lead])
        for i in k.indices {
          let padded = x[lead + i] + 2 * pad[i]
          if ignoreBorder {
            guard padded >= k[i] else { throw MutationError("'\(l.name)' kernel \(k) is larger than its input \(x)") }
            out.append((padded - k[i]) / stride[i] + 1)
          } else {
            out.append((x[lead + i] + pad[i] - 1) / stride[i] + 1)
          }
        }
      case "Add2":
        guard xs.count == 2, xs[0] == xs[1] else { throw MutationError("'\(l.name)' adds \(xs.map { "\($0)" }.joined(separator: " and "))") }
        out = x
      case _ where Self.elementwiseTypes.contains(l.type) && l.parameters.isEmpty:
        out = x
      default:
        // A function the mutations do not know: fine while what it reads is as the file declared.
        guard zip(l.inputs, xs).allSatisfy({ declaredShapes[$0.0] == $0.1 }), let o = declaredShapes[l.output] else {
          throw MutationError("'\(l.name)' (\(l.type)) reads changed shapes, which the mutator cannot infer for it")
        }
        out = o
        ps = l.parameters.map { declaredShapes[$0] ?? [] }
      }
      guard out.dropFirst().allSatisfy({ $0 >= 1 }), out.dropFirst().reduce(1, *) <= 1 << 22 else {
        throw MutationError("'\(l.name)' computes \(out)")
      }
      guard l.outputs.count == 1 || !Self.writtenTypes.contains(l.type) else { throw MutationError("'\(l.name)' has several outputs") }
      for o in l.outputs { shapes[o] = l.outputs.count == 1 ? out : (declaredShapes[o] ?? out) }
      for (p, s) in zip(l.parameters, ps) {
        if let earlier = params[p], earlier != s { throw MutationError("parameter '\(p)' is shared with shapes \(earlier) and \(s)") }
        params[p] = s
      }
    }
    return (shapes, params)
  }

  // MARK: - Writing back

  /// nnabla's usual initializer for a new parameter, as NNC writes it.
  static func initializer(layer: Layer, slot: Int) -> ProtoTextMessage {
    var m = ProtoTextMessage()
    switch (layer.type, slot) {
    case ("Convolution", 0), ("DepthwiseConvolution", 0):
      m.add("type", "NormalConvolutionGlorot"); m.add("multiplier", 1.0)
    case ("Affine", 0):
      m.add("type", "NormalAffineGlorot"); m.add("multiplier", 1.0)
    case ("BatchNormalization", 1), ("BatchNormalization", 3):  // gamma and variance start at 1 (beta, mean at 0)
      m.add("type", "Constant"); m.add("multiplier", 1.0)
    default:
      m.add("type", "Constant"); m.add("multiplier", 0.0)
    }
    return m
  }

  static func shapeMessage(_ dims: [Int]) -> ProtoTextMessage {
    var s = ProtoTextMessage()
    for d in dims { s.add("dim", d) }
    return s
  }

  /// The layer as a `function { … }` message: the file's own fields kept (context, repeat_id …).
  static func functionMessage(_ l: Layer) -> ProtoTextMessage {
    var fields: [ProtoTextMessage.Field] = []
    var io = ProtoTextMessage()
    for i in l.inputs + l.parameters { io.add("input", i) }
    for o in l.outputs { io.add("output", o) }
    if let original = l.original {
      var placed = false
      for f in original.fields {
        switch f.name {
        case "input", "output":
          if !placed { fields += io.fields; placed = true }
        case l.attributesField:
          if let a = l.attributes { fields.append(.init(name: f.name, value: .message(a))) }
        case "name": fields.append(.init(name: "name", value: .string(l.name)))
        default: fields.append(f)
        }
      }
      if !placed { fields += io.fields }
    } else {
      fields = [.init(name: "name", value: .string(l.name)), .init(name: "type", value: .string(l.type))] + io.fields
      if let a = l.attributes, let key = l.attributesField { fields.append(.init(name: key, value: .message(a))) }
    }
    return ProtoTextMessage(fields: fields)
  }

  /// The definition with this chain's layers in `networkName` and in the networks derived from
  /// it (those sharing its function names: NNC's `MainValidation`, `MainRuntime`), variables
  /// declared with the inferred shapes, the executors' parameter lists, and no stored values
  /// for a parameter whose shape changed or that is gone.
  func written(original: NetworkChain) throws -> ProtoTextMessage {
    let (shapes, paramShapes) = try inferShapes()
    let originalNames = Set(original.layers.map(\.name) + original.losses.compactMap { try? $0.string("name") })
    var out = definition
    var networkParameters: [String: [String]] = [:]
    for (index, field) in definition.fields.enumerated() where field.name == "network" {
      guard case .message(let net) = field.value else { continue }
      let name = try net.string("name") ?? ""
      let functions = net.messages("function")
      let names = functions.compactMap { try? $0.string("name") }
      let isMain = index == networkField
      guard isMain || names.contains(where: originalNames.contains) else { continue }
      // The derived network: this chain's layers, its own losses if it has them, and its
      // functions Main does not have (a Runtime's Softmax), in its order after the layers.
      var list = layers.map(Self.functionMessage)
      let ownLosses = functions.filter { f in losses.contains { (try? $0.string("name")) == (try? f.string("name")) } }
      let extras = functions.filter { f in
        guard let n = try? f.string("name") else { return false }
        return !originalNames.contains(n)
      }
      list += isMain ? losses : extras + ownLosses
      let ownDeclared = Dictionary(
        net.messages("variable").compactMap { v in (try? v.string("name")).flatMap { $0 }.map { ($0, v) } }, uniquingKeysWith: { a, _ in a })

      var variables: [ProtoTextMessage] = []
      var seen: Set<String> = []
      var params: [String] = []
      // Feeds first, then parameters, then buffers, each in order of use.
      var feedsUsed: [String] = [], buffers: [String] = []
      var produced: Set<String> = []
      for f in list {
        for i in try f.strings("input") where !produced.contains(i) && !paramShapes.keys.contains(i) && !original.parameterNames.contains(i) {
          if !feedsUsed.contains(i) { feedsUsed.append(i) }
        }
        for i in try f.strings("input") where paramShapes.keys.contains(i) || original.parameterNames.contains(i) {
          if !params.contains(i) { params.append(i) }
        }
        for o in try f.strings("output") { produced.insert(o); buffers.append(o) }
      }
      for v in feedsUsed where seen.insert(v).inserted {
        guard let d = ownDeclared[v] ?? declared[v] else { throw MutationError("'\(v)' is not declared in network '\(name)'") }
        variables.append(d)
      }
      for p in params where seen.insert(p).inserted {
        let shape = paramShapes[p] ?? declaredShapes[p] ?? []
        if let d = ownDeclared[p] ?? declared[p], original.declaredShapes[p] == shape {
          variables.append(d)
          continue
        }
        var v = ProtoTextMessage()
        v.add("name", p)
        v.add("type", "Parameter")
        v.add("shape", Self.shapeMessage(shape))
        if isMain {
          if let d = declared[p], let i = d.message("initializer") {
            v.add("initializer", i)
          } else if let (l, slot) = layers.lazy.compactMap({ l in l.parameters.firstIndex(of: p).map { (l, $0) } }).first {
            v.add("initializer", Self.initializer(layer: l, slot: slot))
          }
        }
        variables.append(v)
      }
      for b in buffers where seen.insert(b).inserted {
        let shape: [Int]
        if let s = shapes[b] {
          shape = s
        } else if let d = ownDeclared[b].flatMap({ try? $0.message("shape")?.ints("dim") }) {
          shape = d  // a derived network's own function (a Runtime's Softmax) after an unchanged output
        } else {
          throw MutationError("no shape for '\(b)' in network '\(name)'")
        }
        var v = ProtoTextMessage()
        v.add("name", b)
        v.add("type", "Buffer")
        v.add("shape", Self.shapeMessage(shape))
        variables.append(v)
      }
      networkParameters[name] = params
      var fields = net.fields.filter { $0.name != "variable" && $0.name != "function" }
      fields += variables.map { .init(name: "variable", value: .message($0)) }
      fields += list.map { .init(name: "function", value: .message($0)) }
      out.fields[index].value = .message(ProtoTextMessage(fields: fields))
    }

    // Executors list the parameters their network reads.
    for (index, field) in out.fields.enumerated() where field.name == "executor" {
      guard case .message(let e) = field.value, let net = try e.string("network_name"), let params = networkParameters[net] else { continue }
      var fields: [ProtoTextMessage.Field] = []
      var placed = false
      for f in e.fields {
        if f.name == "parameter_variable" {
          if !placed {
            placed = true
            for p in params {
              var m = ProtoTextMessage()
              m.add("variable_name", p)
              fields.append(.init(name: "parameter_variable", value: .message(m)))
            }
          }
        } else {
          fields.append(f)
        }
      }
      out.fields[index].value = .message(ProtoTextMessage(fields: fields))
    }

    // Stored values (a `parameter { }` in the text) only where the shape is still the same.
    out.fields = out.fields.filter { f in
      guard f.name == "parameter", case .message(let p) = f.value, let n = try? p.string("variable_name") else { return true }
      return paramShapes[n] != nil && paramShapes[n] == original.declaredShapes[n]
    }
    return out
  }
}
