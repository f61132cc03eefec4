import Foundation
import NNIR

/// The nnabla function fixtures in `Tests/Fixtures/functions` (made by
/// `scripts/make-function-fixtures.py` with the real nnabla 1.39): per case, the `.nnp` nnabla
/// saved, and a `.bin` with the executor's inputs then nnabla's outputs (little-endian float32).
///
///     for c in try FunctionFixtures.cases(function: "PReLU") {
///       let model = c.modelPath                       // the .nnp, executor "runtime"
///       let (inputs, expected) = try FunctionFixtures.tensors(c)
///       …
///     }
public enum FunctionFixtures {
  /// `Tests/Fixtures/functions`, relative to `Tests/Fixtures`.
  public static let directory = "functions"

  public struct Manifest: Decodable, Sendable {
    /// nnabla's version, e.g. "1.39.0".
    public var nnabla: String
    /// One-function (or one-function-plus-parameters) networks.
    public var cases: [FunctionFixture]
    /// Sony's sample projects rebuilt with nnabla's API (`samples/<name>`).
    public var samples: [FunctionFixture]
  }

  /// The whole manifest, read once.
  public static func manifest() throws -> Manifest {
    try cachedManifest.get()
  }

  private static let cachedManifest: Result<Manifest, any Error> = Result {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(directory)/manifest.json")))
    return try JSONDecoder().decode(Manifest.self, from: data)
  }

  /// The cases of one nnabla function type ("PReLU", "LSTM", …), or all of them.
  public static func cases(function: String? = nil) throws -> [FunctionFixture] {
    let all = try manifest().cases
    return function.map { f in all.filter { $0.function == f } } ?? all
  }

  public static func samples() throws -> [FunctionFixture] {
    try manifest().samples
  }

  /// One case or sample by name.
  public static func fixture(named name: String) throws -> FunctionFixture {
    let m = try manifest()
    guard let c = (m.cases + m.samples).first(where: { $0.name == name }) else {
      throw FixtureError("no function fixture named \(name)")
    }
    return c
  }

  /// The case's data inputs and nnabla's outputs, in manifest order, shaped as the manifest says.
  /// Throws when the `.bin` holds more or fewer floats than the shapes add up to.
  public static func tensors(_ c: FunctionFixture) throws -> (inputs: [FloatTensor], outputs: [FloatTensor]) {
    let floats = try Fixtures.floats("\(directory)/\(c.stem).bin")
    var offset = 0
    func take(_ t: FunctionFixture.Tensor) throws -> FloatTensor {
      let n = t.count
      guard offset + n <= floats.count else {
        throw FixtureError("\(c.stem).bin: \(floats.count) floats, too few for \(t.name) \(t.shape)")
      }
      defer { offset += n }
      return FloatTensor(shape: t.shape, values: Array(floats[offset..<(offset + n)]))
    }
    let inputs = try c.inputs.map(take)
    let outputs = try c.outputs.map(take)
    guard offset == floats.count else {
      throw FixtureError("\(c.stem).bin: \(floats.count) floats, the manifest's shapes add up to \(offset)")
    }
    return (inputs, outputs)
  }

  public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
  }
}

/// One entry of `Tests/Fixtures/functions/manifest.json`.
public struct FunctionFixture: Decodable, Sendable, CustomStringConvertible {
  public struct Tensor: Decodable, Sendable {
    /// The executor's variable name ("x", "x0", "y", "y1", …) or the parameter's name.
    public var name: String
    public var shape: [Int]
    public var count: Int { shape.reduce(1, *) }
  }

  /// How closely a port should match nnabla.
  public enum ToleranceClass: String, Decodable, Sendable {
    /// IEEE basic operations and copies: bit for bit.
    case exact
    /// Sums of products (reductions, pooling, convolution, matmul): the order of additions differs.
    case sum
    /// exp / log / tanh / pow based: a few ulp of a different libm.
    case libm
    /// A sample network: several of the above chained.
    case network
  }

  public var name: String
  /// nnabla's function type name ("PReLU", "Interpolate"; "clip_by_value" for that Python helper,
  /// which writes two functions); for a sample, "network".
  public var function: String
  /// The keyword arguments given to nnabla's Python function (nnabla's argument names, e.g.
  /// `base_axis`, `keepdims`, `ignore_border`). The `.nnp` omits those at proto3's zero value.
  public var attrs: [String: FixtureValue]
  /// Data inputs, in the executor's (and the `.bin`'s) order.
  public var inputs: [Tensor]
  /// nnabla's outputs, in the executor's (and the `.bin`'s) order.
  public var outputs: [Tensor]
  /// Parameters stored in the `.nnp` only.
  public var parameters: [Tensor]
  /// Unrolled (NNC-form) samples only: the executor's generator variables (Delay initial values,
  /// constant 0), not in the `.bin`; the runner must fill them with zeros.
  public var generators: [Tensor]?
  /// `<stem>.nnp` and `<stem>.bin`, relative to `Tests/Fixtures/functions` (samples: `samples/<name>`).
  public var stem: String
  public var toleranceClass: ToleranceClass
  public var note: String?

  enum CodingKeys: String, CodingKey {
    case name, function, attrs, inputs, outputs, parameters, generators, stem, note
    case toleranceClass = "tolerance_class"
  }

  /// The `.nnp` path (network "net", executor "runtime").
  public var modelPath: String { Fixtures.path("\(FunctionFixtures.directory)/\(stem).nnp") }

  public var description: String { name }
}

/// A JSON attribute value as the manifest stores it.
public enum FixtureValue: Decodable, Sendable, Equatable, CustomStringConvertible {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([FixtureValue])

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let d = try? c.decode(Double.self) {
      self = .number(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else {
      self = .array(try c.decode([FixtureValue].self))
    }
  }

  public var int: Int? { if case .number(let d) = self, let i = Int(exactly: d) { return i } else { return nil } }
  public var double: Double? { if case .number(let d) = self { return d } else { return nil } }
  public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
  public var string: String? { if case .string(let s) = self { return s } else { return nil } }
  /// A list of integers (`axes`, `pad`); a single integer reads as a one-element list.
  public var ints: [Int]? {
    switch self {
    case .array(let a): let i = a.compactMap(\.int); return i.count == a.count ? i : nil
    case .number: return int.map { [$0] }
    default: return nil
    }
  }
  public var doubles: [Double]? {
    if case .array(let a) = self { let d = a.compactMap(\.double); return d.count == a.count ? d : nil }
    return double.map { [$0] }
  }

  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let b): "\(b)"
    case .number(let d): "\(d)"
    case .string(let s): "\"\(s)\""
    case .array(let a): "[\(a.map(\.description).joined(separator: ", "))]"
    }
  }
}
