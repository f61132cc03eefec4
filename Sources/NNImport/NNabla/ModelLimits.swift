import NNFormats

/// The largest model nncompile reads, so a wrong or hostile file fails fast instead of filling memory.
///
/// The bound comes from the targets: the largest flash of any target is 8 MiB (cortex-m4f), and
/// float32 parameters are 4× their int8 form, so no target can hold a model with more than
/// 32 MiB of parameters. Twice that (64 MiB) leaves room for the network text, NNC's nested
/// training results and the training form of a network, and still refuses in milliseconds a file
/// that could never be compiled for anything.
public enum ModelLimits {
  /// A `.nnp`, `.nntxt` or `.prototxt` file as it is on disk.
  public static let fileBytes = 64 << 20
  /// What an `.nnp` may inflate to: one entry, and every entry together.
  public static let archive = ZipLimits(entryBytes: 64 << 20, totalBytes: 128 << 20)
  /// How the limits are named in messages.
  public static let kind = "a model file (no target can hold a bigger model)"
}
