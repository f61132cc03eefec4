/// Float32 reference kernels: the semantics of every op, written plainly in Swift.
///
/// These are the oracle the generated C (`runtime-c/`) is checked against, so each kernel keeps the
/// summation order of its C twin where it matters. Inputs are already shape-checked by the caller
/// (`ShapeInference`); kernels only `precondition` on programmer errors. Ops are added to this enum
/// in extensions, one file per op family.
public enum FloatKernels {}
