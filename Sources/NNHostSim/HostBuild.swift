import Foundation
import NNIR

/// Builds generated C with the host compiler and runs it: the simulator `verify` and the parity
/// tests use, so what is checked is exactly the code a user ships.
public struct HostModel: Sendable {
  public let executable: URL
  let inputSizes: [Int]
  let outputShapes: [[Int]]

  /// The C compiler (`$CC`, else `cc`) and the flags the generated code must be clean under.
  public static var compiler: String { ProcessInfo.processInfo.environment["CC"] ?? "cc" }
  public static let strictFlags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic"]

  /// Compiles every `.c` in `sourceDirectory` plus a small stdin/stdout harness into `workDirectory`.
  /// `trace`: build with `-DNNC_TRACE` so every step's output bytes are written to a file
  /// (int8 models; see `runTraced`).
  /// `compiler` and `extraFlags` let a test build the same C another way (clang with sanitizers).
  public static func build(
    sourceDirectory: URL, prefix: String, graph: ModelGraph, workDirectory: URL, trace: Bool = false,
    compiler: String = HostModel.compiler, extraFlags: [String] = []
  ) throws -> HostModel {
    try build(
      sourceDirectory: sourceDirectory, prefix: prefix, inputSizes: graph.inputs.map { graph.tensors[$0].elementCount },
      outputShapes: graph.outputs.map { graph.tensors[$0].shape }, workDirectory: workDirectory, trace: trace,
      compiler: compiler, extraFlags: extraFlags)
  }

  public static func build(
    sourceDirectory: URL, prefix: String, inputSizes: [Int], outputShapes: [[Int]], workDirectory: URL, trace: Bool = false,
    compiler: String = HostModel.compiler, extraFlags: [String] = []
  ) throws -> HostModel {
    let harness = workDirectory.appendingPathComponent("nncompile_harness.c")
    try HarnessSource.text(prefix: prefix, inputSizes: inputSizes, outputSizes: outputShapes.map { $0.reduce(1, *) }, trace: trace)
      .write(to: harness, atomically: true, encoding: .utf8)
    let sources = try FileManager.default.contentsOfDirectory(atPath: sourceDirectory.path)
      .filter { $0.hasSuffix(".c") }.sorted().map { sourceDirectory.appendingPathComponent($0).path }
    let exe = workDirectory.appendingPathComponent("\(prefix)_host")
    let args = strictFlags + extraFlags + (trace ? ["-DNNC_TRACE"] : []) + ["-I", sourceDirectory.path] + sources + [harness.path, "-lm", "-o", exe.path]
    let result = try ProcessRunner.run(compiler, args)
    guard result.status == 0 else {
      throw HostSimError("host C compiler (\(compiler)) failed:\n\(result.stderr)")
    }
    return HostModel(executable: exe, inputSizes: inputSizes, outputShapes: outputShapes)
  }

  /// Runs the compiled model on each sample (one tensor per model input) and returns its outputs.
  public func run(_ samples: [[FloatTensor]]) throws -> [[FloatTensor]] {
    try run(samples, arguments: [])
  }

  /// Runs a model built with `trace: true`: the outputs, and per sample every step's output bytes
  /// in step order.
  public func runTraced(_ samples: [[FloatTensor]], workDirectory: URL) throws -> (outputs: [[FloatTensor]], steps: [[[UInt8]]]) {
    let traceFile = workDirectory.appendingPathComponent("trace.bin")
    let outputs = try run(samples, arguments: [traceFile.path])
    return (outputs, try TraceFile.parse([UInt8](try Data(contentsOf: traceFile))))
  }


  func run(_ samples: [[FloatTensor]], arguments: [String]) throws -> [[FloatTensor]] {
    var input: [Float] = []
    for sample in samples {
      precondition(sample.map(\.count) == inputSizes, "sample sizes \(sample.map(\.count)) != \(inputSizes)")
      for t in sample { input += t.values }
    }
    let bytes = input.withUnsafeBytes { Data($0) }
    let result = try ProcessRunner.run(executable.path, arguments, stdin: bytes)
    guard result.status == 0 else {
      throw HostSimError("the compiled model exited with status \(result.status): \(result.stderr)")
    }
    let outputSizes = outputShapes.map { $0.reduce(1, *) }
    let perSample = outputSizes.reduce(0, +)
    let floats: [Float] = result.stdout.withUnsafeBytes { raw in
      Array(raw.bindMemory(to: Float.self))
    }
    guard floats.count == perSample * samples.count else {
      throw HostSimError("the compiled model wrote \(floats.count) floats, expected \(perSample * samples.count)")
    }
    var outputs: [[FloatTensor]] = []
    var offset = 0
    for _ in samples {
      var sampleOutputs: [FloatTensor] = []
      for (shape, size) in zip(outputShapes, outputSizes) {
        sampleOutputs.append(FloatTensor(shape: shape, values: Array(floats[offset..<offset + size])))
        offset += size
      }
      outputs.append(sampleOutputs)
    }
    return outputs
  }
}

/// The file the `nnc_trace` hook writes: `int32 step, int32 bytes, bytes…` records, little-endian.
public enum TraceFile {
  /// Per sample (each starts at step 0), every step's output bytes in step order.
  public static func parse(_ data: [UInt8]) throws -> [[[UInt8]]] {
    var entries: [(step: Int, bytes: [UInt8])] = []
    var i = 0
    func int32() -> Int {
      defer { i += 4 }
      return Int(Int32(bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24))
    }
    while i + 8 <= data.count {
      let step = int32(), count = int32()
      guard count >= 0, i + count <= data.count else { throw HostSimError("the trace file is truncated") }
      entries.append((step, Array(data[i..<i + count])))
      i += count
    }
    var perSample: [[[UInt8]]] = []
    for e in entries {
      if e.step == 0 { perSample.append([]) }
      guard !perSample.isEmpty else { throw HostSimError("the trace does not start at step 0") }
      perSample[perSample.count - 1].append(e.bytes)
    }
    return perSample
  }
}

public struct HostSimError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// The `main` linked with the generated code for host runs: float32 samples on stdin, outputs on stdout.
public enum HarnessSource {
  /// The C hook `-DNNC_TRACE` builds call after every step: writes one record of the format
  /// `TraceFile.parse` reads (int32 step, int32 byte count, the bytes) to `trace_file`, if open.
  /// Every harness (host and emulated) links this one writer.
  public static let traceWriter = """
    static FILE *trace_file;
    void nnc_trace(int32_t step, const void *data, int32_t bytes);
    void nnc_trace(int32_t step, const void *data, int32_t bytes) {
      int32_t header[2];
      header[0] = step;
      header[1] = bytes;
      if (!trace_file) return;
      fwrite(header, sizeof(header), 1, trace_file);
      fwrite(data, 1, (size_t)bytes, trace_file);
    }

    """

  static func text(prefix: String, inputSizes: [Int], outputSizes: [Int], trace: Bool) -> String {
    let nIn = inputSizes.count, nOut = outputSizes.count
    let traceCode = trace ? traceWriter : ""
    return """
      /* Host harness generated by nncompile verify: reads float32 samples from stdin, writes outputs. */
      #include <stdio.h>
      #include <stdint.h>
      #include "\(prefix).h"

      static float in_buf[\(max(inputSizes.reduce(0, +), 1))];
      static float out_buf[\(max(outputSizes.reduce(0, +), 1))];
      static const long in_sizes[\(max(nIn, 1))] = {\(inputSizes.map(String.init).joined(separator: ", "))\(nIn == 0 ? "0" : "")};
      static const long out_sizes[\(max(nOut, 1))] = {\(outputSizes.map(String.init).joined(separator: ", "))\(nOut == 0 ? "0" : "")};
      \(traceCode)
      int main(int argc, char **argv) {
        const float *inputs[\(max(nIn, 1))];
        float *outputs[\(max(nOut, 1))];
        long total_in = 0, total_out = 0;
        int k;
        \(trace ? "if (argc > 1) trace_file = fopen(argv[1], \"wb\");" : "(void)argc;")
        (void)argv;
        for (k = 0; k < \(nIn); k++) { inputs[k] = in_buf + total_in; total_in += in_sizes[k]; }
        for (k = 0; k < \(nOut); k++) { outputs[k] = out_buf + total_out; total_out += out_sizes[k]; }
        while (fread(in_buf, sizeof(float), (size_t)total_in, stdin) == (size_t)total_in) {
          if (\(prefix)_run_multi(inputs, outputs) != 0) return 2;
          if (fwrite(out_buf, sizeof(float), (size_t)total_out, stdout) != (size_t)total_out) return 3;
        }
        \(trace ? "if (trace_file) fclose(trace_file);" : "")
        return 0;
      }

      """
  }
}
