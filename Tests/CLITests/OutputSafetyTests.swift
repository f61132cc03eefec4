import Foundation
import NNCompileKit
import Testing
import _NNTestSupport

/// `-o` (compile, `--format arduino`, verify, train) and `verify --json` write only a new path or
/// something nncompile wrote, and never leave anything half-written: each refusal is one line
/// naming the path, exit 1, and every file in the sandbox unchanged (names, bytes, links).
@Suite struct OutputSafetyTests {
  static let compile = ["--target", "host", "--quantize", "float32"]

  /// Exit 1, exactly one stderr line, naming `path` and saying `fragment`.
  static func expectRefused(_ r: CLI.Result, _ path: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 1, "\(r.stderr)", sourceLocation: sourceLocation)
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("\(path): error: ") && r.stderr.contains(fragment), "\(r.stderr)", sourceLocation: sourceLocation)
  }

  @Test func compile_refusesEveryPathItDidNotWrite_touchingNothing() throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let before = box.snapshot()
    let inModel = box.url("model")
    let cases: [(output: String, cwd: URL?, fragment: String)] = [
      (box.path("canary.txt"), nil, "is a file, not a folder"),
      (box.path("link-to-file"), nil, "is a symbolic link"),
      (box.path("link-to-folder"), nil, "is a symbolic link"),
      (box.path("link-to-folder") + "/", nil, "is a symbolic link"),
      (box.path("fifo"), nil, "is a FIFO"),
      (box.path("canary.txt") + "/out", nil, "cannot be created: "),
      (".", box.root, "names '.'"),
      ("..", inModel, "names '..'"),
      ("model/..", box.root, "names '..'"),
      ("''", box.root, "the output path is empty"),
      (box.root.path, inModel, "is the current folder or a folder above it"),
      ("/", nil, "is the current folder or a folder above it"),
      (box.path("model"), nil, "holds the input \(box.model)"),
      (box.path("notes"), nil, "is a folder nncompile did not write (it holds 'todo.txt'); name a new or empty folder, or pass --force"),
    ]
    for c in cases {
      let output = c.output == "''" ? "" : c.output
      let r = try CLI.run([box.model] + Self.compile + ["-o", output], in: c.cwd)
      Self.expectRefused(r, c.output, c.fragment)
      #expect(box.snapshot() == before, "-o \(c.output) changed the sandbox")
    }
    // --format arduino and verify -o follow the same rules.
    let arduino = try CLI.run([box.model] + Self.compile + ["--format", "arduino", "-o", box.path("notes")])
    Self.expectRefused(arduino, box.path("notes"), "is a folder nncompile did not write")
    let verify = try CLI.run(["verify", box.model, "--input", box.path("model/inputs.bin")] + Self.compile + ["-o", box.path("model")])
    Self.expectRefused(verify, box.path("model"), "holds the input")
    #expect(box.snapshot() == before)
  }

  @Test func force_replacesAForeignFolder_butNeverAFileTheCurrentFolderOrAnInputsFolder() throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let before = box.snapshot()
    for (output, fragment) in [
      (box.path("canary.txt"), "is a file"), (box.path("link-to-folder"), "is a symbolic link"), (box.path("fifo"), "is a FIFO"),
      (box.path("model"), "holds the input"), (box.root.path, "is the current folder or a folder above it"),
    ] {
      Self.expectRefused(try CLI.run([box.model] + Self.compile + ["--force", "-o", output], in: box.root), output, fragment)
    }
    Self.expectRefused(try CLI.run([box.model] + Self.compile + ["--force", "-o", "."], in: box.root), ".", "names '.'")
    #expect(box.snapshot() == before)

    let r = try CLI.run([box.model] + Self.compile + ["--force", "-o", box.path("notes")])
    #expect(r.status == 0, "\(r.stderr)")
    let written = box.snapshot("notes")
    #expect(written["notes/todo.txt"] == nil && written["notes/model.h"] != nil && written["notes/.nncompile"] != nil, "\(written.keys)")
    #expect(box.snapshot().filter { !$0.key.hasPrefix("notes/") } == before.filter { !$0.key.hasPrefix("notes/") })
  }

  @Test func emptyFolderIsUsed_ownOutputIsReplaced_aFileAddedToItMakesItForeign() throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let out = box.path("empty")
    var r = try CLI.run([box.model] + Self.compile + ["--name", "first", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(box.snapshot("empty")["empty/first.h"] != nil)
    let marker = try String(contentsOfFile: out + "/.nncompile", encoding: .utf8)
    #expect(marker.hasPrefix("nncompile \(nncompileVersion) wrote this folder") && marker.contains("\nfirst.c\n"), "\(marker)")

    // Its own output, with a file from an earlier build it no longer writes: replaced whole.
    r = try CLI.run([box.model] + Self.compile + ["--name", "second", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    var names = Set(box.snapshot("empty").keys)
    #expect(names.contains("empty/second.h") && !names.contains("empty/first.h"), "\(names)")
    #expect(!box.snapshot().keys.contains { $0.contains(".nncompile-") }, "no staging or old folder remains")

    // A file the user put into it is not nncompile's: refused, then replaced with --force.
    try Data("int main(void) { return 0; }\n".utf8).write(to: box.url("empty/main.c"))
    let before = box.snapshot()
    r = try CLI.run([box.model] + Self.compile + ["-o", out])
    Self.expectRefused(r, out, "holds 'main.c', which nncompile did not write")
    #expect(box.snapshot() == before)
    r = try CLI.run([box.model] + Self.compile + ["--force", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    names = Set(box.snapshot("empty").keys)
    #expect(!names.contains("empty/main.c") && names.contains("empty/model.h"), "\(names)")
  }

  @Test func verifyJSON_replacesOnlyItsOwnReport() throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    let verify = ["verify", box.model, "--input", box.path("model/inputs.bin")] + Self.compile
    let before = box.snapshot()
    for (json, fragment) in [
      (box.path("canary.txt"), "exists and nncompile did not write it; name a new file, or pass --force"),
      (box.path("notes"), "is a folder; name the file to write"), (box.path("link-to-file"), "is a symbolic link"),
      (box.path("fifo"), "is a FIFO"), (box.path("model/inputs.bin"), "is an input of this command"),
    ] {
      Self.expectRefused(try CLI.run(verify + ["--json", json]), json, fragment)
    }
    #expect(box.snapshot() == before)
    let report = box.path("report.json")
    for _ in 0..<2 {
      let r = try CLI.run(verify + ["--json", report])
      #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
    #expect(OwnOutputs.isOwnJSONReport(report))
    #expect(box.snapshot().filter { $0.key != "report.json" } == before)
  }

  @Test func trainOutput_refusesAFolderAnInputAForeignFileOrALink() throws {
    let box = try Sandbox.withModel()
    defer { box.remove() }
    // The data in the sandbox, and a hard link to it under another name (refused before it is read).
    let data = box.path("train.csv"), hardLink = box.path("same-data.csv")
    try FileManager.default.copyItem(atPath: TrainCommandTests.data("train_4_9.csv"), toPath: data)
    #expect(link(data, hardLink) == 0)
    let train = ["train", TrainCommandTests.mlp, "--data", data, "--epochs", "1"]
    let before = box.snapshot()
    for (output, fragment) in [
      (box.path("notes"), "is a folder; name the file to write"), (box.path("canary.txt"), "exists and nncompile did not write it"),
      (box.path("link-to-file"), "is a symbolic link"), (box.path("fifo"), "is a FIFO"), (box.model, "exists and nncompile did not write it"),
      (data, "is an input of this command"), (hardLink, "is an input of this command"), (TrainCommandTests.mlp, "is an input of this command"),
      (box.path("missing/trained.nnp"), "cannot write: no folder "),
    ] {
      Self.expectRefused(try CLI.run(train + ["-o", output]), output, fragment)
    }
    #expect(box.snapshot() == before)

    // Its own .nnp is replaced; a foreign file only with --force (trained on the data beside its images).
    let trained = box.path("trained.nnp")
    let trainOnDigits = ["train", TrainCommandTests.mlp, "--data", TrainCommandTests.data("train_4_9.csv"), "--epochs", "1"]
    for _ in 0..<2 {
      let r = try CLI.run(trainOnDigits + ["-o", trained])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(OwnOutputs.isOwnNNP(trained) && !OwnOutputs.isOwnNNP(box.model))
    let forced = try CLI.run(trainOnDigits + ["--force", "-o", box.path("canary.txt")])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(OwnOutputs.isOwnNNP(box.path("canary.txt")))
    #expect(!box.snapshot().keys.contains { $0.contains(".nncompile-") }, "no temporary file remains")
  }
}

extension Sandbox {
  /// The canaries, with an input model and its inputs in `model/`.
  static func withModel() throws -> Sandbox {
    let box = try Sandbox("outsafe")
    try FileManager.default.createDirectory(at: box.url("model"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Fixtures.path("nnabla/iris_mlp/model.nnp"), toPath: box.model)
    try FileManager.default.copyItem(atPath: Fixtures.path("nnabla/iris_mlp/inputs.bin"), toPath: box.path("model/inputs.bin"))
    return box
  }

  var model: String { path("model/model.nnp") }
}
