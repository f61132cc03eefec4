import Foundation

/// A model too big for SPRESENSE's RAM, for the fit-check tests.
public enum FitCheckFixture {
  /// One 3×3 convolution from a 256×256 image to 8 channels: 2,097,152 bytes of float output
  /// (more than SPRESENSE's 1.5 MB), 72 weights.
  public static let bigActivation = """
    network {
      name: "big"
      batch_size: 1
      variable { name: "x" type: "Buffer" shape { dim: -1 dim: 1 dim: 256 dim: 256 } }
      variable { name: "conv/W" type: "Parameter" shape { dim: 8 dim: 1 dim: 3 dim: 3 } }
      variable { name: "y" type: "Buffer" shape { dim: -1 dim: 8 dim: 256 dim: 256 } }
      function {
        name: "conv" type: "Convolution" input: "x" input: "conv/W" output: "y"
        convolution_param { base_axis: 1 pad { dim: 1 dim: 1 } stride { dim: 1 dim: 1 } dilation { dim: 1 dim: 1 } group: 1 }
      }
    }
    parameter {
      variable_name: "conv/W" shape { dim: 8 dim: 1 dim: 3 dim: 3 }
      \((0..<72).map { _ in "data: 0.125" }.joined(separator: " "))
    }
    executor {
      name: "runtime" network_name: "big"
      data_variable { variable_name: "x" data_name: "x" }
      output_variable { variable_name: "y" data_name: "y" }
    }

    """

  public static func writeBigModel() throws -> (dir: URL, model: String) {
    let dir = try Fixtures.temporaryDirectory("fit")
    let model = dir.appendingPathComponent("big.nntxt")
    try Data(bigActivation.utf8).write(to: model)
    return (dir, model.path)
  }
}
