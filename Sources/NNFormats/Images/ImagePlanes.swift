/// Image pixels as the float planes a network is fed (channel-first, CHW).
extension Image {
  /// `channels` planes of `height * width` floats, each sample multiplied by `scale`.
  ///
  /// Colour conversion follows Pillow, which nnabla's image loaders use: RGB → gray is
  /// `L = (299 R + 587 G + 114 B) / 1000` (integer division), gray → RGB repeats the value, and
  /// alpha is dropped.
  public func planarFloats(channels c: Int, scale: Float) -> [Float] {
    precondition(c == 1 || c == 3, "planarFloats: 1 or 3 channels, not \(c)")
    let plane = width * height
    var values = [Float](repeating: 0, count: c * plane)
    let ic = channels
    for i in 0..<plane {
      let p = i * ic
      if ic >= 3 {
        let (r, g, b) = (Int(pixels[p]), Int(pixels[p + 1]), Int(pixels[p + 2]))
        if c == 1 {
          values[i] = Float((r * 299 + g * 587 + b * 114) / 1000) * scale
        } else {
          values[i] = Float(r) * scale
          values[plane + i] = Float(g) * scale
          values[2 * plane + i] = Float(b) * scale
        }
      } else {
        let v = Float(pixels[p]) * scale
        for k in 0..<c { values[k * plane + i] = v }
      }
    }
    return values
  }

  /// Channels a network sees for this image: 1 for gray (with or without alpha), 3 for colour.
  public var planeCount: Int { channels >= 3 ? 3 : 1 }
}
