/// Structure search (`nncompile search`): from a network's `Main`, mutated variants trained,
/// quantized to int8 and measured against the target's budgets — error against cycles, flash and
/// RAM — as Neural Network Console's structure search plots error against multiply-adds.
///
/// - `Mutation/`: the mutations of a network definition (nntxt), each candidate kept valid.
/// - `Driver/`: the search loop, the Pareto front, and what it writes (`results.csv`/`.json`,
///   `report.html`, `best/<budget>.nnp`).
public enum NNSearch {}
