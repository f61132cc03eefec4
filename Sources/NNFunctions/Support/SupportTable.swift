import NNIR

/// What nncompile does with each of nnabla's functions: the data of `nncompile info --functions`
/// and of the README's support table (both written from here, so they cannot disagree).
public enum SupportTable {
  /// How the int8 path runs a function.
  public enum Int8Kind: String, Sendable {
    /// Its own int8 kernel (convolution, affine, pooling, add, PReLU, …).
    case kernel = "int8"
    /// A 256-entry lookup table of the input codes.
    case table = "int8 table"
    /// Moves int8 codes unchanged (reshape, slice, split, max, …).
    case dataMovement = "int8 move"
    /// Folded into the layer before it (BatchNormalization).
    case folded = "folded"
    /// Rewritten into ops that each have their own int8 path.
    case expanded = "expanded"
    /// Runs in float between a dequantize and a quantize.
    case float = "float"
    case none = "-"
  }

  public struct Row: Sendable {
    public var category: String
    public var name: String
    public var imported: Bool
    public var floatC: Bool
    public var int8: Int8Kind
    public var trainable: Bool
  }

  /// One row per nnabla function, in `functions.yaml` order.
  public static var rows: [Row] {
    NNablaFunctionList.all.map { e in
      if let core = coreOps[e.name] {
        return Row(category: e.category, name: e.name, imported: true, floatC: true, int8: core.int8, trainable: core.trainable)
      }
      guard let type = FunctionRegistry.byName[e.name] else {
        return Row(category: e.category, name: e.name, imported: false, floatC: false, int8: .none, trainable: false)
      }
      let probe = try? type.init(ProbeAttributes(), inputShapes: [[1, 4, 4, 4], [1, 4, 4, 4], [1, 4, 4, 4]])
      let int8: Int8Kind
      if type.alwaysExpands {
        int8 = .expanded
      } else {
        switch type.usualInt8 ?? probe?.int8 {
        case .table?: int8 = .table
        case .dataMovement?: int8 = .dataMovement
        case .custom?: int8 = .kernel
        case .float?, nil: int8 = .float
        }
      }
      return Row(category: e.category, name: e.name, imported: true, floatC: true, int8: int8, trainable: probe?.isTrainable ?? false)
    }
  }

  /// The core ops (`Op` cases): each stage has its own code for them.
  static let coreOps: [String: (int8: Int8Kind, trainable: Bool)] = [
    "Affine": (.kernel, true), "Convolution": (.kernel, true), "DepthwiseConvolution": (.kernel, true),
    "Deconvolution": (.float, true), "BatchNormalization": (.folded, true),
    "MaxPooling": (.kernel, true), "AveragePooling": (.kernel, true), "SumPooling": (.kernel, true),
    "GlobalAveragePooling": (.kernel, true),
    "ReLU": (.kernel, true), "ReLU6": (.kernel, true), "LeakyReLU": (.table, true), "ELU": (.table, true),
    "Sigmoid": (.table, true), "Tanh": (.table, true), "Swish": (.table, true), "Softmax": (.kernel, true),
    "Add2": (.kernel, true), "Sub2": (.kernel, true), "Mul2": (.kernel, true), "Div2": (.float, true),
    "AddScalar": (.table, true), "MulScalar": (.kernel, true),
    "Concatenate": (.kernel, true), "Reshape": (.dataMovement, true), "Transpose": (.dataMovement, true),
    "Slice": (.dataMovement, true), "Pad": (.dataMovement, true), "Dropout": (.dataMovement, true),
    "Identity": (.dataMovement, true),
  ]

  /// The functions Sony's nnabla-c-runtime runs (its `doc/SUPPORT_STATUS.md`): the checklist of
  /// issue 12.
  public static let sonyCRuntime: [String] = [
    "Affine", "Convolution", "DepthwiseConvolution", "Deconvolution", "MaxPooling", "AveragePooling", "SumPooling", "Unpooling",
    "Sigmoid", "Swish", "Tanh", "ReLU", "LeakyReLU", "Softmax", "ELU", "SELU", "CReLU", "CELU", "PReLU",
    "BatchNormalization", "MeanSubtraction", "Sum",
    "Add2", "Sub2", "Mul2", "Div2", "Pow2", "AddScalar", "MulScalar", "PowScalar", "RSubScalar", "RDivScalar", "RPowScalar",
    "Sign", "Minimum2", "Maximum2", "MinimumScalar", "MaximumScalar",
    "Abs", "Exp", "Log", "Identity", "BatchMatmul", "Round",
    "Concatenate", "Split", "Stack", "Slice", "Pad", "Transpose", "Flip", "Shift", "Reshape", "MatrixDiag", "MatrixDiagPart",
    "Dropout",
    "BinarySigmoid", "BinaryTanh", "BinaryConnectAffine", "BinaryConnectConvolution", "BinaryWeightAffine", "BinaryWeightConvolution",
  ]

  /// How to bring a model using `name` in anyway, where there is a way.
  public static func suggestion(for name: String) -> String? {
    switch name {
    case "FusedBatchNormalization": "export with separate BatchNormalization and ReLU"
    case "FusedConvolution": "export with a separate Convolution, BatchNormalization and activation"
    case "ReduceSum": "use Sum (ReduceSum is nnabla's deprecated name)"
    case "ReduceMean": "use Mean (ReduceMean is nnabla's deprecated name)"
    case "BcAdd2": "use Add2, which broadcasts"
    case "Sink", "Unlink": "a training-only function: export the inference (runtime) network"
    case "SigmoidCrossEntropy", "BinaryCrossEntropy", "SoftmaxCrossEntropy", "CategoricalCrossEntropy", "SquaredError",
      "AbsoluteError", "HuberLoss", "EpsilonInsensitiveLoss", "KLMultinomial", "TopNError", "BinaryError":
      "a loss: export the inference (runtime) network, or use `nncompile train`"
    case "ImageAugmentation", "RandomCrop", "RandomFlip", "RandomShift", "RandomErase":
      "data augmentation: export the inference (runtime) network, which has none"
    default: nil
    }
  }

  public struct Counts: Sendable, Equatable {
    public var total, imported, floatC, int8, trainable: Int
    /// Of Sony's C runtime's functions, how many nncompile compiles.
    public var sony, sonyTotal: Int
  }

  /// int8 counts every function with an integer path (kernel, table, moved codes, folded or
  /// expanded), not the float fallback.
  public static var counts: Counts {
    let r = rows
    let integer: Set<Int8Kind> = [.kernel, .table, .dataMovement, .folded, .expanded]
    return Counts(
      total: r.count, imported: r.filter(\.imported).count, floatC: r.filter(\.floatC).count,
      int8: r.filter { integer.contains($0.int8) }.count, trainable: r.filter(\.trainable).count,
      sony: r.filter { $0.imported && sonyCRuntime.contains($0.name) }.count, sonyTotal: sonyCRuntime.count)
  }

  /// The `nncompile info --functions` table: supported functions first, by category.
  public static var text: String {
    let c = counts
    var out = "nnabla functions: \(c.imported) of \(c.total) supported (float32 C \(c.floatC), int8 \(c.int8), training \(c.trainable)); Sony's C runtime's \(c.sonyTotal): \(c.sony)\n\n"
    let header = ["function", "category", "float32 C", "int8", "training"]
    let body = rows.filter(\.imported).map { [$0.name, $0.category, $0.floatC ? "yes" : "-", $0.int8.rawValue, $0.trainable ? "yes" : "-"] }
    let widths = header.indices.map { k in ([header] + body).map { $0[k].count }.max()! }
    func line(_ r: [String]) -> String {
      r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingTrailing()
    }
    out += ([line(header)] + body.map(line)).joined(separator: "\n") + "\n\n"
    let missing = rows.filter { !$0.imported }.map(\.name)
    out += "not supported (\(missing.count)): " + missing.joined(separator: ", ") + "\n"
    return out
  }

  /// The README's table (Markdown), between its `functions-table` markers.
  public static var markdown: String {
    let c = counts
    var lines = [
      "nncompile reads \(c.imported) of nnabla's \(c.total) functions: \(c.floatC) compile to float32 C, \(c.int8) run in int8 (own kernel, table, moved codes, folded or expanded), \(c.trainable) train; of the \(c.sonyTotal) that Sony's nnabla-c-runtime runs, \(c.sony). The same data as `nncompile info --functions`.",
      "",
      "| function | category | float32 C | int8 | training |",
      "|---|---|---|---|---|",
    ]
    for r in rows where r.imported {
      lines.append("| \(r.name) | \(r.category) | \(r.floatC ? "yes" : "–") | \(r.int8.rawValue) | \(r.trainable ? "yes" : "–") |")
    }
    let missing = rows.filter { !$0.imported }.map(\.name)
    lines += ["", "Not supported yet (\(missing.count)): " + missing.joined(separator: ", ") + "."]
    return lines.joined(separator: "\n")
  }
}

/// Attributes of a function read for the support table alone: every field absent.
struct ProbeAttributes: FunctionAttributeReader {
  func int(_ name: String) throws -> Int? { nil }
  func ints(_ name: String) throws -> [Int]? { nil }
  func double(_ name: String) throws -> Double? { nil }
  func doubles(_ name: String) throws -> [Double]? { nil }
  func bool(_ name: String) throws -> Bool? { nil }
  func string(_ name: String) throws -> String? { nil }
  func shape(_ name: String) throws -> [Int]? { nil }
}

extension String {
  fileprivate func trimmingTrailing() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
