import NNEmulation
import Testing

/// The cycle model's reading of objdump lines, without running anything.
@Suite struct CycleModelTests {
  static func costs(_ lines: String) -> [(Int, Int, Bool)] {
    CycleModel.instructions(objdump: lines).map { ($0.cost, $0.costAfterPrevious, $0.branch) }
  }

  @Test func loadsPipelineBehindALoad_unlessTheyUseItAsBase() {
    let text = """
      00000100 <f>:
           100:\t6801      \tldr\tr1, [r0, #0]
           102:\t6842      \tldr\tr2, [r0, #4]
           104:\t6813      \tldr\tr3, [r2, #0]
           106:\t60c3      \tstr\tr3, [r0, #12]
           108:\t6101      \tstr\tr1, [r0, #16]
           10a:\t6101      \tstr\tr1, [r0, #20]
      """
    let c = Self.costs(text)
    #expect(c.map(\.0) == [2, 2, 2, 2, 2, 2])
    #expect(c.map(\.1) == [2, 1, 2, 1, 2, 2])  // r2 is ldr's result: no pipelining; nothing behind a store
  }

  @Test func branchesMultiplesAndFPU() {
    let text = """
      00000200 <g>:
           200:\te890 000e \tldmia.w\tr0, {r1, r2, r3}
           204:\tee40 0a00 \tvmla.f32\ts1, s0, s0
           208:\tee80 1a80 \tvdiv.f32\ts2, s1, s0
           20c:\tfb90 f0f1 \tsdiv\tr0, r0, r1
           210:\tfb21 0302 \tsmlad\tr3, r1, r2, r3
           214:\tecbd 8b10 \tvpop\t{d8-d15}
           218:\td1fa      \tbne.n\t210 <g+0x10>
           21a:\tbd10      \tpop\t{r4, pc}
           21c:\t20000000 \t.word\t0x20000000
      """
    let c = Self.costs(text)
    #expect(c.count == 8)  // the literal is data
    #expect(c.map(\.0) == [4, 3, 14, CycleModel.divideCycles, 1, 17, 1, 3])
    #expect(c[2].1 == 15)  // reads the VMLA result at once
    #expect(c.map(\.2) == [false, false, false, false, false, false, true, true])
  }

  @Test func symbolsAreRead() {
    #expect(CycleModel.symbols(objdump: "000000b8 <nnc_emu_begin>:\n000000c0 <nnc_emu_end>:\n") == ["nnc_emu_begin": 0xb8, "nnc_emu_end": 0xc0])
  }
}
