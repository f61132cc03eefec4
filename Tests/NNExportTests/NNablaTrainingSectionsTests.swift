import NNExport
import NNFormats
import Testing

/// The training sections read exactly as Neural Network Console writes them (compare
/// `Tests/Fixtures/real/nnc_result2.nnp`'s `network.prototxt`); nnabla's loader links the ones
/// in `export/iris_mlp.sections.nnp` (see `NNPRoundTripTests`).
@Suite struct NNablaTrainingSectionsTests {
  @Test func optimizer_adamAsNNCWritesIt() {
    let o = NNablaTrainingSections.optimizer(
      network: "Main", dataset: "Training", solver: .adam(), data: [("Input", "x")], loss: "Loss", parameters: ["fc/W"])
    #expect(o.formatted() == """
      name: "Optimizer"
      update_interval: 1
      network_name: "Main"
      dataset_name: "Training"
      solver {
        type: "Adam"
        weight_decay: 0.0
        lr_decay: 1.0
        lr_decay_interval: 1
        adam_param {
          alpha: 0.001
          beta1: 0.9
          beta2: 0.999
          eps: 1e-08
        }
      }
      data_variable {
        variable_name: "Input"
        data_name: "x"
      }
      loss_variable {
        variable_name: "Loss"
      }
      parameter_variable {
        variable_name: "fc/W"
        learning_rate_multiplier: 1.0
      }

      """)
  }

  @Test func sgdAndMomentum_useNNablasParamNames() {
    let sgd = NNablaTrainingSections.optimizer(
      network: "Main", dataset: "T", solver: .sgd(lr: 0.1), data: [], loss: "L", parameters: [])
    #expect(sgd.message("solver")?.message("sgd_param")?.formatted() == "lr: 0.1\n")
    let momentum = NNablaTrainingSections.optimizer(
      network: "Main", dataset: "T", solver: .momentum(lr: 0.01), data: [], loss: "L", parameters: [])
    #expect(momentum.message("solver")?.message("momentum_param")?.formatted() == "lr: 0.01\nmomentum: 0.9\n")
  }
}
