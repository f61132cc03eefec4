import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

@testable import NNEmulation

/// A guest that faults ends the run with one clear error instead of hanging QEMU.
@Suite struct GuestFaultTests {
  @Test func busFault_isReportedAsAFault() throws {
    let toolchain = try Toolchain.locate()
    let work = try Fixtures.temporaryDirectory("emu-fault")
    defer { try? FileManager.default.removeItem(at: work) }
    let source = work.appendingPathComponent("fault.c")
    // 0xF0000000 is unmapped on mps2-an386: the store is a bus fault, escalated to HardFault.
    try "int main(void) { *(volatile int *)0xF0000000u = 1; return 0; }\n".write(to: source, atomically: true, encoding: .utf8)
    let build = CrossBuild(toolchain: toolchain, cpuFlags: try TargetDescription.named("cortex-m4f").crossFlags, work: work)
    let image = try build.link(try build.compile([source], flags: build.modelFlags, tag: ""), name: "fault")
    #expect {
      _ = try QEMURun(toolchain: toolchain).run(image.elf, count: false, work: work)
    } throws: { error in
      "\(error)" == "the emulated Cortex-M4 took a fault (HardFault or similar) while running the model"
    }
  }
}
