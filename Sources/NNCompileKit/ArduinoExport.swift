import Foundation
import NNCodegen

extension Driver {
  /// The compilation as an Arduino library folder (`--format arduino`): `library.properties`,
  /// the files of `out/` under `src/`, and an example sketch that runs one bundled input.
  ///
  /// The bundled input is, in order of preference: the first sample of `exampleInput` (anything
  /// `verify --input` reads), the first calibration sample, or zeros (the header says which).
  public static func arduinoLibrary(_ compilation: Compilation, exampleInput: String? = nil) throws -> [(name: String, contents: String)] {
    let graph = compilation.model.graph
    let port = { (t: Int) in ArduinoLibrary.Port(name: graph.tensors[t].name, shape: graph.tensors[t].shape) }
    let library = ArduinoLibrary(
      prefix: compilation.options.prefix, inputs: graph.inputs.map(port), outputs: graph.outputs.map(port),
      sourceName: URL(fileURLWithPath: compilation.modelPath).lastPathComponent, toolVersion: nncompileVersion,
      quantization: compilation.options.quantization, arenaBytes: compilation.code.plan.arenaBytes)
    return library.files(model: compilation.code.files, example: try example(for: compilation, path: exampleInput))
  }

  static func example(for compilation: Compilation, path: String?) throws -> ArduinoLibrary.ExampleInput {
    let loader = InputLoader(graph: compilation.model.graph, normalizeImages: compilation.normalizeImages)
    let file: String, role: String
    if let path {
      (file, role) = (path, "")
    } else if let data = compilation.options.calibrationData {
      (file, role) = (data, "calibration data ")
    } else {
      return .init(values: [], origin: "zeros: no --example-input was given and the model was not calibrated on data")
    }
    let samples = try loader.load(path: file)
    guard let first = samples.first else { throw CompileError(file: file, "error: holds no sample to bundle with the example sketch") }
    let name = URL(fileURLWithPath: file).lastPathComponent
    let origin = samples.count == 1 ? "\(role)\(name)" : "the first of the \(samples.count) samples in \(role)\(name)"
    return .init(values: first.map(\.values), origin: origin)
  }
}
