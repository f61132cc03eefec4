/// A one-function nnabla model written as `.nntxt` text with its parameters inline, for tests that
/// need a small (often hostile) graph without a fixture file: `x` → function `f1` → `y`.
///
///     InlineModel(function: "Convolution", param: "convolution_param { stride { dim: 0 dim: 1 } }",
///                 parameters: [("W", [2, 1, 3, 3], Array(repeating: "0.5", count: 18))]).text
public struct InlineModel: Sendable {
  public var function: String
  /// The function's `<snake>_param { … }` text, or "".
  public var param: String
  /// The declared input shape (a leading -1 is the batch).
  public var input: [Int]
  /// Parameter inputs after `x`, in order: name, shape and values as protobuf text (`nan`, `3e38`).
  public var parameters: [(name: String, shape: [Int], values: [String])]
  /// Declared output variables of the executor (default: `y`).
  public var outputs: [String]

  public init(
    function: String, param: String = "", input: [Int] = [-1, 1, 4, 4],
    parameters: [(name: String, shape: [Int], values: [String])] = [], outputs: [String] = ["y"]
  ) {
    self.function = function
    self.param = param
    self.input = input
    self.parameters = parameters
    self.outputs = outputs
  }

  /// A Convolution of a 1×4×4 input by `weights` ([2, 1, 3, 3] of 0.5 unless given).
  public static func convolution(_ param: String = "", weights: [String] = Array(repeating: "0.5", count: 18), outChannels: Int = 2) -> InlineModel {
    InlineModel(function: "Convolution", param: "convolution_param { \(explicit(param, ["base_axis": "1", "group": "1"])) }", parameters: [("W", [outChannels, 1, 3, 3], weights)])
  }

  /// `param` plus the scalar fields nnabla's writer always writes (base_axis: 1, group: 1, …) that
  /// `param` does not set: nnabla.proto is proto3, so an absent one would mean 0, not the default.
  public static func explicit(_ param: String, _ fields: KeyValuePairs<String, String>) -> String {
    ([param] + fields.filter { !param.contains("\($0.key):") }.map { "\($0.key): \($0.value)" }).joined(separator: " ")
  }

  static func shape(_ dims: [Int]) -> String { "shape { \(dims.map { "dim: \($0)" }.joined(separator: " ")) }" }

  public var text: String {
    let parameterVariables = parameters.map { "  variable { name: \"\($0.name)\" type: \"Parameter\" \(Self.shape($0.shape)) }\n" }.joined()
    let parameterInputs = parameters.map { " input: \"\($0.name)\"" }.joined()
    let parameterValues = parameters.map { p in
      "parameter { variable_name: \"\(p.name)\" \(Self.shape(p.shape)) \(p.values.map { "data: \($0)" }.joined(separator: " ")) }\n"
    }.joined()
    let outputVariables = outputs.map { " output_variable { variable_name: \"\($0)\" data_name: \"\($0)\" }" }.joined()
    return """
      network {
        name: "net"
        variable { name: "x" type: "Buffer" \(Self.shape(input)) }
      \(parameterVariables)  variable { name: "y" type: "Buffer" }
        function { name: "f1" type: "\(function)" input: "x"\(parameterInputs) output: "y" \(param) }
      }
      \(parameterValues)executor { name: "runtime" network_name: "net" data_variable { variable_name: "x" data_name: "x" }\(outputVariables) }

      """
  }
}
