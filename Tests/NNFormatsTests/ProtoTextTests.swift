import Foundation
import NNFormats
import Testing
import _NNTestSupport

/// The error a parse throws, or nil when it succeeds.
private func parseError(_ text: String) -> FormatError? {
  do {
    _ = try ProtoTextMessage.parse(text)
    return nil
  } catch let error as FormatError {
    return error
  } catch {
    return FormatError("unexpected", "\(error)")
  }
}

private func accessorError(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let error as FormatError {
    return "\(error)"
  } catch {
    return "unexpected \(error)"
  }
}

@Suite struct ProtoTextRealFileTests {
  @Test func expectationsCoverEveryFixtureArchive() throws {
    // Lists real/ and nnabla/*/ so a fixture added later gets expectations (or fails here).
    let files = FileManager.default
    var onDisk = try files.contentsOfDirectory(atPath: Fixtures.path("real")).map { "real/\($0)" }
    for model in try files.contentsOfDirectory(atPath: Fixtures.path("nnabla")) where !model.hasSuffix(".py") {
      onDisk += try files.contentsOfDirectory(atPath: Fixtures.path("nnabla/\(model)")).map { "nnabla/\(model)/\($0)" }
    }
    onDisk = onDisk.filter { $0.hasSuffix(".nnp") }
    #expect(Set(onDisk) == Set(ProtoFixtures.nnpFiles))
    #expect(Set(try ProtoFixtures.expectations().keys) == Set(ProtoFixtures.nnpFiles))
  }

  @Test(arguments: ProtoFixtures.nnpFiles)
  func networksMatchIndependentReading(_ nnp: String) throws {
    let expected = try #require(try ProtoFixtures.expectations()[nnp])
    let proto = try ProtoFixtures.network(nnp)
    let networks = proto.messages("network")
    #expect(networks.count == expected.networks.count)
    for (network, want) in zip(networks, expected.networks) {
      #expect(try network.string("name") == want.name)
      #expect(network.messages("function").count == want.functions)
      #expect(network.messages("variable").count == want.variables)
      for variable in network.messages("variable") {
        let dims = try #require(variable.message("shape")).ints("dim")
        #expect(!dims.isEmpty && dims.dropFirst().allSatisfy { $0 > 0 })
      }
      for function in network.messages("function") {
        #expect(try !function.strings("input").isEmpty)
        #expect(try !function.strings("output").isEmpty)
      }
    }
    #expect(proto.messages("executor").count == expected.executors)
  }

  @Test func neuralNetworkConsoleFileQuirks() throws {
    let proto = try ProtoFixtures.network("real/nnc_result.nnp")
    #expect(try proto.messages("network").map { try $0.string("name") } == ["Main", "MainValidation", "MainRuntime"])
    let input = try #require(proto.messages("network").first?.messages("variable").first)
    #expect(try input.string("name") == "Input")
    #expect(try input.message("shape")?.ints("dim") == [-1, 1, 28, 28])
    let training = try #require(proto.messages("dataset").first)
    #expect(try training.bool("overwrite_cache") == false)
    #expect(try training.bool("create_cache_explicitly") == true)
    #expect(try training.bool("shuffle") == true)
    #expect(try training.int("batch_size") == 64)
    let adam = try #require(proto.message("optimizer")?.message("solver")?.message("adam_param"))
    #expect(try adam.double("eps") == 1e-08)
    #expect(try adam.double("beta2") == 0.999)
    let inplace = proto.messages("network")[0].messages("function").compactMap { $0.message("relu_param") }
    #expect(try inplace.map { try $0.bool("inplace") } == [true])
  }

  @Test func nnablaMulScalarParameter() throws {
    let proto = try ProtoFixtures.network("real/nnabla_lenet_010000.nnp")
    let network = try #require(proto.message("network"))
    #expect(try network.string("name") == "runtime")
    #expect(try network.int("batch_size") == 128)
    let mul = try #require(network.messages("function").first { (try? $0.string("type")) == "MulScalar" })
    #expect(try mul.message("mul_scalar_param")?.double("val") == 0.00392156862745098)
    #expect(try proto.message("executor")?.string("network_name") == "runtime")
  }

  @Test func batchNormalizationEpsilon() throws {
    let proto = try ProtoFixtures.network("nnabla/cnn_bn/model.nnp")
    let bn = try #require(proto.message("network")).messages("function")
      .compactMap { $0.message("batch_normalization_param") }
    #expect(bn.count == 2)
    #expect(try bn.map { try $0.double("eps") } == [1e-05, 1e-05])
  }

  @Test func truncatedRealFileNeverCrashes() throws {
    let bytes = try ProtoFixtures.entry("real/nnc_result.nnp", "network.prototxt")
    var failures = 0
    for end in stride(from: 0, to: bytes.count, by: 53) {
      do { _ = try ProtoTextMessage.parse(bytes: Array(bytes[..<end])) } catch is FormatError { failures += 1 }
    }
    #expect(failures > 0)
    #expect(try ProtoTextMessage.parse(bytes: bytes).fields.count > 0)
  }
}

@Suite struct ProtoTextSyntaxTests {
  @Test func emptyAndCommentOnlyInputs() throws {
    #expect(try ProtoTextMessage.parse("").fields.isEmpty)
    #expect(try ProtoTextMessage.parse("  # only a comment\n\n# another").fields.isEmpty)
    #expect(try ProtoTextMessage.parse("\u{FEFF}a: 1").int("a") == 1)
  }

  @Test func exporterQuirks() throws {
    let m = try ProtoTextMessage.parse(
      """
      shape: { dim:-1 dim: 1 dim: 28 }  # colon before a message, no space before -1
      empty {
       }
      inplace: True, overwrite_cache: False; eps: 1e-08
      val: 0.00392156862745098
      angle < dim: 2 >
      list: [1, 2, -3]
      none: []
      kernels: [{dim: 1}, <dim: 2>]
      kernels [{dim: 3}]
      """)
    #expect(try m.message("shape")?.ints("dim") == [-1, 1, 28])
    #expect(m.message("empty") == ProtoTextMessage())
    #expect(try m.bool("inplace") == true)
    #expect(try m.bool("overwrite_cache") == false)
    #expect(try m.double("eps") == 1e-08)
    #expect(try m.double("val") == 0.00392156862745098)
    #expect(try m.message("angle")?.int("dim") == 2)
    #expect(try m.ints("list") == [1, 2, -3])
    #expect(m.values("none").isEmpty)
    #expect(try m.messages("kernels").map { try $0.int("dim") } == [1, 2, 3])
    #expect(m.fields.map(\.name) == [
      "shape", "empty", "inplace", "overwrite_cache", "eps", "val", "angle", "list", "list", "list",
      "kernels", "kernels", "kernels",
    ])
  }

  @Test func valuesKeepTheirLiteralForm() throws {
    let m = try ProtoTextMessage.parse("a: -1 b: 1e-08 c: inf d: -inf e: CONSTANT f: 'x' g: 2.5f h: .5 i: 0x1F")
    #expect(m.values("a") == [.number("-1")])
    #expect(m.values("b") == [.number("1e-08")])
    #expect(m.values("c") == [.number("inf")])
    #expect(m.values("d") == [.number("-inf")])
    #expect(m.values("e") == [.identifier("CONSTANT")])
    #expect(m.values("f") == [.string("x")])
    #expect(m.values("g") == [.number("2.5f")])
    #expect(m.values("h") == [.number(".5")])
    #expect(m.values("i") == [.number("0x1F")])
  }

  @Test func equalityIgnoresPositions() throws {
    let parsed = try ProtoTextMessage.parse("\n\n   a: 1 b { c: \"d\" }")
    let built = ProtoTextMessage(fields: [
      .init(name: "a", value: .number("1")),
      .init(name: "b", value: .message(ProtoTextMessage(fields: [.init(name: "c", value: .string("d"))]))),
    ])
    #expect(parsed == built)
    #expect(parsed.fields[0].line == 3 && parsed.fields[0].column == 4)
    #expect(parsed != ProtoTextMessage(fields: [.init(name: "a", value: .number("2"))]))
  }

  @Test func stringEscapesAndConcatenation() throws {
    let m = try ProtoTextMessage.parse(
      #"a: "x\ny\\z" b: "\101\x41\x4a" c: "a" "b" 'c' d: '\'"' e: "\u00e9\U0001F600" f: "é" g: "\t\r\0""#)
    #expect(try m.string("a") == "x\ny\\z")
    #expect(try m.string("b") == "AAJ")
    #expect(try m.string("c") == "abc")
    #expect(try m.string("d") == "'\"")
    #expect(try m.string("e") == "é😀")
    #expect(try m.string("f") == "é")
    #expect(try m.string("g") == "\t\r\0")
  }

  @Test func integerAccessor() throws {
    let m = try ProtoTextMessage.parse(
      "a: 0x10 b: -0x10 c: 010 d: 9223372036854775807 e: -9223372036854775808 f: 0 r: 1 r: [2, 3] r: -4")
    #expect(try m.int("a") == 16)
    #expect(try m.int("b") == -16)
    #expect(try m.int("c") == 8)
    #expect(try m.int("d") == Int.max)
    #expect(try m.int("e") == Int.min)
    #expect(try m.int("f") == 0)
    #expect(try m.int("missing") == nil)
    #expect(try m.ints("r") == [1, 2, 3, -4])
    #expect(try m.ints("missing") == [])
  }

  @Test func integerAccessorErrors() throws {
    let m = try ProtoTextMessage.parse("a: 9223372036854775808\nb: 1.5\n  c: FOO d: \"1\" e: 09")
    #expect(accessorError { _ = try m.int("a") } == "prototext: line 1, column 1: field 'a': integer 9223372036854775808 does not fit in 64 bits")
    #expect(accessorError { _ = try m.int("b") } == "prototext: line 2, column 1: field 'b': expected an integer, found number 1.5")
    #expect(accessorError { _ = try m.int("c") } == "prototext: line 3, column 3: field 'c': expected an integer, found identifier FOO")
    #expect(accessorError { _ = try m.ints("d") } == "prototext: line 3, column 10: field 'd': expected an integer, found string \"1\"")
    #expect(accessorError { _ = try m.int("e") } != nil)
  }

  @Test func doubleAccessor() throws {
    let m = try ProtoTextMessage.parse(
      "a: 3 b: 2.5f c: inf d: -Infinity e: nan f: 1e-08 g: -0.5 h: 0x10 i: 1E+3 j: 5. r: [1, 2.5] r: -3")
    #expect(try m.double("a") == 3)
    #expect(try m.double("b") == 2.5)
    #expect(try m.double("c") == .infinity)
    #expect(try m.double("d") == -.infinity)
    #expect(try m.double("e")?.isNaN == true)
    #expect(try m.double("f") == 1e-08)
    #expect(try m.double("g") == -0.5)
    #expect(try m.double("h") == 16)
    #expect(try m.double("i") == 1000)
    #expect(try m.double("j") == 5)
    #expect(try m.doubles("r") == [1, 2.5, -3])
    let bad = try ProtoTextMessage.parse("s: \"1.0\" t: TRUE")
    #expect(accessorError { _ = try bad.double("s") } == "prototext: line 1, column 1: field 's': expected a number, found string \"1.0\"")
    #expect(accessorError { _ = try bad.doubles("t") } != nil)
  }

  @Test func boolAccessor() throws {
    let m = try ProtoTextMessage.parse("a: true b: True c: t d: 1 e: false f: False g: f h: 0 x: 2 y: yes z: \"true\"")
    #expect(try ["a", "b", "c", "d"].map { try m.bool($0) } == [true, true, true, true])
    #expect(try ["e", "f", "g", "h"].map { try m.bool($0) } == [false, false, false, false])
    #expect(try m.bool("missing") == nil)
    #expect(accessorError { _ = try m.bool("x") } == "prototext: line 1, column 55: field 'x': expected a boolean, found number 2")
    #expect(accessorError { _ = try m.bool("y") } != nil)
    #expect(accessorError { _ = try m.bool("z") } != nil)
  }

  @Test func stringAccessorRejectsOtherValues() throws {
    let m = try ProtoTextMessage.parse("name: Main\nsub { }")
    #expect(accessorError { _ = try m.string("name") } == "prototext: line 1, column 1: field 'name': expected a string, found identifier Main")
    #expect(accessorError { _ = try m.string("sub") } == "prototext: line 2, column 1: field 'sub': expected a string, found a message")
    #expect(m.messages("name").isEmpty)
    #expect(m.message("name") == nil)
  }

  @Test func syntaxErrorsSayWhereAndWhat() {
    #expect(parseError("a: \"abc\nb: 1") == FormatError("prototext", "line 1, column 4: unterminated string (missing closing \")"))
    #expect(parseError("a: 'abc") == FormatError("prototext", "line 1, column 4: unterminated string (missing closing ')"))
    #expect(parseError("net {\n  a: 1\n") == FormatError("prototext", "line 3, column 1: expected '}' to close the message opened at line 1, column 5, found end of input"))
    #expect(parseError("net <\n a: 1 }") == FormatError("prototext", "line 2, column 7: expected '>' to close the message opened at line 1, column 5, found '}'"))
    #expect(parseError("a: 1\n}") == FormatError("prototext", "line 2, column 1: unexpected '}' with no message open"))
    #expect(parseError("a: }") == FormatError("prototext", "line 1, column 4: expected a value for field 'a', found '}'"))
    #expect(parseError("a 5") == FormatError("prototext", "line 1, column 3: expected ':' or '{' after field name 'a', found number 5"))
    #expect(parseError("5: 1") == FormatError("prototext", "line 1, column 1: expected a field name, found number 5"))
    #expect(parseError("a: 12abc") == FormatError("prototext", "line 1, column 4: invalid number '12abc'"))
    #expect(parseError("a: 1.2.3") == FormatError("prototext", "line 1, column 4: invalid number '1.2.3'"))
    #expect(parseError("a: 1e") == FormatError("prototext", "line 1, column 4: number has an exponent without digits"))
    #expect(parseError("a: -x") == FormatError("prototext", "line 1, column 5: expected a number after '-' for field 'a', found 'x'"))
    #expect(parseError("s: \"é\\q\"") == FormatError("prototext", "line 1, column 6: unknown escape '\\q' in string"))
    #expect(parseError("s: \"\\400\"") == FormatError("prototext", "line 1, column 5: octal escape \\400 is larger than a byte"))
    #expect(parseError("s: \"\\xg\"") == FormatError("prototext", "line 1, column 5: \\x escape without hexadecimal digits"))
    #expect(parseError("a: [1, 2") == FormatError("prototext", "line 1, column 9: expected ',' or ']' in the list opened at line 1, column 4, found end of input"))
    #expect(parseError("a: [[1]]") == FormatError("prototext", "line 1, column 5: expected a value for field 'a', found '['"))
    #expect(parseError("é: 1") == FormatError("prototext", "line 1, column 1: unexpected non-ASCII character outside a string"))
    #expect(parseError("a: 1 \u{7}") == FormatError("prototext", "line 1, column 6: unexpected byte 0x7 outside a string"))
  }

  @Test func nestingDepthIsLimited() throws {
    func nested(_ depth: Int) -> String {
      String(repeating: "m { ", count: depth) + String(repeating: "} ", count: depth)
    }
    var m = try ProtoTextMessage.parse(nested(100))
    for _ in 0..<100 { m = try #require(m.message("m")) }
    #expect(m.fields.isEmpty)
    #expect(parseError(nested(101)) == FormatError("prototext", "line 1, column 403: messages nested deeper than 100 levels"))
    // Far deeper input must fail cleanly too, not exhaust the stack.
    #expect(parseError(String(repeating: "m <", count: 100_000))?.message.contains("deeper than 100") == true)
  }

  @Test func extensionStyleFieldNames() throws {
    let m = try ProtoTextMessage.parse("[type.googleapis.com/foo.Bar] { x: 1 }")
    #expect(try m.message("[type.googleapis.com/foo.Bar]")?.int("x") == 1)
  }
}
