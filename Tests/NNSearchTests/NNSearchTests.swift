import NNSearch
import Testing

@Suite struct NNSearchModuleTests {
  /// The module links into the tests (the search's own suites live beside this file).
  @Test func moduleIsLinked() {
    #expect(String(describing: NNSearch.self) == "NNSearch")
  }
}
