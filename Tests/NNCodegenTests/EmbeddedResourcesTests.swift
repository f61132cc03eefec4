import Foundation
import Testing
import _NNTestSupport

@testable import NNCodegen

/// The binary carries `runtime-c/` and `targets/` as Swift strings (an installed nncompile has no
/// source tree beside it); they must be what the repository holds. Fix: `scripts/embed-resources.sh`.
@Suite struct EmbeddedResourcesTests {
  static func files(under folder: String, suffixes: [String]) throws -> [String: String] {
    let root = Fixtures.repositoryRoot.appendingPathComponent(folder)
    var result: [String: String] = [:]
    for sub in ["include", "src", ""] {
      let dir = sub.isEmpty ? root : root.appendingPathComponent(sub)
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
      for name in names where suffixes.contains(where: name.hasSuffix) {
        let key = sub.isEmpty ? name : "\(sub)/\(name)"
        result[key] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      }
    }
    return result
  }

  @Test func runtimeSourcesMatchRuntimeC() throws {
    let onDisk = try Self.files(under: "runtime-c", suffixes: [".h", ".c"])
    #expect(Set(onDisk.keys) == Set(RuntimeSources.files.keys), "run scripts/embed-resources.sh")
    for (key, text) in onDisk {
      // The heredoc drops the file's final newline.
      #expect(RuntimeSources.files[key].map { $0 + "\n" } == text, "\(key) is stale: run scripts/embed-resources.sh")
    }
  }

  @Test func builtinTargetsMatchTargetsFolder() throws {
    let onDisk = try Self.files(under: "targets", suffixes: [".json"])
    #expect(Set(onDisk.keys.map { String($0.dropLast(5)) }) == Set(BuiltinTargets.json.keys))
    for (key, text) in onDisk {
      #expect(BuiltinTargets.json[String(key.dropLast(5))].map { $0 + "\n" } == text, "\(key) is stale")
    }
  }

  /// The generator picks runtime files by the calls it writes: every kernel a header declares must
  /// be found in exactly one source file, or a model using it would not link.
  @Test func everyDeclaredKernelHasOneDefiningFile() {
    var declared: Set<String> = []
    for (key, text) in RuntimeSources.files where key.hasPrefix("include/") {
      for line in text.split(separator: "\n") where line.hasPrefix("void nnc_") {
        declared.formUnion(RuntimeLibrary.calledNames(String(line)))
      }
    }
    #expect(declared.count > 40)
    for name in declared.sorted() {
      let files = RuntimeSources.files.filter { $0.key.hasPrefix("src/") && RuntimeLibrary.exportedDefinitions($0.value).contains(name) }
      #expect(files.count == 1, "\(name) is defined in \(files.keys.sorted())")
      #expect(RuntimeLibrary.definitions[name] == files.first?.key)
    }
  }
}
