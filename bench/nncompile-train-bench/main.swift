import Foundation
import NNIR
import NNImport
import NNTrain

// Training speed of nncompile's Swift trainer: images/second for LeNet-style training (batch 64,
// 28×28 digits, Adam), the network of Tests/Fixtures/nnabla/train_lenet/net.nntxt.
// Usage: nncompile-train-bench [steps] [repository root]   (run a release build; see bench/train-speed.sh)
let arguments = CommandLine.arguments
let steps = arguments.count > 1 ? Int(arguments[1]) ?? 30 : 30
let root = arguments.count > 2 ? arguments[2] : FileManager.default.currentDirectoryPath
let batchSize = 64

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("nncompile-train-bench: \(message)\n".utf8))
  exit(1)
}

let netPath = root + "/Tests/Fixtures/nnabla/train_lenet/net.nntxt"
guard let text = try? String(contentsOfFile: netPath, encoding: .utf8) else { fail("cannot read \(netPath)") }
guard let inputData = FileManager.default.contents(atPath: root + "/Tests/Fixtures/nnabla/digits_lenet/test_inputs.bin"),
  let labelData = FileManager.default.contents(atPath: root + "/Tests/Fixtures/nnabla/digits_lenet/test_labels.bin")
else { fail("cannot read the digits fixture under \(root)/Tests/Fixtures/nnabla/digits_lenet") }
let images: [Float] = inputData.withUnsafeBytes { raw in
  (0..<(inputData.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
}
let labels = [UInt8](labelData).map(Float.init)
let samples = labels.count

do {
  let graph = try NNablaImporter.importTrainingText(text)
  var trainer = try Trainer(graph: graph, optimizer: OptimizerSettings(), seed: 1)
  func batch(_ step: Int) -> [String: FloatTensor] {
    let rows = (0..<batchSize).map { (step * batchSize + $0) % samples }
    return [
      "x": FloatTensor(shape: [batchSize, 1, 28, 28], values: rows.flatMap { images[($0 * 784)..<($0 * 784 + 784)] }),
      "y": FloatTensor(shape: [batchSize, 1], values: rows.map { labels[$0] }),
    ]
  }
  let batches = (0..<steps).map(batch)
  _ = try trainer.step(batch: batches[0])  // warm-up (allocations, batched graph)
  let start = Date()
  var loss: Float = 0
  for b in batches { loss = try trainer.step(batch: b) }
  let seconds = Date().timeIntervalSince(start)
  print(String(format: "nncompile LeNet training: %d steps of batch %d in %.3f s = %.1f images/s (last loss %.4f, %d cores)",
               steps, batchSize, seconds, Double(steps * batchSize) / seconds, loss, ProcessInfo.processInfo.activeProcessorCount))
} catch {
  fail("\(error)")
}
