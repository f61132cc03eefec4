import Foundation

/// Cortex-M4 cycle estimate per instruction, from the mnemonics `arm-none-eabi-objdump -d` prints.
///
/// Timings from the Cortex-M4 Technical Reference Manual (zero wait-state memory):
/// - ALU, moves, shifts, compares, extends, bit fields, SIMD (SADD16, SEL…), saturation, IT: 1
/// - every multiply and multiply-accumulate, SMLAD/SMUAD/SMLAL/SMMLA included: 1 (the M4's
///   single-cycle MAC)
/// - SDIV/UDIV: `divideCycles` (the TRM gives 2–12, depending on the operands)
/// - single loads and stores: 2, or 1 when right behind a single load whose destination is not
///   this instruction's base register (the TRM's pipelining of neighbouring loads; nothing
///   pipelines behind a store); LDRD/STRD: 3; LDM/STM/PUSH/POP: 1 + registers
/// - branches: 1, plus the pipeline refill when taken (added at run time by the counter, which
///   sees where execution went); TBB/TBH: 2; loads, pops and moves into PC are branches too
/// - DMB/DSB/ISB: 3
/// - FPU: most 1; VMOV between two core registers and the FPU: 2; VMLA/VMLS/VNMLA/VNMLS/VFMA…:
///   3; VDIV/VSQRT: 14; VLDR/VSTR: 2 (3 for a double register); VLDM/VSTM/VPUSH/VPOP: 1 + words;
///   an FP arithmetic result read by the very next instruction: +1 on that instruction
///
/// What it leaves out (so the figure is for comparisons; expect ±20 % against silicon): wait
/// states and bus contention, data-dependent divide time, branch-target alignment, IT folding
/// and skipped conditional instructions (they cost their full amount here), unaligned accesses.
public enum CycleModel {
  public static let refillCycles = 2
  public static let divideCycles = 7

  /// One instruction of the image and what it costs.
  public struct Instruction: Equatable, Sendable {
    public var address: UInt64
    public var size: Int
    public var mnemonic: String
    public var operands: String
    /// Cost when it starts a translation block (nothing known about what ran before it).
    public var cost: Int
    /// Cost when the instruction at the address before it ran just before it.
    public var costAfterPrevious: Int
    /// True when it can change the flow (its taken case adds the refill).
    public var branch: Bool
  }

  /// Every instruction in `objdump -d` output, costed. Data (`.word`, byte dumps) is skipped.
  public static func instructions(objdump: String) -> [Instruction] {
    var result: [Instruction] = []
    var previous: Instruction?
    for line in objdump.split(separator: "\n", omittingEmptySubsequences: false) {
      guard var instruction = parse(line) else {
        if line.hasSuffix(">:") || line.isEmpty { previous = nil }  // a new symbol: no known predecessor
        continue
      }
      let (cost, branch) = baseCost(instruction.mnemonic, instruction.operands)
      instruction.cost = cost
      instruction.branch = branch
      instruction.costAfterPrevious = cost
      if let p = previous, p.address + UInt64(p.size) == instruction.address {
        instruction.costAfterPrevious = pairCost(cost, after: p, this: instruction)
      }
      result.append(instruction)
      previous = instruction
    }
    return result
  }

  /// The costs file the counting plugin reads: `addr size cost cost_after_previous branch`.
  public static func costsFile(_ instructions: [Instruction]) -> String {
    var s = ""
    s.reserveCapacity(instructions.count * 20)
    for i in instructions {
      s += "\(String(i.address, radix: 16)) \(i.size) \(i.cost) \(i.costAfterPrevious) \(i.branch ? 1 : 0)\n"
    }
    return s
  }

  /// Symbol name → address, from the `00000040 <name>:` lines.
  public static func symbols(objdump: String) -> [String: UInt64] {
    var result: [String: UInt64] = [:]
    for line in objdump.split(separator: "\n") where line.hasSuffix(">:") {
      let parts = line.split(separator: " ", maxSplits: 1)
      guard parts.count == 2, let address = UInt64(parts[0], radix: 16) else { continue }
      result[String(parts[1].dropFirst().dropLast(2))] = address
    }
    return result
  }

  // MARK: - Parsing

  /// `     162:\t6842      \tldr\tr2, [r0, #4]` → the instruction (costs filled in later).
  static func parse(_ line: Substring) -> Instruction? {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
    guard fields.count >= 3, fields[0].hasSuffix(":"),
      let address = UInt64(fields[0].dropLast().trimmingCharacters(in: .whitespaces), radix: 16)
    else { return nil }
    let raw = fields[1].split(separator: " ")
    guard !raw.isEmpty, raw.allSatisfy({ $0.count == 4 && UInt32($0, radix: 16) != nil }) else { return nil }
    let mnemonic = String(fields[2]).lowercased()
    guard !mnemonic.hasPrefix("."), !mnemonic.isEmpty else { return nil }
    let operands = fields.count > 3 ? fields[3...].joined(separator: " ") : ""
    let comment = operands.firstIndex(of: ";").map { String(operands[..<$0]) } ?? operands
    return Instruction(
      address: address, size: raw.count * 2, mnemonic: mnemonic, operands: comment.trimmingCharacters(in: .whitespaces),
      cost: 1, costAfterPrevious: 1, branch: false)
  }

  // MARK: - Costs

  static let conditions: Set<String> = ["eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"]
  static let singleLoads: Set<String> = ["ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrex", "ldrexb", "ldrexh", "ldrt", "ldrbt", "ldrht", "ldrsbt", "ldrsht"]
  static let singleStores: Set<String> = ["str", "strb", "strh", "strex", "strexb", "strexh", "strt", "strbt", "strht"]
  static let multiples: Set<String> = ["ldm", "ldmia", "ldmfd", "ldmdb", "ldmea", "stm", "stmia", "stmea", "stmdb", "stmfd", "push", "pop"]
  static let fpMultiplyAccumulate: Set<String> = ["vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"]
  static let fpArithmetic: Set<String> = fpMultiplyAccumulate.union(["vadd", "vsub", "vmul", "vnmul", "vdiv", "vsqrt", "vabs", "vneg", "vcvt", "vcvtr"])
  static let branches: Set<String> = ["b", "bl", "blx", "bx", "cbz", "cbnz"]
  static let known: Set<String> = singleLoads.union(singleStores).union(multiples).union(branches).union(
    ["ldrd", "strd", "tbb", "tbh", "sdiv", "udiv", "dmb", "dsb", "isb", "mov", "add", "it"])

  /// `ldr.w` → `ldr`, `bne.n` → `b`, `ldmia.w` → `ldmia`, `vmla.f32` → `vmla`, `addeq` → `add`.
  static func baseName(_ mnemonic: String) -> String {
    var m = mnemonic
    if let dot = m.firstIndex(of: ".") { m = String(m[..<dot]) }
    if m.hasPrefix("v") {
      for stem in ["vldm", "vstm"] where m.hasPrefix(stem) { return stem }
      return m
    }
    if known.contains(m) { return m }
    if m.count > 2, conditions.contains(String(m.suffix(2))) {
      let stem = String(m.dropLast(2))
      if known.contains(stem) || stem.isEmpty { return stem.isEmpty ? m : stem }
      if stem.hasSuffix("s"), known.contains(String(stem.dropLast())) { return String(stem.dropLast()) }
    }
    if m.hasSuffix("s"), known.contains(String(m.dropLast())) { return String(m.dropLast()) }
    return m
  }

  static func registers(_ operands: String) -> [String] {
    operands.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init).filter { token in
      if ["sp", "lr", "pc", "ip", "fp", "sl", "sb"].contains(token) { return true }
      guard let first = token.first, "rsd".contains(first) else { return false }
      return token.count > 1 && token.dropFirst().allSatisfy(\.isNumber)
    }
  }

  /// Registers in a `{…}` list, ranges (`s16-s23`) expanded; double registers count as two words.
  static func listWords(_ operands: String) -> (words: Int, hasPC: Bool) {
    guard let open = operands.firstIndex(of: "{"), let close = operands.firstIndex(of: "}") else { return (0, false) }
    var words = 0
    for item in operands[operands.index(after: open)..<close].split(separator: ",") {
      let parts = item.trimmingCharacters(in: .whitespaces).split(separator: "-").map(String.init)
      let width = parts[0].hasPrefix("d") ? 2 : 1
      if parts.count == 2, let a = Int(parts[0].dropFirst()), let b = Int(parts[1].dropFirst()) {
        words += (b - a + 1) * width
      } else {
        words += width
      }
    }
    return (words, operands[open..<close].contains("pc"))
  }

  static func baseCost(_ mnemonic: String, _ operands: String) -> (cycles: Int, branch: Bool) {
    let m = baseName(mnemonic)
    let regs = registers(operands)
    let writesPC = regs.first == "pc"
    switch m {
    case _ where branches.contains(m): return (1, true)
    case "tbb", "tbh": return (2, true)
    case _ where singleLoads.contains(m): return (2, writesPC)
    case _ where singleStores.contains(m): return (2, false)
    case "ldrd", "strd": return (3, false)
    case _ where multiples.contains(m):
      let list = listWords(operands)
      return (1 + list.words, list.hasPC && !m.hasPrefix("st") && m != "push")
    case "sdiv", "udiv": return (divideCycles, false)
    case "dmb", "dsb", "isb": return (3, false)
    case _ where fpMultiplyAccumulate.contains(m): return (3, false)
    case "vdiv", "vsqrt": return (14, false)
    case "vldr", "vstr": return (regs.first?.hasPrefix("d") == true ? 3 : 2, false)
    case "vldm", "vstm", "vpush", "vpop": return (1 + listWords(operands).words, false)
    case "vmov": return (regs.filter { $0.hasPrefix("r") || ["sp", "lr", "ip", "fp", "sl", "sb"].contains($0) }.count >= 2 ? 2 : 1, false)
    default: return (1, writesPC)
    }
  }

  /// The cost of `this` when `previous` ran just before it.
  static func pairCost(_ cost: Int, after previous: Instruction, this: Instruction) -> Int {
    let p = baseName(previous.mnemonic), t = baseName(this.mnemonic)
    // A single load or store behind a single load: pipelined, unless it uses the loaded
    // register as its base.
    if singleLoads.contains(p), singleLoads.contains(t) || singleStores.contains(t) {
      let loaded = registers(previous.operands).first
      let base = this.operands.firstIndex(of: "[").map { registers(String(this.operands[$0...])).first } ?? nil
      if loaded != "pc", base != loaded { return 1 }
    }
    // The FPU takes a cycle longer when the next instruction reads its result.
    if fpArithmetic.contains(p), let result = registers(previous.operands).first {
      var read = registers(this.operands)
      let readsFirst = fpMultiplyAccumulate.contains(t) || ["vstr", "vstm", "vpush", "vcmp", "vcmpe"].contains(t)
      if !readsFirst, !read.isEmpty { read.removeFirst() }
      if read.contains(result) { return cost + 1 }
    }
    return cost
  }
}
