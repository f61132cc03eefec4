import NNFormats

/// Unrolls NNC's recurrent and repeated form before functions are mapped, as nnabla's
/// `NnpExpander` (`nnabla/utils/converter/nnabla/expander.py`) does: a network with
/// `repeat_info { id times }` holds one step of the loop; every variable and function that lists
/// the `repeat_id` is copied `times` times, named `<name>_<id>_<i>`.
/// - `RecurrentInput` (`recurrent_param { axis }`): step `i` is the input's index `i` along `axis`
///   (nnabla's Split; here Slice + Reshape).
/// - `RecurrentOutput`: the steps stacked on a new `axis` (nnabla's Stack; here Reshape + Concatenate).
/// - `Delay` (inputs: value, initial): step 0 reads the initial value, step `i` the value of step `i − 1`.
/// - `RepeatStart` (inputs: first, fed back) / `RepeatEnd`: a block repeated `times` times in
///   sequence; a parameter named `…{id}…` has one copy per repetition, `…[i]…`.
/// Parameters without the `repeat_id` are shared by every step.
enum RepeatExpansion {
  /// The most functions and variables one repeat may unroll into.
  static let maxUnrolled = 1 << 20

  static func expand(_ network: NetworkDef, parameters: Set<String>) throws -> NetworkDef {
    guard !network.repeats.isEmpty else { return network }
    var net = try unroll(network, parameters: parameters)
    // Only now: before every repeat is unrolled, a Delay still closes a loop.
    net.functions = try topologicallySorted(net.functions)
    return net
  }

  /// Unrolls the first repeat, then the rest.
  private static func unroll(_ network: NetworkDef, parameters: Set<String>) throws -> NetworkDef {
    guard let info = network.repeats.first else { return network }
    guard info.times >= 1 else { throw DiagnosticLikeError("repeat_info '\(info.id)' has times \(info.times); it must be at least 1") }
    let (id, times) = (info.id, info.times)
    // A hostile `times` must fail fast, not fill memory.
    let copies = network.functions.filter { $0.repeatIDs.contains(id) || $0.type.hasPrefix("Recurrent") }.count
      + network.variables.filter { $0.repeatIDs.contains(id) }.count
    guard times <= maxUnrolled / max(1, copies) else {
      throw DiagnosticLikeError("repeat_info '\(id)' repeats \(copies) functions and variables \(times) times; at most \(maxUnrolled) copies are unrolled")
    }
    var net = network
    net.repeats.removeFirst()
    func suffixed(_ name: String, _ i: Int) -> String { "\(name)_\(id)_\(i)" }
    // nnabla's old naming gave a repeated parameter's copies `<name>_<id>_<i>`; the current one
    // replaces `{id}` in its name by `[i]`.
    let oldNames = parameters.contains { name in
      guard name.hasSuffix("]"), let open = name.lastIndex(of: "["), name[..<open].hasSuffix(id) else { return false }
      return Int(name[name.index(after: open)..<name.index(before: name.endIndex)]).map { $0 < times } ?? false
    }

    // Variables: one copy per step of those in the repeat.
    var perStep: [String: [String]] = [:]
    var repeated = Set<String>()
    net.variables = []
    for v in network.variables {
      guard let pos = v.repeatIDs.firstIndex(of: id) else {
        net.variables.append(v)
        continue
      }
      var names: [String] = []
      for i in 0..<times {
        var copy = v
        copy.repeatIDs.remove(at: pos)
        copy.name = v.type == "Parameter" && !oldNames ? v.name.replacingOccurrences(of: "{\(id)}", with: "[\(i)]") : suffixed(v.name, i)
        names.append(copy.name)
        net.variables.append(copy)
      }
      if v.type == "Parameter" { perStep[v.name] = names } else { repeated.insert(v.name) }
    }

    // What Delay, RepeatEnd and RepeatStart outputs stand for at each step.
    func param(_ f: FunctionDef, _ message: String) throws -> (id: String, f: ProtoTextMessage?) {
      let m = f.message.message(message)
      return (try m?.string("repeat_id") ?? "", m)
    }
    for f in network.functions where f.type == "Delay" {
      guard try param(f, "recurrent_param").id == id else { continue }
      guard f.inputs.count == 2, f.outputs.count == 1 else { throw DiagnosticLikeError("\(f.location): takes a value and an initial value") }
      perStep[f.outputs[0]] = [f.inputs[1]] + (0..<(times - 1)).map { suffixed(f.inputs[0], $0) }
    }
    var repeatEnd: [String: [String]] = [:]
    for f in network.functions where f.type == "RepeatEnd" {
      let (rid, m) = try param(f, "repeat_param")
      guard rid == id, f.inputs.count == 1, f.outputs.count == 1 else { continue }
      repeatEnd[f.outputs[0]] = (0..<(try m?.int("times") ?? times)).map { suffixed(f.inputs[0], $0) }
    }
    for f in network.functions where f.type == "RepeatStart" {
      guard try param(f, "repeat_param").id == id else { continue }
      guard f.inputs.count == 2, f.outputs.count == 1 else { throw DiagnosticLikeError("\(f.location): takes the first input and the fed-back one") }
      perStep[f.outputs[0]] = (0..<times).map { i in
        if i == 0 { return repeatEnd[f.inputs[0]]?.last ?? f.inputs[0] }
        return repeatEnd[f.inputs[1]]?[i - 1] ?? suffixed(f.inputs[1], i - 1)
      }
    }
    for (k, v) in repeatEnd { perStep[k] = v }

    net.functions = []
    for f in network.functions {
      switch f.type {
      case "RepeatStart", "RepeatEnd":
        if try param(f, "repeat_param").id == id { continue }
      case "Delay":
        if try param(f, "recurrent_param").id == id { continue }
      case "RecurrentInput":
        let (rid, m) = try param(f, "recurrent_param")
        if rid == id {
          net.functions += try splitSteps(f, axis: try m?.int("axis") ?? 0, times: times, network: network, names: { suffixed(f.outputs[0], $0) })
          continue
        }
      case "RecurrentOutput":
        let (rid, m) = try param(f, "recurrent_param")
        if rid == id {
          net.functions += try stackSteps(f, axis: try m?.int("axis") ?? 0, inputs: (0..<times).map { suffixed(f.inputs[0], $0) }, network: network)
          continue
        }
      default: break
      }
      guard let pos = f.repeatIDs.firstIndex(of: id) else {
        var copy = f
        copy.inputs = f.inputs.map { repeatEnd[$0]?.last ?? $0 }
        net.functions.append(copy)
        continue
      }
      for i in 0..<times {
        var copy = f
        copy.repeatIDs.remove(at: pos)
        copy.name = suffixed(f.name, i)
        copy.inputs = f.inputs.map { v in
          if let names = perStep[v] { return names.count == times ? names[i] : v }
          return repeated.contains(v) ? suffixed(v, i) : v
        }
        copy.outputs = f.outputs.map { suffixed($0, i) }
        net.functions.append(copy)
      }
    }
    return try unroll(net, parameters: parameters)
  }

  /// The batch-1 declared shape of `name` (a leading -1 is the batch).
  private static func shape(_ name: String, in network: NetworkDef, for f: FunctionDef) throws -> [Int] {
    guard let v = network.variables.first(where: { $0.name == name }), !v.shape.isEmpty else {
      throw DiagnosticLikeError("\(f.location): the shape of '\(name)' is not declared")
    }
    return v.shape.enumerated().map { $0.offset == 0 && $0.element == -1 ? 1 : $0.element }
  }

  private static func dims(_ shape: [Int]) -> String { "shape { \(shape.map { "dim: \($0)" }.joined(separator: " ")) }" }

  /// nnabla's Split along `axis`: step `i` is Slice `[i, i + 1)` on `axis`, reshaped without it.
  private static func splitSteps(_ f: FunctionDef, axis: Int, times: Int, network: NetworkDef, names: (Int) -> String) throws -> [FunctionDef] {
    let input = try shape(f.inputs[0], in: network, for: f)
    let a = axis < 0 ? axis + input.count : axis
    guard input.indices.contains(a), input[a] == times else {
      throw DiagnosticLikeError("\(f.location): axis \(axis) of '\(f.inputs[0])' \(input) must have the repeat's \(times) steps")
    }
    var step = input
    step.remove(at: a)
    return try (0..<times).flatMap { i -> [FunctionDef] in
      let start = input.indices.map { $0 == a ? i : 0 }
      let stop = input.indices.map { $0 == a ? i + 1 : input[$0] }
      let ones = input.map { _ in 1 }
      let slice = "slice_param { \((start.map { "start: \($0)" } + stop.map { "stop: \($0)" } + ones.map { "step: \($0)" }).joined(separator: " ")) }"
      return [
        try FunctionDef(name: "\(names(i))/slice", type: "Slice", inputs: f.inputs, outputs: ["\(names(i))/slice"], param: slice),
        try FunctionDef(name: names(i), type: "Reshape", inputs: ["\(names(i))/slice"], outputs: [names(i)], param: "reshape_param { \(dims(step)) }"),
      ]
    }
  }

  /// nnabla's Stack on `axis`: each step reshaped with a new axis of 1, then concatenated.
  private static func stackSteps(_ f: FunctionDef, axis: Int, inputs: [String], network: NetworkDef) throws -> [FunctionDef] {
    var step = try shape(f.inputs[0], in: network, for: f)
    let a = axis < 0 ? axis + step.count + 1 : axis
    guard (0...step.count).contains(a) else { throw DiagnosticLikeError("\(f.location): axis \(axis) is out of range for \(step)") }
    step.insert(1, at: a)
    let rows = try inputs.map { name in
      try FunctionDef(name: "\(name)/row", type: "Reshape", inputs: [name], outputs: ["\(name)/row"], param: "reshape_param { \(dims(step)) }")
    }
    return rows + [try FunctionDef(name: f.name, type: "Concatenate", inputs: rows.map { $0.outputs[0] }, outputs: f.outputs, param: "concatenate_param { axis: \(a) }")]
  }

  /// Producers before consumers, otherwise in the given order (the unrolled steps of a Delay
  /// read functions listed after them).
  private static func topologicallySorted(_ functions: [FunctionDef]) throws -> [FunctionDef] {
    var producer: [String: Int] = [:]
    for (k, f) in functions.enumerated() { for o in f.outputs { producer[o] = k } }
    var state = [UInt8](repeating: 0, count: functions.count)  // 0 new, 1 visiting, 2 done
    var order: [FunctionDef] = []
    func visit(_ k: Int) throws {
      if state[k] == 2 { return }
      guard state[k] == 0 else { throw DiagnosticLikeError("\(functions[k].location): the unrolled network has a cycle") }
      state[k] = 1
      for input in functions[k].inputs { if let p = producer[input] { try visit(p) } }
      state[k] = 2
      order.append(functions[k])
    }
    for k in functions.indices { try visit(k) }
    return order
  }
}
