import Foundation
import Testing
import _NNTestSupport

/// `nncompile search` as a user runs it: its flags, what it writes and prints, Ctrl-C and resume.
@Suite struct SearchCommandTests {
  static let mlp = Fixtures.path("train/mlp.nntxt")
  static func data(_ name: String) -> String { TrainCommandTests.data(name) }
  static func arguments(_ out: String, _ extra: [String]) -> [String] {
    ["search", mlp, "--data", data("train_4_9.csv"), "--valid", data("valid_4_9.csv"), "--epochs", "1", "-o", out] + extra
  }

  /// Bad flags are usage errors (exit 2) that name the flag, and nothing is written.
  @Test func badFlagsAreUsageErrors() throws {
    let dir = try Fixtures.temporaryDirectory("search-usage")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("s").path
    for (flags, message) in [
      (["--emulate", "--no-emulate"], "Error: '--emulate' (every candidate) and '--no-emulate' (none) exclude each other"),
      (["--kernels", "fast"], "Error: '--kernels' must be optimized or reference, got 'fast'"),
      (["--max-flash", "12Q"], "Error: '--max-flash' needs a size such as 64K, 1.5M or 4096, got '12Q'"),
      (["--time-limit", "soon"], "Error: '--time-limit' needs a duration such as 90s, 30m or 2h, got 'soon'"),
    ] {
      let r = try CLI.run(Self.arguments(out, flags))
      #expect(r.status == 2, "\(flags): \(r.stderr)")
      #expect(r.stderr.hasPrefix(message + "\n"), "\(flags): \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out), "\(flags)")
    }
  }

  /// `--no-emulate --kernels reference`: every row's cycles are the cost model's prediction for
  /// the reference kernels (no emulated column), the run says what it wrote, and the same command
  /// with more trials resumes from the folder instead of starting again.
  @Test func predictedReferenceKernelCycles_thenResume() throws {
    let dir = try Fixtures.temporaryDirectory("search-run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("s").path
    var r = try CLI.run(Self.arguments(out, ["--trials", "3", "--no-emulate", "--kernels", "reference"]))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("Wrote 3 candidates in \(out) (front: #"), "\(r.stdout)")
    #expect(r.stderr.contains("candidate 3 of 3 (#2): "), "\(r.stderr)")
    let rows = try String(contentsOfFile: out + "/results.csv", encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 4)
    let header = rows[0].split(separator: ",", omittingEmptySubsequences: false)
    let source = try #require(header.firstIndex(of: "cycles_source")), emulated = try #require(header.firstIndex(of: "cycles_emulated"))
    // Candidate 0's row has no quoted commas (its mutation is the file's network).
    let first = rows[1].split(separator: ",", omittingEmptySubsequences: false)
    #expect(first[source] == "predicted" && first[emulated].isEmpty, "\(rows[1])")
    #expect(rows.dropFirst().allSatisfy { $0.contains(",predicted,") }, "\(rows)")
    // The reference kernels' prediction (what `nncompile --kernels reference` reports for the
    // candidate), not the SMLAD kernels' smaller one.
    func predicted(_ kernels: String) throws -> Int? {
      let c = try CLI.run([out + "/candidates/0.nnp", "--target", "cortex-m4f", "--calibrate", Self.data("train_4_9.csv"), "--kernels", kernels, "-o", dir.appendingPathComponent(kernels).path])
      let line = c.stdout.split(separator: "\n").first { $0.contains("cycles: ~") } ?? ""
      return Int(line.split(separator: "~").last?.split(separator: " ").first?.replacingOccurrences(of: ",", with: "") ?? "")
    }
    let cyclesColumn = try #require(header.firstIndex(of: "cycles"))
    let cycles = try #require(Int(first[cyclesColumn]))
    #expect(try predicted("reference") == cycles)
    let optimizedCycles = try #require(try predicted("optimized"))
    #expect(optimizedCycles < cycles)

    r = try CLI.run(Self.arguments(out, ["--trials", "4", "--no-emulate", "--kernels", "reference"]))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("resuming \(out): 3 candidates already measured\n"), "\(r.stderr)")
    #expect(r.stderr.contains("candidate 4 of 4 (#3): ") && !r.stderr.contains("candidate 1 of"), "\(r.stderr)")
    #expect(r.stdout.hasPrefix("Wrote 4 candidates in \(out)"), "\(r.stdout)")
  }

  /// A results.json that cannot be read back (cut short, or missing a field) is one line naming
  /// it, exit 1, and the folder is left as it was.
  @Test func damagedResults_isOneLineAndTouchesNothing() throws {
    let dir = try Fixtures.temporaryDirectory("search-damaged")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("s").path
    #expect(try CLI.run(Self.arguments(out, ["--trials", "1", "--no-emulate"])).status == 0)
    for (text, problem) in [("{\"seed\": 1, \"cand", "not valid JSON"), ("{\"seed\": 1}", "no 'generator'")] {
      try text.write(toFile: out + "/results.json", atomically: true, encoding: .utf8)
      let r = try CLI.run(Self.arguments(out, ["--trials", "2", "--no-emulate"]))
      #expect(r.status == 1)
      #expect(r.stderr == "\(out)/results.json: error: cannot be read back to resume (\(problem)); repair or remove it, or name a new folder\n")
      #expect(try String(contentsOfFile: out + "/results.json", encoding: .utf8) == text)
      #expect(!FileManager.default.fileExists(atPath: out + "/candidates/1.nntxt"))
    }
  }

  /// Ctrl-C between candidates: exit 130, one line saying what was written, and the rows measured
  /// so far are in results.json for the next run to resume from.
  @Test func interrupt_keepsWhatItHas_andExits130() throws {
    let dir = try Fixtures.temporaryDirectory("search-int")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("s").path
    // Two measured candidates, then Ctrl-C.
    let r = try CLI.interrupt(Self.arguments(out, ["--trials", "100000", "--no-emulate"]), when: { $0.contains("candidate 2 of 100000") })
    #expect(r.status == 130, "\(r.stderr)")
    let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("Interrupted: wrote ") && last.hasSuffix("; run the same command again to continue"), "\(r.stderr)")
    let measured = r.stderr.split(separator: "\n").filter { $0.hasPrefix("candidate ") }.count
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json"))) as? [String: Any]
    let rows = try #require(json?["candidates"] as? [[String: Any]])
    #expect(rows.count == measured && measured >= 2, "\(r.stderr)")
    #expect(last.contains("wrote \(measured) candidates in \(out)"), "\(last)")
  }
}
