import Foundation
import NNFunctions
import NNIR
import Testing
import _NNTestSupport

/// The support table is data: every registered function is a row, and the README shows exactly it.
@Suite struct SupportTableTests {
  @Test func everyRegisteredFunction_isAnNNablaFunctionAndARow() {
    let names = Set(NNablaFunctionList.all.map(\.name))
    for t in FunctionRegistry.types {
      #expect(names.contains(t.typeName), "\(t.typeName) is not an nnabla function name")
      let snake = NNablaFunctionList.all.first { $0.name == t.typeName }?.snakeName
      #expect(t.paramName == "\(snake ?? "?")_param", "\(t.typeName)")
    }
    let rows = SupportTable.rows
    #expect(rows.count == 228)
    #expect(rows.filter(\.imported).count == 30 + FunctionRegistry.types.count)
  }

  @Test func readme_showsTheGeneratedTable() throws {
    let readme = try String(contentsOf: Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
    let start = "<!-- functions-table -->\n", end = "<!-- /functions-table -->"
    let a = try #require(readme.range(of: start)), b = try #require(readme.range(of: end))
    #expect(String(readme[a.upperBound..<b.lowerBound]) == SupportTable.markdown + "\n", "run scripts/update-support-table.sh")
  }
}
