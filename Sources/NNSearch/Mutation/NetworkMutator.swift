import NNFormats
import NNIR
import NNImport
import NNTrain

/// The kinds of change `NetworkMutator` makes, as Neural Network Console's structure search
/// makes them.
public enum MutationKind: String, CaseIterable, Sendable {
  /// A Convolution's outmaps ×¼, ×½, ×2 or ±25 % (at least 4).
  case convolutionOutmaps
  /// A Convolution's kernel 5→3, 3→5, 3→1 (not on a one-channel input), 1→3 (a "same" pad
  /// follows it).
  case convolutionKernel
  /// An Affine's n_outmaps ×¼, ×½, ×2 or ±25 % (at least 8; never the last one's).
  case affineOutmaps
  /// A Convolution's stride 1↔2, 2↔3 (3 only up to the kernel's size; never on a 1×1: it would
  /// drop pixels). A stride-3 first convolution reads the digits' ×3-upscaled pixels once each.
  case stride
  /// A pooling kernel 2↔3 (its stride with it when they were equal).
  case poolingKernel
  /// A 3×3 "same" Convolution + ReLU inserted between blocks.
  case insertConvolution
  /// An Affine + ReLU inserted after the convolutions, before the last Affine (an MLP's hidden
  /// layer too).
  case insertAffine
  /// A block removed as a unit: a Convolution, DepthwiseConvolution (with its 1×1 Convolution) or
  /// Affine with the BatchNormalization, activation and pooling that follow it. Removing the last
  /// convolution leaves an MLP (an Affine reads any shape).
  case removeBlock
  /// A convolution block and the convolution blocks after it replaced by one Affine + ReLU.
  case replaceByAffine
  /// A 2×2 MaxPooling or AveragePooling inserted (on the raw input, only an AveragePooling).
  case insertPooling
  case removePooling
  /// A ReLU inserted where a block has no activation.
  case insertReLU
  case removeReLU
  /// A BatchNormalization inserted right after a Convolution, DepthwiseConvolution or Affine
  /// (where the int8 compiler folds it into the weights).
  case insertBatchNormalization
  case removeBatchNormalization
  /// A Convolution swapped for DepthwiseConvolution + 1×1 Convolution.
  case depthwiseSeparable
  /// An Add2 shortcut around a shape-preserving block (a new 3×3 Convolution + ReLU when the
  /// network has none).
  case residual

  /// How often the kind is drawn, relative to the others, among those that apply. The kinds that
  /// move a network along the error/cost front — widths, kernels, strides, removing a block,
  /// depthwise-separable, replacing convolutions by an Affine — come often; toggling a ReLU or a
  /// BatchNormalization, re-sizing a pooling or adding layers rarely lowers the cost and seldom
  /// the error, so they come seldom (drawn uniformly, as before, they made 124 of the 200
  /// candidates of the digits search, and residual shortcuts alone 27).
  var weight: Int {
    switch self {
    case .convolutionOutmaps, .affineOutmaps, .removeBlock: return 10
    case .convolutionKernel, .stride, .replaceByAffine: return 8
    case .depthwiseSeparable: return 6
    case .insertAffine, .removePooling: return 3
    case .insertConvolution, .insertPooling, .poolingKernel, .residual, .insertBatchNormalization, .removeBatchNormalization: return 2
    case .insertReLU, .removeReLU: return 1
    }
  }
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
    let totalWeight = sitesByKind.reduce(0) { $0 + $1.0.weight }
    let misplaced = chain.misplacedLayers
    for _ in 0..<Self.maxTries {
      guard !sitesByKind.isEmpty else { break }
      var draw = random.index(totalWeight)
      let (kind, sites) = sitesByKind.first { entry in
        if draw < entry.0.weight { return true }
        draw -= entry.0.weight
        return false
      }!
      let site = sites[random.index(sites.count)]
      var candidate = chain
      guard let description = Self.apply(kind, at: site, to: &candidate, shapes: shapes, random: &random) else { continue }
      do {
        guard candidate.layers.allSatisfy({ allowedTypes.contains($0.type) }) else { continue }
        // No pooling of the raw input, unfoldable BatchNormalization or doubled ReLU added.
        guard candidate.misplacedLayers <= misplaced else {
          lastProblem = "\(kind.rawValue) (\(description)): a layer where it costs or loses more than it gives"
          continue
        }
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

  /// `kind` applied where the layer or variable named `site` is (a layer for the kinds that change
  /// or remove one, a variable for those that insert after one), its random choices (a width) drawn
  /// from this mutator's generator; the candidate checked as `mutate` checks its own. For scripted
  /// walks (tests, a search seeded with known moves); throws when `kind` does not apply there.
  public mutating func mutate(
    _ definition: ProtoTextMessage, network: String, kind: MutationKind, at site: String
  ) throws -> (definition: ProtoTextMessage, description: String) {
    let chain = try NetworkChain(definition, network: network)
    let shapes = try chain.inferShapes().variables
    let match = Self.sites(of: kind, in: chain, shapes: shapes).first { s in
      switch s {
      case .layer(let i): return chain.layers[i].name == site
      case .variable(let v): return v == site
      }
    }
    guard let match else { throw MutationError("\(kind.rawValue) does not apply at '\(site)'") }
    var candidate = chain
    guard let description = Self.apply(kind, at: match, to: &candidate, shapes: shapes, random: &random) else {
      throw MutationError("\(kind.rawValue) does not apply at '\(site)'")
    }
    guard candidate.misplacedLayers <= chain.misplacedLayers else {
      throw MutationError("\(kind.rawValue) at '\(site)' (\(description)) puts a layer where it costs or loses more than it gives")
    }
    let written = try candidate.written(original: chain)
    try Self.validate(written, network: network)
    lastKind = kind
    return (written, description)
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
  static let minOutmaps = 4
  static let maxOutmaps = 256
  static let minFeatures = 8
  static let maxFeatures = 1024
  static let affineWidths = [8, 16, 32, 64, 128]

  static func sites(of kind: MutationKind, in c: NetworkChain, shapes: [String: [Int]]) -> [MutationSite] {
    let layers = c.layers
    let last = c.lastAffine
    func layersWhere(_ p: (Int, Layer) -> Bool) -> [MutationSite] { layers.indices.filter { p($0, layers[$0]) }.map { .layer($0) } }
    // Removable: one data input of the output's shape or a shape the rest can follow, output not protected.
    func removable(_ i: Int) -> Bool {
      layers[i].inputs.count == 1 && layers[i].outputs.count == 1 && !c.protected.contains(layers[i].output) && i != last
    }
    // Insertion points: a data input or a layer output that is not protected and feeds layers,
    // never between a weight layer and the BatchNormalization folded into it.
    let points = (c.dataInputs + layers.flatMap(\.outputs)).filter { v in
      !c.protected.contains(v) && !c.consumers(of: v).isEmpty && !c.consumers(of: v).contains { layers[$0].type == "BatchNormalization" }
    }
    let lastInput = last.map { layers[$0].inputs[0] }
    let beforeLast = Set(points.filter { v in v == lastInput || (lastInput.map { c.downstream(of: v).contains($0) } ?? false) })
    func afterWeights(_ v: String) -> Bool {
      c.producer(of: v).map { (NetworkChain.weightTypes.union(["BatchNormalization"])).contains(layers[$0].type) } == true
    }
    let maps = points.filter { (shapes[$0]?.count ?? 0) == 4 && beforeLast.contains($0) }
    let blocks = c.blocks
    func kernel(_ l: Layer) -> [Int] { l.kernel ?? [] }
    func inputChannels(_ l: Layer) -> Int { shapes[l.inputs[0]].map { $0.count > 1 ? $0[1] : 0 } ?? 0 }
    // The blocks' layers, each with whether an activation follows it in its block.
    func hasActivation(_ v: String) -> Bool {
      guard let p = c.producer(of: v), let b = blocks.first(where: { $0.contains(p) }) else { return true }
      return b.contains { layers[$0].type == "ReLU" || (NetworkChain.elementwiseTypes.contains(layers[$0].type) && layers[$0].type != "Dropout") }
    }
    switch kind {
    case .convolutionOutmaps: return layersWhere { _, l in l.type == "Convolution" && l.outmaps?.count == 1 }
    case .convolutionKernel:
      return layersWhere { _, l in l.type == "Convolution" && [[1, 1], [3, 3], [5, 5]].contains(kernel(l)) }
    case .affineOutmaps: return layersWhere { i, l in l.type == "Affine" && i != last && l.outmaps?.count == 1 }
    case .stride: return layersWhere { _, l in l.type == "Convolution" && kernel(l).count == 2 && kernel(l) != [1, 1] }
    case .poolingKernel:
      return layersWhere { _, l in
        NetworkChain.poolingTypes.contains(l.type) && ((try? l.attributes?.message("kernel")?.ints("dim")) ?? nil)?.count == 2
      }
    case .insertPooling:
      // On the raw input only an AveragePooling, straight on it (see `misplacedLayers`).
      return maps.filter { !c.isRaw($0) || c.feeds.contains($0) }.map { .variable($0) }
    case .residual:
      return maps.filter { (shapes[$0]?[1] ?? 0) >= 4 }.map { .variable($0) }
    case .insertConvolution:
      // Between blocks: not between a convolution and its activation.
      return maps.filter { !afterWeights($0) }.map { .variable($0) }
    case .insertAffine:
      // After the last convolution or pooling (an Affine's output is flat).
      return points.filter { v in
        beforeLast.contains(v) && !afterWeights(v)
          && !c.downstream(of: v).contains { o in
            c.producer(of: o).map { NetworkChain.convolutionTypes.union(NetworkChain.poolingTypes).contains(layers[$0].type) } ?? false
          }
      }.map { .variable($0) }
    case .insertBatchNormalization:
      // Right after a weight layer, its only reader (NNC's Convolution-BatchNormalization-ReLU),
      // where the int8 compiler folds it.
      return layers.indices.filter { i in
        NetworkChain.weightTypes.contains(layers[i].type) && i != last && layers[i].outputs.count == 1
          && !c.protected.contains(layers[i].output) && c.consumers(of: layers[i].output).count == 1
          && layers[c.consumers(of: layers[i].output)[0]].type != "BatchNormalization"
      }.map { .variable(layers[$0].output) }
    case .insertReLU:
      return points.filter { v in
        guard let p = c.producer(of: v), layers[p].type != "ReLU" else { return false }
        return beforeLast.contains(v) && !hasActivation(v)
      }.map { .variable($0) }
    case .removeBlock:
      return blocks.filter { b in b.lowerBound != last && !b.contains(last ?? -1) && c.isSelfContained(b) }.map { .layer($0.lowerBound) }
    case .replaceByAffine:
      // A convolution block and every convolution block after it, as one self-contained run.
      let convolutions = blocks.filter { NetworkChain.convolutionTypes.contains(layers[$0.lowerBound].type) }
      guard let end = convolutions.last?.upperBound else { return [] }
      return convolutions.filter { b in c.isSelfContained(b.lowerBound...end) }.map { .layer($0.lowerBound) }
    case .removePooling: return layersWhere { i, l in NetworkChain.poolingTypes.contains(l.type) && removable(i) }
    case .removeReLU: return layersWhere { i, l in l.type == "ReLU" && removable(i) }
    case .removeBatchNormalization: return layersWhere { i, l in l.type == "BatchNormalization" && removable(i) }
    case .depthwiseSeparable:
      return layersWhere { _, l in
        l.type == "Convolution" && kernel(l).count == 2 && kernel(l) != [1, 1] && ((try? l.attributes?.int("group")) ?? nil ?? 1) == 1
          && inputChannels(l) >= 2
      }
    }
  }

  /// A new width: ×¼, ×½, ×2 or ±25 %, different from `n`, within `minimum`…`limit`.
  static func newWidth(_ n: Int, minimum: Int, limit: Int, random: inout TrainingRandom) -> Int? {
    let choices = Set([n / 4, n / 2, n * 2, n + max(1, n / 4), n - max(1, n / 4)])
      .filter { $0 >= minimum && $0 <= limit && $0 != n }.sorted()
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

  /// A new Affine of `width` features reading `input` (any shape: base_axis 1 flattens the rest)
  /// and the ReLU after it.
  static func affine(_ c: NetworkChain, input: String, width: Int, taken: inout Set<String>) -> (Layer, Layer) {
    var fc = newLayer(c, base: "fc", type: "Affine", inputs: [input], taken: &taken)
    fc.outmaps = [width]
    var a = ProtoTextMessage()
    a.add("base_axis", 1)
    fc.attributes = a
    fc.attributesField = "affine_param"
    let relu = newLayer(c, base: "relu", type: "ReLU", inputs: [fc.output], taken: &taken)
    return (fc, relu)
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
      let (minimum, limit) = kind == .affineOutmaps ? (minFeatures, maxFeatures) : (minOutmaps, maxOutmaps)
      guard let new = newWidth(old, minimum: minimum, limit: limit, random: &random) else { return nil }
      c.layers[i].outmaps = [new]
      return "\(c.layers[i].name) \(kind == .affineOutmaps ? "n_outmaps" : "outmaps") \(old)→\(new)"

    case (.convolutionKernel, .layer(let i)):
      let old = c.layers[i].kernel![0]
      // 3→1 only where there are channels to mix (a 1×1 on the one-channel image is a scale).
      let choices = old == 5 ? [3] : old == 1 ? [3] : (shapes[c.layers[i].inputs[0]]?[1] ?? 1) >= 2 ? [5, 1] : [5]
      let new = choices[random.index(choices.count)]
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
      let kernel = c.layers[i].kernel?.min() ?? 1
      let choices = (old == 1 ? [2] : old == 2 ? [1, 3] : [2]).filter { $0 <= max(kernel, 2) }
      let new = choices[random.index(choices.count)]
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
      let widths = Set([s[1], s[1] / 2, min(maxOutmaps, s[1] * 2), 4, 8, 16].filter { $0 >= minOutmaps }).sorted()
      let outmaps = widths[random.index(widths.count)]
      let conv = convolution(c, input: v, outmaps: outmaps, kernel: 3, taken: &taken)
      let relu = newLayer(c, base: "relu", type: "ReLU", inputs: [conv.output], taken: &taken)
      insert([conv, relu], after: v, in: &c)
      return "insert \(conv.name) (\(outmaps), k3) + \(relu.name) after \(v)"

    case (.insertAffine, .variable(let v)):
      let (fc, relu) = affine(c, input: v, width: affineWidths[random.index(affineWidths.count)], taken: &taken)
      insert([fc, relu], after: v, in: &c)
      return "insert \(fc.name) (\(fc.outmaps![0])) + \(relu.name) after \(v)"

    case (.replaceByAffine, .layer(let i)):
      guard let end = c.blocks.last(where: { NetworkChain.convolutionTypes.contains(c.layers[$0.lowerBound].type) })?.upperBound,
        end >= i, c.isSelfContained(i...end)
      else { return nil }
      let names = c.layers[i...end].filter { NetworkChain.convolutionTypes.contains($0.type) }.map(\.name)
      let input = c.layers[i].inputs[0]
      let output = c.layers[end].output
      // Narrow: the Affine reads every pixel of what the convolutions read (784 on the digits).
      let widths = affineWidths.filter { $0 <= 64 }
      let (fc, relu) = affine(c, input: input, width: widths[random.index(widths.count)], taken: &taken)
      c.layers.replaceSubrange(i...end, with: [fc, relu])
      c.rewire(output, to: relu.output)
      return "\(names.joined(separator: "…")) → \(fc.name) (\(fc.outmaps![0])) + \(relu.name)"

    case (.insertPooling, .variable(let v)):
      guard let s = shapes[v], s.count == 4, s[2] >= 2, s[3] >= 2 else { return nil }
      let max = !c.feeds.contains(v) && random.index(2) == 0
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

    case (.removeBlock, .layer(let i)):
      guard let b = c.block(at: i), c.isSelfContained(b) else { return nil }
      let removed = c.layers[b].map(\.name)
      c.removeRange(b)
      return "remove " + removed.joined(separator: " + ")

    case (.removePooling, .layer(let i)), (.removeReLU, .layer(let i)), (.removeBatchNormalization, .layer(let i)):
      let name = c.layers[i].name
      remove(i, from: &c)
      return "remove " + name

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
        let feedsNormalization = c.consumers(of: walk).contains { c.layers[$0].type == "BatchNormalization" }
        if blockHasWeights, shapes[walk] == s, !feedsNormalization { end = walk; break }
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
