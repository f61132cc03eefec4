import NNFormats
import NNIR
import NNImport
import NNTrain

/// The kinds of change `NetworkMutator` makes, as Neural Network Console's structure search
/// makes them.
public enum MutationKind: String, CaseIterable, Sendable {
  /// A Convolution's outmaps ×½, ×2 or ±25 %.
  case convolutionOutmaps
  /// A Convolution's kernel 3↔5 (a "same" pad follows it).
  case convolutionKernel
  /// An Affine's n_outmaps ×½, ×2 or ±25 % (never the last one's).
  case affineOutmaps
  /// A Convolution's stride 1↔2.
  case stride
  /// A pooling kernel 2↔3 (its stride with it when they were equal).
  case poolingKernel
  /// A 3×3 "same" Convolution + ReLU inserted.
  case insertConvolution
  /// An Affine + ReLU inserted before the last Affine.
  case insertAffine
  /// A Convolution or Affine removed with the ReLU after it.
  case removeBlock
  /// A 2×2 MaxPooling or AveragePooling inserted.
  case insertPooling
  case removePooling
  case insertReLU
  case removeReLU
  case insertBatchNormalization
  case removeBatchNormalization
  /// A Convolution swapped for DepthwiseConvolution + 1×1 Convolution.
  case depthwiseSeparable
  /// An Add2 shortcut around a shape-preserving block (a new 3×3 Convolution + ReLU when the
  /// network has none).
  case residual
}

/// Mutations of a network definition (`.nntxt`), each candidate a valid network nncompile trains
/// and compiles, deterministic for a seed.
///
/// - The network (`Main`) is changed and the networks derived from it (`MainValidation`,
///   `MainRuntime`: those sharing its function names) get the same layers; every variable is
///   declared again with its inferred shape, executors list the parameters their network reads.
/// - A parameter whose shape changed, or a new one, is declared with an initializer and has no
///   stored value (a `parameter { }` of the old shape is dropped), so `nncompile train` starts it
///   as nnabla would (`TrainingGraph.uninitialized`); parameters of unchanged shape keep theirs.
///   Pair a candidate with its parent's parameter file only through those names' shapes.
/// - The data inputs, the losses and the size of the last Affine (the prediction) never change.
/// - A candidate is kept only when the training importer and the inference importer (the
///   executor's network) both take it; else another mutation is tried, up to `maxTries`.
public struct NetworkMutator {
  public static let maxTries = 64
  var random: TrainingRandom
  /// The kind of the last mutation `mutate` returned.
  public private(set) var lastKind: MutationKind?

  public init(seed: UInt64) {
    random = TrainingRandom(seed: seed)
  }

  /// A mutated copy of the whole definition and a one-line description ("conv2 outmaps 16→8"),
  /// or throws when no valid mutation was found after a bounded number of tries.
  public mutating func mutate(_ definition: ProtoTextMessage, network: String) throws -> (definition: ProtoTextMessage, description: String) {
    let chain = try NetworkChain(definition, network: network)
    let shapes = try chain.inferShapes().variables
    let allowedTypes = NetworkChain.writtenTypes.union(chain.layers.map(\.type))
    var lastProblem = "no mutation applies to this network"
    let sitesByKind = MutationKind.allCases.map { ($0, Self.sites(of: $0, in: chain, shapes: shapes)) }.filter { !$0.1.isEmpty }
    for _ in 0..<Self.maxTries {
      guard !sitesByKind.isEmpty else { break }
      let (kind, sites) = sitesByKind[random.index(sitesByKind.count)]
      let site = sites[random.index(sites.count)]
      var candidate = chain
      guard let description = Self.apply(kind, at: site, to: &candidate, shapes: shapes, random: &random) else { continue }
      do {
        guard candidate.layers.allSatisfy({ allowedTypes.contains($0.type) }) else { continue }
        let written = try candidate.written(original: chain)
        try Self.validate(written, network: network)
        lastKind = kind
        return (written, description)
      } catch {
        lastProblem = "\(kind.rawValue) (\(description)): \(error)"
      }
    }
    throw MutationError("no valid mutation of '\(network)' found in \(Self.maxTries) tries; the last: \(lastProblem)")
  }

  /// The structure in one line for results.csv, e.g. "conv16k5-maxpool2-relu-conv16k5-maxpool2-relu-fc50-relu-fc10".
  public static func summary(_ definition: ProtoTextMessage, network: String) throws -> String {
    let chain = try NetworkChain(definition, network: network, requiresLoss: false)
    return chain.layers.map { l -> String in
      let a = l.attributes
      let stride = ((try? a?.message("stride")?.ints("dim")) ?? nil)?.first ?? 1
      let s = stride == 1 ? "" : "s\(stride)"
      switch l.type {
      case "Convolution":
        let group = (try? a?.int("group")) ?? nil
        return "conv\(l.outmaps?.first ?? 0)k\(l.kernel?.first ?? 0)\(s)" + (group.map { $0 > 1 ? "g\($0)" : "" } ?? "")
      case "DepthwiseConvolution": return "dwconvk\(l.kernel?.first ?? 0)\(s)"
      case "Affine": return "fc\(l.outmaps?.reduce(1, *) ?? 0)"
      case "MaxPooling", "AveragePooling":
        let k = ((try? a?.message("kernel")?.ints("dim")) ?? nil)?.first ?? 0
        return (l.type == "MaxPooling" ? "maxpool" : "avgpool") + "\(k)" + (stride == k ? "" : "s\(stride)")
      case "BatchNormalization": return "bn"
      case "Add2": return "add"
      default: return l.type.lowercased()
      }
    }.joined(separator: "-")
  }

  /// The training importer and the inference importer both take `definition` (shapes as declared,
  /// every function known); the inference one gets zero parameters (variance one).
  static func validate(_ definition: ProtoTextMessage, network: String) throws {
    let text = definition.formatted()
    _ = try NNablaImporter.importTrainingText(text, network: network)
    for executor in definition.messages("executor") {
      guard let name = try executor.string("name"), let netName = try executor.string("network_name"),
        let net = try definition.messages("network").first(where: { try $0.string("name") == netName })
      else { continue }
      var parameters: [ParameterDef] = []
      for v in net.messages("variable") where try v.string("type") == "Parameter" {
        let shape = try v.message("shape")?.ints("dim") ?? []
        let name = try v.string("name") ?? ""
        let value: Float = name.hasSuffix("/var") || name.hasSuffix("/variance") ? 1 : 0
        parameters.append(ParameterDef(name: name, shape: shape, values: [Float](repeating: value, count: shape.reduce(1, *))))
      }
      _ = try NNablaImporter.importText(text, extraParameters: parameters, executor: name)
    }
  }
}

/// Where a mutation applies: a layer, or a variable to insert after.
enum MutationSite {
  case layer(Int)
  case variable(String)
}

extension NetworkMutator {
  static let maxOutmaps = 256
  static let maxFeatures = 1024

  static func sites(of kind: MutationKind, in c: NetworkChain, shapes: [String: [Int]]) -> [MutationSite] {
    let layers = c.layers
    let last = c.lastAffine
    func layersWhere(_ p: (Int, Layer) -> Bool) -> [MutationSite] { layers.indices.filter { p($0, layers[$0]) }.map { .layer($0) } }
    // Removable: one data input of the output's shape or a shape the rest can follow, output not protected.
    func removable(_ i: Int) -> Bool {
      layers[i].inputs.count == 1 && layers[i].outputs.count == 1 && !c.protected.contains(layers[i].output) && i != last
    }
    // Insertion points: a data input or a layer output that is not protected and feeds layers.
    let points = (c.dataInputs + layers.flatMap(\.outputs)).filter { v in
      !c.protected.contains(v) && !c.consumers(of: v).isEmpty
    }
    let lastInput = last.map { layers[$0].inputs[0] }
    let beforeLast = Set(points.filter { v in v == lastInput || (lastInput.map { c.downstream(of: v).contains($0) } ?? false) })
    func afterWeights(_ v: String) -> Bool {
      c.producer(of: v).map { ["Convolution", "DepthwiseConvolution", "Affine", "BatchNormalization"].contains(layers[$0].type) } == true
    }
    let maps = points.filter { (shapes[$0]?.count ?? 0) == 4 && beforeLast.contains($0) }
    switch kind {
    case .convolutionOutmaps: return layersWhere { _, l in l.type == "Convolution" && l.outmaps?.count == 1 }
    case .convolutionKernel: return layersWhere { _, l in l.type == "Convolution" && (l.kernel == [3, 3] || l.kernel == [5, 5]) }
    case .affineOutmaps: return layersWhere { i, l in l.type == "Affine" && i != last && l.outmaps?.count == 1 }
    case .stride: return layersWhere { _, l in l.type == "Convolution" && l.kernel?.count == 2 }
    case .poolingKernel:
      return layersWhere { _, l in
        (l.type == "MaxPooling" || l.type == "AveragePooling") && ((try? l.attributes?.message("kernel")?.ints("dim")) ?? nil)?.count == 2
      }
    case .insertPooling, .residual:
      return maps.map { .variable($0) }
    case .insertConvolution:
      // Between blocks: not between a convolution and its activation.
      return maps.filter { !afterWeights($0) }.map { .variable($0) }
    case .insertAffine:
      return points.filter { beforeLast.contains($0) && !afterWeights($0) }.map { .variable($0) }
    case .insertBatchNormalization:
      // After a convolution, before what follows it (NNC's Convolution-BatchNormalization-ReLU).
      return maps.filter { v in
        c.producer(of: v).map { ["Convolution", "DepthwiseConvolution"].contains(layers[$0].type) } == true
          && !c.consumers(of: v).contains { layers[$0].type == "BatchNormalization" }
      }.map { .variable($0) }
    case .insertReLU:
      return points.filter { v in
        guard let p = c.producer(of: v), layers[p].type != "ReLU" else { return false }
        return beforeLast.contains(v) && !c.consumers(of: v).contains { layers[$0].type == "ReLU" }
      }.map { .variable($0) }
    case .removeBlock: return layersWhere { i, l in (l.type == "Convolution" || l.type == "Affine") && removable(i) }
    case .removePooling: return layersWhere { i, l in (l.type == "MaxPooling" || l.type == "AveragePooling") && removable(i) }
    case .removeReLU: return layersWhere { i, l in l.type == "ReLU" && removable(i) }
    case .removeBatchNormalization: return layersWhere { i, l in l.type == "BatchNormalization" && removable(i) }
    case .depthwiseSeparable:
      return layersWhere { _, l in
        l.type == "Convolution" && l.kernel?.count == 2 && l.kernel != [1, 1] && ((try? l.attributes?.int("group")) ?? nil ?? 1) == 1
          && (shapes[l.inputs[0]].map { $0.count == 4 && $0[1] >= 2 } ?? false)
      }
    }
  }

  /// A new width: ×½, ×2 or ±25 %, different from `n`, within 1…`limit`.
  static func newWidth(_ n: Int, limit: Int, random: inout TrainingRandom) -> Int? {
    let choices = Set([n / 2, n * 2, n + max(1, n / 4), n - max(1, n / 4)]).filter { $0 >= 2 && $0 <= limit && $0 != n }.sorted()
    return choices.isEmpty ? nil : choices[random.index(choices.count)]
  }

  static func dimsMessage(_ d: [Int]) -> ProtoTextMessage { NetworkChain.shapeMessage(d) }

  static func setDims(_ m: inout ProtoTextMessage, _ key: String, _ d: [Int]) {
    if let i = m.fields.firstIndex(where: { $0.name == key }) {
      m.fields[i].value = .message(dimsMessage(d))
    } else {
      m.add(key, dimsMessage(d))
    }
  }

  static func convolutionAttributes(pad: Int, stride: Int = 1) -> ProtoTextMessage {
    var m = ProtoTextMessage()
    m.add("pad", dimsMessage([pad, pad]))
    m.add("stride", dimsMessage([stride, stride]))
    m.add("dilation", dimsMessage([1, 1]))
    m.add("group", 1)
    m.add("base_axis", 1)
    return m
  }

  /// Inserts `new` (reading `variable`) and makes every other reader of `variable` read its output.
  static func insert(_ new: [Layer], after variable: String, in c: inout NetworkChain) {
    let position = (c.producer(of: variable).map { $0 + 1 }) ?? 0
    let readers = c.consumers(of: variable)
    let out = new.last!.output
    for r in readers { c.layers[r].inputs = c.layers[r].inputs.map { $0 == variable ? out : $0 } }
    c.layers.insert(contentsOf: new, at: position)
  }

  /// Removes layer `i`, its readers reading its input instead.
  static func remove(_ i: Int, from c: inout NetworkChain) {
    let l = c.layers[i]
    c.layers.remove(at: i)
    c.rewire(l.output, to: l.inputs[0])
  }

  static func newLayer(_ c: NetworkChain, base: String, type: String, inputs: [String], taken: inout Set<String>) -> Layer {
    let name = c.freshName(base, avoiding: taken)
    taken.insert(name)
    let parameters: [String]
    switch type {
    case "Convolution", "DepthwiseConvolution", "Affine": parameters = ["\(name)/W", "\(name)/b"]
    case "BatchNormalization": parameters = ["\(name)/beta", "\(name)/gamma", "\(name)/mean", "\(name)/var"]
    default: parameters = []
    }
    return Layer(name: name, type: type, inputs: inputs, outputs: [name], parameters: parameters)
  }

  static func convolution(_ c: NetworkChain, input: String, outmaps: Int, kernel: Int, taken: inout Set<String>) -> Layer {
    var l = newLayer(c, base: "conv", type: "Convolution", inputs: [input], taken: &taken)
    l.outmaps = [outmaps]
    l.kernel = [kernel, kernel]
    l.attributesField = "convolution_param"
    l.attributes = convolutionAttributes(pad: kernel / 2)
    return l
  }

  /// Applies `kind` at `site`; nil when it does not apply after all (the caller tries another).
  static func apply(_ kind: MutationKind, at site: MutationSite, to c: inout NetworkChain, shapes: [String: [Int]], random: inout TrainingRandom) -> String? {
    var taken: Set<String> = []
    switch (kind, site) {
    case (.convolutionOutmaps, .layer(let i)), (.affineOutmaps, .layer(let i)):
      let old = c.layers[i].outmaps![0]
      guard let new = newWidth(old, limit: kind == .affineOutmaps ? maxFeatures : maxOutmaps, random: &random) else { return nil }
      c.layers[i].outmaps = [new]
      return "\(c.layers[i].name) \(kind == .affineOutmaps ? "n_outmaps" : "outmaps") \(old)→\(new)"

    case (.convolutionKernel, .layer(let i)):
      let old = c.layers[i].kernel![0]
      let new = old == 3 ? 5 : 3
      c.layers[i].kernel = [new, new]
      var a = c.layers[i].attributes ?? convolutionAttributes(pad: 0)
      // A "same" padding stays "same".
      if let pad = try? a.message("pad")?.ints("dim"), pad == [old / 2, old / 2] { setDims(&a, "pad", [new / 2, new / 2]) }
      c.layers[i].attributes = a
      c.layers[i].attributesField = c.layers[i].attributesField ?? "convolution_param"
      return "\(c.layers[i].name) kernel \(old)→\(new)"

    case (.stride, .layer(let i)):
      var a = c.layers[i].attributes ?? convolutionAttributes(pad: 0)
      let old = ((try? a.message("stride")?.ints("dim")) ?? nil)?.first ?? 1
      let new = old == 1 ? 2 : 1
      setDims(&a, "stride", [new, new])
      c.layers[i].attributes = a
      c.layers[i].attributesField = c.layers[i].attributesField ?? "convolution_param"
      return "\(c.layers[i].name) stride \(old)→\(new)"

    case (.poolingKernel, .layer(let i)):
      guard var a = c.layers[i].attributes, let k = try? a.message("kernel")?.ints("dim"), let old = k.first else { return nil }
      let stride = ((try? a.message("stride")?.ints("dim")) ?? nil) ?? k
      let new = old == 2 ? 3 : 2
      setDims(&a, "kernel", [new, new])
      if stride == k { setDims(&a, "stride", [new, new]) }
      c.layers[i].attributes = a
      return "\(c.layers[i].name) kernel \(old)→\(new)"

    case (.insertConvolution, .variable(let v)):
      guard let s = shapes[v], s.count == 4 else { return nil }
      let widths = Set([s[1], max(2, s[1] / 2), min(maxOutmaps, s[1] * 2), 8, 16].filter { $0 >= 2 }).sorted()
      let outmaps = widths[random.index(widths.count)]
      let conv = convolution(c, input: v, outmaps: outmaps, kernel: 3, taken: &taken)
      let relu = newLayer(c, base: "relu", type: "ReLU", inputs: [conv.output], taken: &taken)
      insert([conv, relu], after: v, in: &c)
      return "insert \(conv.name) (\(outmaps), k3) + \(relu.name) after \(v)"

    case (.insertAffine, .variable(let v)):
      let widths = [16, 32, 64, 128]
      var fc = newLayer(c, base: "fc", type: "Affine", inputs: [v], taken: &taken)
      fc.outmaps = [widths[random.index(widths.count)]]
      var a = ProtoTextMessage()
      a.add("base_axis", 1)
      fc.attributes = a
      fc.attributesField = "affine_param"
      let relu = newLayer(c, base: "relu", type: "ReLU", inputs: [fc.output], taken: &taken)
      insert([fc, relu], after: v, in: &c)
      return "insert \(fc.name) (\(fc.outmaps![0])) + \(relu.name) after \(v)"

    case (.insertPooling, .variable(let v)):
      guard let s = shapes[v], s.count == 4, s[2] >= 2, s[3] >= 2 else { return nil }
      let max = random.index(2) == 0
      var pool = newLayer(c, base: "pool", type: max ? "MaxPooling" : "AveragePooling", inputs: [v], taken: &taken)
      var a = ProtoTextMessage()
      a.add("kernel", dimsMessage([2, 2]))
      a.add("stride", dimsMessage([2, 2]))
      a.add("ignore_border", true)
      a.add("pad", dimsMessage([0, 0]))
      if !max { a.add("including_pad", true) }
      pool.attributes = a
      pool.attributesField = max ? "max_pooling_param" : "average_pooling_param"
      insert([pool], after: v, in: &c)
      return "insert \(pool.name) (\(max ? "max" : "average") 2) after \(v)"

    case (.insertReLU, .variable(let v)):
      let relu = newLayer(c, base: "relu", type: "ReLU", inputs: [v], taken: &taken)
      insert([relu], after: v, in: &c)
      return "insert \(relu.name) after \(v)"

    case (.insertBatchNormalization, .variable(let v)):
      var bn = newLayer(c, base: "bn", type: "BatchNormalization", inputs: [v], taken: &taken)
      var a = ProtoTextMessage()
      a.add("axes", 1)
      a.add("decay_rate", 0.9)
      a.add("eps", 0.0001)
      a.add("batch_stat", true)
      bn.attributes = a
      bn.attributesField = "batch_normalization_param"
      insert([bn], after: v, in: &c)
      return "insert \(bn.name) after \(v)"

    case (.removeBlock, .layer(let i)), (.removePooling, .layer(let i)), (.removeReLU, .layer(let i)), (.removeBatchNormalization, .layer(let i)):
      let l = c.layers[i]
      var removed = [l.name]
      if kind == .removeBlock {
        // The ReLU right after it, when it is its only reader.
        let readers = c.consumers(of: l.output)
        if readers.count == 1, c.layers[readers[0]].type == "ReLU", !c.protected.contains(c.layers[readers[0]].output) {
          removed.append(c.layers[readers[0]].name)
          remove(readers[0], from: &c)
        }
      }
      remove(i, from: &c)
      return "remove " + removed.joined(separator: " + ")

    case (.depthwiseSeparable, .layer(let i)):
      let l = c.layers[i]
      guard let k = l.kernel, let outmaps = l.outmaps else { return nil }
      var dw = Layer(
        name: c.freshName(l.name + "_dw", numbered: false), type: "DepthwiseConvolution", inputs: l.inputs, outputs: [], parameters: [])
      dw.outputs = [dw.name]
      dw.parameters = ["\(dw.name)/W", "\(dw.name)/b"]
      dw.kernel = k
      var a = ProtoTextMessage()
      let la = l.attributes
      a.add("pad", dimsMessage(((try? la?.message("pad")?.ints("dim")) ?? nil) ?? [0, 0]))
      a.add("stride", dimsMessage(((try? la?.message("stride")?.ints("dim")) ?? nil) ?? [1, 1]))
      a.add("dilation", dimsMessage(((try? la?.message("dilation")?.ints("dim")) ?? nil) ?? [1, 1]))
      a.add("multiplier", 1)
      a.add("base_axis", 1)
      dw.attributes = a
      dw.attributesField = "depthwise_convolution_param"
      let pwName = c.freshName(l.name + "_pw", avoiding: [dw.name], numbered: false)
      var pw = Layer(
        name: pwName, type: "Convolution", inputs: [dw.output], outputs: l.outputs, parameters: ["\(pwName)/W", "\(pwName)/b"])
      pw.outmaps = outmaps
      pw.kernel = [1, 1]
      pw.attributes = convolutionAttributes(pad: 0)
      pw.attributesField = "convolution_param"
      c.layers.replaceSubrange(i...i, with: [dw, pw])
      return "\(l.name) → depthwise-separable (\(dw.name) k\(k[0]) + \(pw.name) 1×1 \(outmaps[0]))"

    case (.residual, .variable(let v)):
      guard let s = shapes[v], s.count == 4 else { return nil }
      // An existing block from v whose output has v's shape, else a new 3×3 Convolution + ReLU.
      var end: String? = nil
      var walk = v
      var blockHasWeights = false
      for _ in 0..<4 {
        let readers = c.consumers(of: walk)
        guard readers.count == 1, c.layers[readers[0]].inputs.count == 1, c.layers[readers[0]].type != "Add2" else { break }
        let l = c.layers[readers[0]]
        blockHasWeights = blockHasWeights || ["Convolution", "DepthwiseConvolution"].contains(l.type)
        walk = l.output
        if c.protected.contains(walk) { break }
        if blockHasWeights, shapes[walk] == s { end = walk; break }
      }
      var description: String
      if let end {
        description = "residual around \(v)…\(end)"
      } else {
        let conv = convolution(c, input: v, outmaps: s[1], kernel: 3, taken: &taken)
        let relu = newLayer(c, base: "relu", type: "ReLU", inputs: [conv.output], taken: &taken)
        insert([conv, relu], after: v, in: &c)
        end = relu.output
        description = "residual \(conv.name) (\(s[1]), k3) + \(relu.name) after \(v)"
      }
      let add = newLayer(c, base: "add", type: "Add2", inputs: [v, end!], taken: &taken)
      let readers = c.consumers(of: end!)
      for r in readers { c.layers[r].inputs = c.layers[r].inputs.map { $0 == end! ? add.output : $0 } }
      let position = c.producer(of: end!)! + 1
      c.layers.insert(add, at: position)
      return description + " (\(add.name))"

    default:
      return nil
    }
  }
}

extension TrainingRandom {
  /// 0..<n (by remainder: the mutator's draws, fixed by its seed).
  mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
