import Dispatch
import Foundation

/// One blocked, vectorised matrix multiply that every Affine and Convolution pass (forward and
/// backward) goes through: `C[m×n] (+)= op(A)[m×k] · op(B)[k×n]`.
///
/// - Blocks of `rowBlock × columnBlock` outputs are spread over the cores with
///   `DispatchQueue.concurrentPerform`; when there are too few blocks (a weight gradient: small
///   `m×n`, huge `k`), `k` is split instead and the partial products are summed.
/// - Inside a block, `A` and `B` are packed per `depthBlock` slice into panels of 6 rows and 8
///   columns (zero-padded at the edges), so the 6×8 register tile (six `SIMD8<Float>`
///   accumulators) reads both operands contiguously. 6×8 keeps the accumulators in registers on
///   plain x86-64 (16 SSE registers, a SIMD8 takes two) as well as on AVX and NEON.
/// - Transposed operands are handled by the packing, never by copying the whole matrix.
public enum MatrixMultiply {
  /// A matrix operand: element `(i, j)` is `base[i * rowStride + j]`, or `base[j * rowStride + i]`
  /// when `transposed`.
  public struct Operand: @unchecked Sendable {  // read-only during a multiply
    public var base: UnsafePointer<Float>
    public var rowStride: Int
    public var transposed: Bool
    public init(_ base: UnsafePointer<Float>, rowStride: Int, transposed: Bool = false) {
      self.base = base
      self.rowStride = rowStride
      self.transposed = transposed
    }
    @inline(__always) func at(_ i: Int, _ j: Int) -> Float {
      transposed ? base[j * rowStride + i] : base[i * rowStride + j]
    }
  }

  static let tileRows = 6
  static let tileColumns = 8
  static let rowBlock = 72
  static let columnBlock = 256
  static let depthBlock = 256
  /// Cores used; at least 1.
  public static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// `C = A·B` (or `C += A·B` when `accumulate`), `C` row-major with row stride `ldc`.
  public static func multiply(
    m: Int, n: Int, k: Int, _ a: Operand, _ b: Operand,
    into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
      return
    }
    let rowBlocks = (m + rowBlock - 1) / rowBlock
    let columnBlocks = (n + columnBlock - 1) / columnBlock
    let blocks = rowBlocks * columnBlocks
    let depthSplits = blocks >= workers ? 1 : min(workers, max(1, k / (2 * depthBlock)))
    if depthSplits > 1 {
      multiplySplittingDepth(m: m, n: n, k: k, a, b, into: c, ldc: ldc, accumulate: accumulate, parts: depthSplits)
      return
    }
    let cAddress = UInt(bitPattern: c)
    let run: @Sendable (Int) -> Void = { block in
      let c = UnsafeMutablePointer<Float>(bitPattern: cAddress)!
      let r0 = (block / columnBlocks) * rowBlock
      let c0 = (block % columnBlocks) * columnBlock
      multiplyBlock(
        rows: r0..<min(m, r0 + rowBlock), columns: c0..<min(n, c0 + columnBlock), k: k, a, b,
        into: c, ldc: ldc, accumulate: accumulate)
    }
    if blocks == 1 || workers == 1 {
      for block in 0..<blocks { run(block) }
    } else {
      DispatchQueue.concurrentPerform(iterations: blocks, execute: run)
    }
  }

  /// `C = A·B` (or `C += A·B`) on the calling thread alone, for callers that already spread their
  /// work over the cores (a convolution runs one sample per task).
  public static func multiplySerial(
    m: Int, n: Int, k: Int, _ a: Operand, _ b: Operand,
    into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
      return
    }
    multiplyBlock(rows: 0..<m, columns: 0..<n, k: k, a, b, into: c, ldc: ldc, accumulate: accumulate)
  }

  /// Splits `k` into `parts` slices computed in parallel into private buffers, then sums them in
  /// slice order (so the result does not depend on scheduling).
  private static func multiplySplittingDepth(
    m: Int, n: Int, k: Int, _ a: Operand, _ b: Operand,
    into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, parts: Int
  ) {
    var partial = [Float](repeating: 0, count: parts * m * n)
    let step = (k + parts - 1) / parts
    partial.withUnsafeMutableBufferPointer { buffer in
      let address = UInt(bitPattern: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        let out = UnsafeMutablePointer<Float>(bitPattern: address)! + part * m * n
        let k0 = part * step
        let k1 = min(k, k0 + step)
        if k0 >= k1 { return }
        var aSlice = a
        var bSlice = b
        aSlice.base = a.transposed ? a.base + k0 * a.rowStride : a.base + k0
        bSlice.base = b.transposed ? b.base + k0 : b.base + k0 * b.rowStride
        multiplyBlock(rows: 0..<m, columns: 0..<n, k: k1 - k0, aSlice, bSlice, into: out, ldc: n, accumulate: false)
      }
      for i in 0..<m {
        let row = c + i * ldc
        if !accumulate { row.update(repeating: 0, count: n) }
        for part in 0..<parts {
          let src = buffer.baseAddress! + part * m * n + i * n
          for j in 0..<n { row[j] += src[j] }
        }
      }
    }
  }

  /// One output block, single-threaded: pack per depth slice, then run the register tiles.
  private static func multiplyBlock(
    rows: Range<Int>, columns: Range<Int>, k: Int, _ a: Operand, _ b: Operand,
    into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
  ) {
    let mr = tileRows, nr = tileColumns
    let rowTiles = (rows.count + mr - 1) / mr
    let columnTiles = (columns.count + nr - 1) / nr
    let kcMax = min(k, depthBlock)
    let aPack = UnsafeMutablePointer<Float>.allocate(capacity: rowTiles * mr * kcMax)
    let bPack = UnsafeMutablePointer<Float>.allocate(capacity: columnTiles * nr * kcMax)
    defer {
      aPack.deallocate()
      bPack.deallocate()
    }
    var p0 = 0
    while p0 < k {
      let kc = min(depthBlock, k - p0)
      packA(a, rows: rows, depth: p0..<(p0 + kc), into: aPack)
      // A row-major B already holds 8 contiguous floats per depth step: full-width tiles read it
      // in place, and only the ragged last tile is packed.
      let direct = !b.transposed
      if direct {
        let last = columns.lowerBound + (columnTiles - 1) * nr
        if columns.upperBound - last < nr {
          packB(b, columns: last..<columns.upperBound, depth: p0..<(p0 + kc), into: bPack + (columnTiles - 1) * nr * kc)
        }
      } else {
        packB(b, columns: columns, depth: p0..<(p0 + kc), into: bPack)
      }
      let add = accumulate || p0 > 0
      for ct in 0..<columnTiles {
        let j0 = columns.lowerBound + ct * nr
        let width = min(nr, columns.upperBound - j0)
        let inPlace = direct && width == nr
        let bTile = inPlace ? UnsafeMutablePointer(mutating: b.base + p0 * b.rowStride + j0) : bPack + ct * nr * kc
        let bStride = inPlace ? b.rowStride : nr
        for rt in 0..<rowTiles {
          let i0 = rows.lowerBound + rt * mr
          let height = min(mr, rows.upperBound - i0)
          tile(
            aPack + rt * mr * kc, bTile, bStride: bStride, depth: kc,
            into: c + i0 * ldc + j0, ldc: ldc, height: height, width: width, add: add)
        }
      }
      p0 += kc
    }
  }

  /// `aPack[tile][p][r]` = A(row0 + tile·6 + r, p), zero past the last row. Reads run along
  /// memory (rows of A, or columns when transposed).
  private static func packA(_ a: Operand, rows: Range<Int>, depth: Range<Int>, into pack: UnsafeMutablePointer<Float>) {
    let mr = tileRows
    let kc = depth.count
    var dst = pack
    var i0 = rows.lowerBound
    while i0 < rows.upperBound {
      let height = min(mr, rows.upperBound - i0)
      if height < mr { dst.update(repeating: 0, count: mr * kc) }
      if a.transposed {
        for p in 0..<kc {
          let src = a.base + (depth.lowerBound + p) * a.rowStride + i0
          for r in 0..<height { dst[p * mr + r] = src[r] }
        }
      } else if height == mr {
        transposeSix(a.base + i0 * a.rowStride + depth.lowerBound, rowStride: a.rowStride, count: kc, into: dst)
      } else {
        for r in 0..<height {
          let src = a.base + (i0 + r) * a.rowStride + depth.lowerBound
          for p in 0..<kc { dst[p * mr + r] = src[p] }
        }
      }
      dst += mr * kc
      i0 += mr
    }
  }

  /// `bPack[tile][p][j]` = B(p, column0 + tile·8 + j), zero past the last column.
  private static func packB(_ b: Operand, columns: Range<Int>, depth: Range<Int>, into pack: UnsafeMutablePointer<Float>) {
    let nr = tileColumns
    let kc = depth.count
    var dst = pack
    var j0 = columns.lowerBound
    while j0 < columns.upperBound {
      let width = min(nr, columns.upperBound - j0)
      if width < nr { dst.update(repeating: 0, count: nr * kc) }
      if b.transposed && width == nr {
        transposeEight(b.base + j0 * b.rowStride + depth.lowerBound, rowStride: b.rowStride, count: kc, into: dst)
      } else if b.transposed {
        for j in 0..<width {
          let src = b.base + (j0 + j) * b.rowStride + depth.lowerBound
          for p in 0..<kc { dst[p * nr + j] = src[p] }
        }
      } else {
        var src = b.base + depth.lowerBound * b.rowStride + j0
        if width == nr {
          let out = UnsafeMutableRawPointer(dst)
          for p in 0..<kc {
            out.storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), toByteOffset: p * 32, as: SIMD8<Float>.self)
            src += b.rowStride
          }
        } else {
          for p in 0..<kc {
            for j in 0..<width { dst[p * nr + j] = src[j] }
            src += b.rowStride
          }
        }
      }
      dst += nr * kc
      j0 += nr
    }
  }

  /// `out[p·6 + r] = rows[r·rowStride + p]` for `p < count`, as `transposeEight` does for B.
  @inline(__always)
  private static func transposeSix(_ rows: UnsafePointer<Float>, rowStride: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
    let raw = UnsafeRawPointer(rows)
    let stride = rowStride * 4
    var p = 0
    while p + 4 <= count {
      let at = p * 4
      let v0 = raw.loadUnaligned(fromByteOffset: at, as: SIMD4<Float>.self)
      let v1 = raw.loadUnaligned(fromByteOffset: at + stride, as: SIMD4<Float>.self)
      let v2 = raw.loadUnaligned(fromByteOffset: at + 2 * stride, as: SIMD4<Float>.self)
      let v3 = raw.loadUnaligned(fromByteOffset: at + 3 * stride, as: SIMD4<Float>.self)
      let v4 = raw.loadUnaligned(fromByteOffset: at + 4 * stride, as: SIMD4<Float>.self)
      let v5 = raw.loadUnaligned(fromByteOffset: at + 5 * stride, as: SIMD4<Float>.self)
      for q in 0..<4 {
        let o = out + (p + q) * 6
        UnsafeMutableRawPointer(o).storeBytes(of: SIMD4<Float>(v0[q], v1[q], v2[q], v3[q]), as: SIMD4<Float>.self)
        o[4] = v4[q]
        o[5] = v5[q]
      }
      p += 4
    }
    while p < count {
      for r in 0..<6 { out[p * 6 + r] = rows[r * rowStride + p] }
      p += 1
    }
  }

  /// `out[p·8 + j] = rows[j·rowStride + p]` for `p < count`: eight rows read along memory four
  /// floats at a time and transposed in registers (a scalar scatter here cost a fifth of the
  /// multiply in weight gradients, where B is a transposed column matrix).
  @inline(__always)
  private static func transposeEight(_ rows: UnsafePointer<Float>, rowStride: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
    let raw = UnsafeRawPointer(rows), dst = UnsafeMutableRawPointer(out)
    let stride = rowStride * 4
    var p = 0
    while p + 4 <= count {
      let at = p * 4
      let v0 = raw.loadUnaligned(fromByteOffset: at, as: SIMD4<Float>.self)
      let v1 = raw.loadUnaligned(fromByteOffset: at + stride, as: SIMD4<Float>.self)
      let v2 = raw.loadUnaligned(fromByteOffset: at + 2 * stride, as: SIMD4<Float>.self)
      let v3 = raw.loadUnaligned(fromByteOffset: at + 3 * stride, as: SIMD4<Float>.self)
      let v4 = raw.loadUnaligned(fromByteOffset: at + 4 * stride, as: SIMD4<Float>.self)
      let v5 = raw.loadUnaligned(fromByteOffset: at + 5 * stride, as: SIMD4<Float>.self)
      let v6 = raw.loadUnaligned(fromByteOffset: at + 6 * stride, as: SIMD4<Float>.self)
      let v7 = raw.loadUnaligned(fromByteOffset: at + 7 * stride, as: SIMD4<Float>.self)
      for q in 0..<4 {
        let column = SIMD8<Float>(v0[q], v1[q], v2[q], v3[q], v4[q], v5[q], v6[q], v7[q])
        dst.storeBytes(of: column, toByteOffset: (p + q) * 32, as: SIMD8<Float>.self)
      }
      p += 4
    }
    while p < count {
      for j in 0..<8 { out[p * 8 + j] = rows[j * rowStride + p] }
      p += 1
    }
  }

  /// The 6×8 register tile: six SIMD8 accumulators over the packed panels.
  @inline(__always)
  private static func tile(
    _ ap: UnsafeMutablePointer<Float>, _ bp: UnsafeMutablePointer<Float>, bStride: Int, depth kc: Int,
    into c: UnsafeMutablePointer<Float>, ldc: Int, height: Int, width: Int, add: Bool
  ) {
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
    var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
    let braw = UnsafeRawPointer(bp)
    for p in 0..<kc {
      let b = braw.loadUnaligned(fromByteOffset: p * bStride * 4, as: SIMD8<Float>.self)
      let a = ap + p * 6
      c0 += b * a[0]
      c1 += b * a[1]
      c2 += b * a[2]
      c3 += b * a[3]
      c4 += b * a[4]
      c5 += b * a[5]
    }
    store(c0, into: c, width: width, add: add)
    if height > 1 { store(c1, into: c + ldc, width: width, add: add) }
    if height > 2 { store(c2, into: c + 2 * ldc, width: width, add: add) }
    if height > 3 { store(c3, into: c + 3 * ldc, width: width, add: add) }
    if height > 4 { store(c4, into: c + 4 * ldc, width: width, add: add) }
    if height > 5 { store(c5, into: c + 5 * ldc, width: width, add: add) }
  }

  /// Writes (or adds) one 8-wide tile row, of which `width` columns are real.
  @inline(__always)
  private static func store(_ v: SIMD8<Float>, into out: UnsafeMutablePointer<Float>, width: Int, add: Bool) {
    if width == 8 {
      let raw = UnsafeMutableRawPointer(out)
      raw.storeBytes(of: add ? raw.loadUnaligned(as: SIMD8<Float>.self) + v : v, as: SIMD8<Float>.self)
    } else {
      for j in 0..<width { out[j] = add ? out[j] + v[j] : v[j] }
    }
  }

  /// The plain triple loop (Float64 accumulation), for tests.
  public static func naive(m: Int, n: Int, k: Int, _ a: Operand, _ b: Operand) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var s = 0.0
        for p in 0..<k { s += Double(a.at(i, p)) * Double(b.at(p, j)) }
        c[i * n + j] = Float(s)
      }
    }
    return c
  }
}
