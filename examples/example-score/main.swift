// example-score: the numbers the training examples' READMEs report, for a trained .nnp compiled
// int8 the way `nncompile --target cortex-m4f --calibrate …` compiles it.
//
//   swift run example-score classify <trained.nnp> --calibrate <csv> <test.csv>
//     top-1 accuracy against the CSV's `y` of the float model and of the int8 model, and their
//     top-1 agreement (a single output, a sigmoid, is class 1 when ≥ 0.5)
//   swift run example-score anomaly <trained.nnp> --calibrate <csv> <seen.csv> <unseen.csv>
//     per image the mean squared reconstruction error (output − input); its mean on seen and
//     unseen samples and the AUROC of the error as a score for "unseen", float and int8
//
// The int8 numbers come from the Swift int8 reference, which `nncompile verify` checks is
// byte-identical to the generated C at every step, so they are the C's numbers.
import Foundation
import NNCompileKit

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("example-score: error: \(message)\n".utf8))
  exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
guard let i = args.firstIndex(of: "--calibrate"), i + 1 < args.count else { fail("missing '--calibrate <csv>'") }
let calibration = args[i + 1]
args.removeSubrange(i...(i + 1))
guard args.count >= 3, ["classify", "anomaly"].contains(args[0]) else {
  fail("usage: example-score classify|anomaly <trained.nnp> --calibrate <csv> <data.csv> [<unseen.csv>]")
}
let (mode, model, data) = (args[0], args[1], Array(args.dropFirst(2)))

/// Float and int8 outputs (the first output, flattened) and the inputs of every sample of `csv`.
struct Scored {
  var inputs: [[Float]] = []
  var float: [[Float]] = []
  var int8: [[Float]] = []
}

do {
  let compilation = try Driver.compile(
    modelPath: model,
    options: CompileOptions(target: try TargetDescription.named("cortex-m4f"), quantization: "int8", calibrationData: calibration))
  guard let program = compilation.program else { fail("\(model): the compile made no int8 program") }
  let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
  func score(_ csv: String) throws -> Scored {
    var s = Scored()
    for sample in try loader.load(path: csv) {
      s.inputs.append(sample.flatMap(\.values))
      s.float.append(FloatInterpreter.run(compilation.model.graph, inputs: sample)[0].values)
      s.int8.append(Int8ProgramInterpreter.run(program, inputs: sample)[0].values)
    }
    return s
  }
  func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.2f%% (%d/%d)", 100 * Double(part) / Double(whole), part, whole) }

  if mode == "classify" {
    let s = try score(data[0])
    guard let y = try Dataset.loadCSV(path: data[0]).gather(Array(0..<s.float.count))["y"] else { fail("\(data[0]): no 'y' column") }
    func top1(_ row: [Float]) -> Int { row.count == 1 ? (row[0] >= 0.5 ? 1 : 0) : row.firstIndex(of: row.max()!)! }
    let labels = y.values.map { Int($0) }
    let floatTop1 = s.float.map(top1), int8Top1 = s.int8.map(top1)
    print("\(data[0]): \(labels.count) samples")
    print("  float accuracy          \(percent(zip(floatTop1, labels).filter { $0 == $1 }.count, labels.count))")
    print("  int8 accuracy           \(percent(zip(int8Top1, labels).filter { $0 == $1 }.count, labels.count))")
    print("  int8 vs float top-1     \(percent(zip(int8Top1, floatTop1).filter { $0 == $1 }.count, labels.count))")
  } else {
    guard data.count == 2 else { fail("anomaly takes <seen.csv> <unseen.csv>") }
    let seen = try score(data[0]), unseen = try score(data[1])
    func errors(_ s: Scored, _ out: KeyPath<Scored, [[Float]]>) -> [Double] {
      zip(s.inputs, s[keyPath: out]).map { (x: [Float], r: [Float]) -> Double in
        var sum = 0.0
        for (a, b) in zip(x, r) { sum += Double((b - a) * (b - a)) }
        return sum / Double(x.count)
      }
    }
    /// The probability that an unseen sample scores above a seen one (ties count ½).
    func auroc(_ negatives: [Double], _ positives: [Double]) -> Double {
      var wins = 0.0
      for p in positives { for n in negatives { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
      return wins / Double(positives.count * negatives.count)
    }
    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    print("reconstruction error (mean squared, per image): seen \(data[0]) (\(seen.inputs.count)), unseen \(data[1]) (\(unseen.inputs.count))")
    for (name, out) in [("float", \Scored.float), ("int8", \Scored.int8)] {
      let a = errors(seen, out), b = errors(unseen, out)
      print(String(format: "  %-5@  mean seen %.5f  mean unseen %.5f  ratio %.2f  AUROC %.4f", name, mean(a), mean(b), mean(b) / mean(a), auroc(a, b)))
    }
  }
} catch {
  // The library's errors already name the file and say "error:".
  FileHandle.standardError.write(Data("\(error)\n".utf8))
  exit(1)
}
