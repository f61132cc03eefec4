import NNFormats

/// What the search loop needs from a mutator: `NetworkMutator` (`Mutation/`) has exactly this
/// shape, so plugging it in is `extension NetworkMutator: SearchMutator {}` and
/// `SearchConfiguration.makeMutator = { NetworkMutator(seed: $0) }` (see `SearchConfiguration`).
///
/// `mutate` returns a whole definition in which `network` is a valid variant of the one given
/// (parameters' shapes consistent, so nncompile trains it from fresh initial values) and a short
/// description of the change ("fc3: 50 → 32 outputs"). `summary` describes a network's structure
/// in one line for the results table.
public protocol SearchMutator {
  mutating func mutate(_ definition: ProtoTextMessage, network: String) throws -> (definition: ProtoTextMessage, description: String)
  static func summary(_ definition: ProtoTextMessage, network: String) throws -> String
}

/// A seeded generator (SplitMix64): the same seed gives the same sequence on every platform.
public struct SearchRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// A generator for trial `k` of a search seeded `seed`: independent of the trials before it,
  /// so a resumed search draws what an uninterrupted one would have.
  public static func forTrial(_ k: Int, seed: UInt64, stream: UInt64) -> SearchRandom {
    var g = SearchRandom(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
    for _ in 0..<(k % 7 + 1) { _ = g.next() }
    return SearchRandom(seed: g.next() &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
  }
}

/// STAND-IN until `NetworkMutator` lands: scales the width of one hidden Affine layer (its `W`'s
/// outputs and `b`, the buffers after it up to the next Affine, and that Affine's `W` inputs) by a
/// seeded factor in {½, ¾, 1¼, 1½, 2}. Only Affine chains (MLPs, the dense head of a CNN) are
/// touched; a network without a hidden Affine is returned unchanged. Not a search strategy: it
/// exists so the loop and its outputs can be built and tested.
public struct StandInWidthMutator: SearchMutator {
  var random: SearchRandom
  public init(seed: UInt64) { random = SearchRandom(seed: seed) }

  public mutating func mutate(_ definition: ProtoTextMessage, network: String) throws -> (definition: ProtoTextMessage, description: String) {
    var def = definition
    guard let n = try def.fields.firstIndex(where: { f in
      if case .message(let m) = f.value, f.name == "network" { return try m.string("name") == network }
      return false
    }), case .message(var net) = def.fields[n].value else { return (definition, "unchanged (no network '\(network)')") }
    let functions = net.messages("function")
    let affines = try functions.enumerated().filter { try $0.element.string("type") == "Affine" }.map(\.offset)
    guard affines.count >= 2 else { return (definition, "unchanged (no hidden Affine)") }
    let pick = affines[Int(random.next() % UInt64(affines.count - 1))]
    let factors = [0.5, 0.75, 1.25, 1.5, 2.0]
    let factor = factors[Int(random.next() % UInt64(factors.count))]
    let layer = functions[pick]
    let inputs = try layer.strings("input")
    guard inputs.count >= 2, let out = try layer.strings("output").first else { return (definition, "unchanged") }
    guard let old = try Self.shape(of: inputs[1], in: net)?.last else { return (definition, "unchanged") }
    let new = max(1, Int((Double(old) * factor).rounded()))
    // The buffers downstream of the layer up to the next Affine, and that Affine's weight.
    var carried: Set<String> = [out]
    var nextWeight: String?
    for f in functions[(pick + 1)...] {
      let ins = try f.strings("input")
      guard ins.contains(where: carried.contains) else { continue }
      if try f.string("type") == "Affine" {
        nextWeight = ins.count > 1 ? ins[1] : nil
        break
      }
      carried.formUnion(try f.strings("output"))
    }
    var resized: [String: (ProtoTextMessage) -> [Int]?] = [:]
    resized[inputs[1]] = { Self.replacing(last: old, with: new, in: $0) }
    if inputs.count > 2 { resized[inputs[2]] = { _ in [new] } }
    for b in carried { resized[b] = { Self.replacing(last: old, with: new, in: $0) } }
    if let w = nextWeight { resized[w] = { Self.replacing(first: old, with: new, in: $0) } }
    for (k, field) in net.fields.enumerated() where field.name == "variable" {
      guard case .message(var v) = field.value, let name = try v.string("name"), let rule = resized[name] else { continue }
      guard let dims = rule(v) else { continue }
      var shape = ProtoTextMessage()
      for d in dims { shape.add("dim", d) }
      v = v.removing("shape")
      v.fields.insert(ProtoTextMessage.Field(name: "shape", value: .message(shape)), at: min(2, v.fields.count))
      net.fields[k].value = .message(v)
    }
    def.fields[n].value = .message(net)
    let name = try layer.string("name") ?? "Affine"
    return (def, "stand-in: \(name) \(old) → \(new) outputs")
  }

  public static func summary(_ definition: ProtoTextMessage, network: String) throws -> String {
    guard let net = try definition.messages("network").first(where: { try $0.string("name") == network }) else { return "?" }
    var parts: [String] = []
    for f in net.messages("function") {
      let type = try f.string("type") ?? "?"
      let ins = try f.strings("input")
      switch type {
      case "Affine", "Convolution", "DepthwiseConvolution":
        let w = ins.count > 1 ? try shape(of: ins[1], in: net) ?? [] : []
        let short = ["Affine": "FC", "Convolution": "Conv", "DepthwiseConvolution": "DWConv"][type]!
        if type == "Affine" {
          parts.append("\(short)\(w.last.map(String.init) ?? "")")
        } else {
          let kernel = w.count >= 4 ? "\(w[w.count - 2])x\(w[w.count - 1])" : ""
          parts.append("\(short)\(type == "Convolution" ? (w.first.map(String.init) ?? "") : "")(\(kernel))")
        }
      case "ReLU", "LeakyReLU", "ReLU6", "Sigmoid", "Tanh", "ELU", "Swish": parts.append(type)
      case "MaxPooling": parts.append("MaxPool")
      case "AveragePooling": parts.append("AvgPool")
      case "BatchNormalization": parts.append("BN")
      case let t where t.hasSuffix("CrossEntropy") || t.hasSuffix("Error") || t == "Dropout": continue
      default: parts.append(type)
      }
    }
    return parts.joined(separator: " ")
  }

  static func shape(of variable: String, in network: ProtoTextMessage) throws -> [Int]? {
    guard let v = try network.messages("variable").first(where: { try $0.string("name") == variable }) else { return nil }
    return try v.message("shape")?.ints("dim")
  }

  static func replacing(last old: Int, with new: Int, in variable: ProtoTextMessage) -> [Int]? {
    guard var dims = try? variable.message("shape")?.ints("dim"), dims.last == old else { return nil }
    dims[dims.count - 1] = new
    return dims
  }

  static func replacing(first old: Int, with new: Int, in variable: ProtoTextMessage) -> [Int]? {
    guard var dims = try? variable.message("shape")?.ints("dim"), dims.first == old else { return nil }
    dims[0] = new
    return dims
  }
}
