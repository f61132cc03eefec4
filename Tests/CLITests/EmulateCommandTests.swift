import Foundation
import Testing
import _NNTestSupport

/// `verify --emulate` without its tools: one line naming them and the apt command, exit 1,
/// before any compile work.
@Suite struct EmulateCommandTests {
  @Test func missingCrossCompiler_printsTheInstallLine() throws {
    let dir = try Fixtures.temporaryDirectory("emu-cli")
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("m4-elsewhere.json")
    try """
      {"name": "m4-elsewhere", "description": "a Cortex-M4F whose cross compiler is not installed", "cpu": "cortex-m4",
       "clockHz": 156000000, "ramBytes": 1572864, "flashBytes": 8388608, "fpu": "fpv4-sp-d16", "dsp": true,
       "defaultQuantization": "float32", "crossCompiler": "no-such-gcc", "crossFlags": ["-mcpu=cortex-m4"]}
      """.write(to: target, atomically: true, encoding: .utf8)
    let r = try CLI.run([
      "verify", Fixtures.path("nnabla/iris_mlp/model.nnp"), "--target", target.path, "--input", Fixtures.path("nnabla/iris_mlp/inputs.bin"),
      "--emulate",
    ])
    #expect(r.status == 1)
    #expect(r.stdout == "")
    #expect(
      r.stderr
        == "nncompile: error: --emulate needs no-such-gcc, no-such-objdump, which are not installed: apt-get install -y --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm\n"
    )
  }

  @Test func hostTarget_isRefusedWithOneLine() throws {
    let r = try CLI.run([
      "verify", Fixtures.path("nnabla/iris_mlp/model.nnp"), "--target", "host", "--input", Fixtures.path("nnabla/iris_mlp/inputs.bin"), "--emulate",
    ])
    #expect(r.status == 1)
    #expect(r.stderr == "nncompile: error: --emulate runs the code on an emulated Cortex-M4F; target 'host' is 'host': use --target cortex-m4f\n")
  }
}
