import NNCompileKit

enum InfoCommand: Subcommand {
  static let name = "info"
  static let usage = "nncompile info <model.nnp|model.onnx> [--executor <name>]\n       nncompile info --functions [--markdown]"
  static let help = """
    OVERVIEW: Show a model's networks, inputs and outputs, and each layer's output shape, parameter count and multiply-adds;
    or, with --functions, which of nnabla's functions nncompile compiles (float32 C, int8, training).

    USAGE: \(usage)
    """

  static func run(_ args: [String]) throws -> Int32 {
    let a = try Arguments(args, options: ["executor"], flags: ["functions", "markdown"])
    if a.flag("functions") {
      print(a.flag("markdown") ? SupportTable.markdown : SupportTable.text, terminator: a.flag("markdown") ? "\n" : "")
      return 0
    }
    let path = try a.model()
    let model = try ModelLoader.load(path: path, executor: a.value("executor"))
    Driver.warnings(model, modelPath: path).forEach(printError)
    print(ModelInfo.text(model, file: path), terminator: "")
    return 0
  }
}
