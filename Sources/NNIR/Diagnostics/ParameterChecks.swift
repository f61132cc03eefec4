/// Checks on parameter values that import cannot make (it only reads them): a float build warns
/// about them, an int8 build cannot quantize them.
extension ModelGraph {
  /// One line per parameter holding NaN or ±Inf, naming it with the first bad value and how many
  /// there are: `parameter 'conv1/W' holds 3 non-finite values (first: nan at index 0)`.
  public var nonFiniteParameterProblems: [String] {
    parameterIndices.compactMap { t in
      guard let values = tensors[t].data?.values, let first = values.firstIndex(where: { !$0.isFinite }) else { return nil }
      let count = values.lazy.filter { !$0.isFinite }.count
      let plural = count == 1 ? "value" : "values"
      return "parameter '\(tensors[t].name)' holds \(count) non-finite \(plural) (first: \(values[first]) at index \(first))"
    }
  }
}
