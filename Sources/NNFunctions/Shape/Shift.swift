import NNIR

/// Shift: `y[i] = x[i − shift]` on the trailing `shifts.count` axes, the border read as the
/// nearest edge value or reflected (nnabla `shift.cpp`, `shift_recursive`).
public struct Shift: GatherFunction {
  public static let typeName = "Shift"
  public static let paramName = "shift_param"
  public var shifts: [Int]
  /// "nearest" or "reflect".
  public var borderMode: String

  public init(shifts: [Int], borderMode: String = "nearest") throws {
    guard borderMode == "nearest" || borderMode == "reflect" else {
      throw FunctionAttributeError("Shift border_mode '\(borderMode)' is not nearest or reflect")
    }
    self.shifts = shifts
    self.borderMode = borderMode
  }

  public init(_ a: any FunctionAttributeReader, inputShapes: [[Int]]) throws {
    // proto3: an absent border_mode is "", which nnabla's C++ runs as "nearest".
    let mode = try a.string("border_mode") ?? ""
    try self.init(shifts: try a.ints("shifts"), borderMode: mode.isEmpty ? "nearest" : mode)
  }

  public var attributeFields: [(name: String, value: AttributeValue)] {
    [("shifts", .ints(shifts)), ("border_mode", .string(borderMode))]
  }

  public func gather(_ x: [Int]) throws(ShapeError) -> AxisGather {
    guard shifts.count <= x.count else { throw ShapeError("Shift has \(shifts.count) shifts for input \(x)") }
    let strides = AxisGather.strides(x)
    return AxisGather(outputShape: x, offsets: x.indices.map { d in
      let k = shifts.count - x.count + d
      let shift = k >= 0 ? -shifts[k] : 0
      let size = x[d]
      return (0..<size).map { i in
        let j: Int
        if borderMode == "reflect" {
          let a = size > 1 ? abs(i + size * 2 + shift) % (size * 2) : 0
          j = a >= size ? size * 2 - 1 - a : a
        } else {
          j = min(max(i + shift, 0), size - 1)
        }
        return j * strides[d]
      }
    })
  }
}
