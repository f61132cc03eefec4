import Foundation
import Testing
import _NNTestSupport

@testable import NNEmulation

/// The binary carries `targets/cortex-m4f/emulation/` as Swift strings; they must be what the
/// repository holds. Fix: `scripts/embed-resources.sh`.
@Suite struct EmulationResourcesTests {
  @Test func embeddedFilesMatchTheEmulationFolder() throws {
    let dir = Fixtures.repositoryRoot.appendingPathComponent("targets/cortex-m4f/emulation")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(Set(names) == Set(EmulationSources.files.keys), "run scripts/embed-resources.sh")
    for name in names {
      let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      // The heredoc drops the file's final newline.
      #expect(EmulationSources.files[name].map { $0 + "\n" } == text, "\(name) is stale: run scripts/embed-resources.sh")
    }
  }
}
