import NNIR

/// The API every generated model has (DESIGN §4), float32 or int8: the header with its sizes and
/// declarations, the `run_multi` / `run` wrappers, and the assembly of `out/`.
struct ModelAPI {
  struct Port {
    var name: String
    var shape: [Int]
    /// Appended to the header's line for this input or output (e.g. its int8 scale).
    var detail: String = ""
  }

  let prefix: String
  let inputs: [Port]
  let outputs: [Port]
  let arenaBytes: Int

  var upper: String { prefix.uppercased() }
  /// One input and one output: `<prefix>_run(input, output)` exists.
  var isSingle: Bool { inputs.count == 1 && outputs.count == 1 }

  /// `<prefix>.h`. `summary` opens the comment; `defines` and `declarations` add to the common API.
  func header(banner: String, summary: [String], notes: [String] = [], defines: [String] = [], declarations: [String] = []) -> String {
    var w = CWriter()
    w.line(banner)
    w.line("#ifndef \(upper)_H")
    w.line("#define \(upper)_H")
    w.line()
    w.line("#include <stdint.h>")
    w.line()
    w.line("/*")
    for s in summary { w.line(" * \(s)") }
    w.line(" *")
    for (k, p) in inputs.enumerated() { w.line(" * input \(k): '\(CNames.comment(p.name))' shape \(p.shape)\(p.detail)") }
    for (k, p) in outputs.enumerated() { w.line(" * output \(k): '\(CNames.comment(p.name))' shape \(p.shape)\(p.detail)") }
    for note in notes { w.line(" * note: \(CNames.comment(note))") }
    w.line(" *")
    w.line(" * No malloc, no stdio: all activations live in one static arena of \(upper)_ARENA_BYTES bytes;")
    w.line(" * the weights are const arrays (flash). The *_with_arena variant takes your own arena")
    w.line(" * (\(upper)_ARENA_BYTES bytes, 4-byte aligned), so separate arenas make calls re-entrant.")
    w.line(" */")
    w.line()
    w.line("#define \(upper)_INPUT_COUNT \(inputs.count)")
    w.line("#define \(upper)_OUTPUT_COUNT \(outputs.count)")
    for (k, p) in inputs.enumerated() { w.line("#define \(upper)_INPUT_\(k)_SIZE \(p.shape.reduce(1, *))") }
    for (k, p) in outputs.enumerated() { w.line("#define \(upper)_OUTPUT_\(k)_SIZE \(p.shape.reduce(1, *))") }
    if let i = inputs.first, let o = outputs.first {
      w.line("#define \(upper)_INPUT_SIZE \(i.shape.reduce(1, *)) /* elements of input 0 */")
      w.line("#define \(upper)_OUTPUT_SIZE \(o.shape.reduce(1, *)) /* elements of output 0 */")
    }
    w.lines(defines)
    w.line("#define \(upper)_ARENA_BYTES \(max(arenaBytes, 4))")
    w.line()
    w.line("#ifdef __cplusplus")
    w.line("extern \"C\" {")
    w.line("#endif")
    w.line()
    if isSingle {
      w.line("/* Runs the model once: input has \(upper)_INPUT_SIZE floats, output receives")
      w.line("   \(upper)_OUTPUT_SIZE floats. Returns 0 on success. Not re-entrant (one static arena). */")
      w.line("int \(prefix)_run(const float *input, float *output);")
      w.line()
    }
    for d in declarations { w.line(d) }
    w.line("/* Any number of inputs/outputs: inputs[k] holds \(upper)_INPUT_k_SIZE floats, outputs[k]")
    w.line("   receives \(upper)_OUTPUT_k_SIZE floats. Returns 0 on success. */")
    w.line("int \(prefix)_run_multi(const float *const *inputs, float *const *outputs);")
    w.line()
    w.line("/* As \(prefix)_run_multi, with a caller-owned arena of \(upper)_ARENA_BYTES bytes (4-byte aligned). */")
    w.line("int \(prefix)_run_multi_with_arena(void *arena, const float *const *inputs, float *const *outputs);")
    w.line()
    w.line("#ifdef __cplusplus")
    w.line("}")
    w.line("#endif")
    w.line()
    w.line("#endif /* \(upper)_H */")
    return w.text
  }

  /// The includes and the static arena that open `<prefix>.c`.
  func sourcePrologue(_ w: inout CWriter, banner: String, plan: MemoryPlan) {
    w.line(banner)
    w.line("#include \"\(prefix).h\"")
    w.line("#include \"\(prefix)_weights.h\"")
    w.line("#include \"nnc_runtime.h\"")
    w.line("#include <string.h>")
    w.line()
    w.line("/* The one arena: every activation lives here at an offset planned at compile time")
    w.line("   (\(plan.plannerName); \(plan.arenaBytes) bytes, lower bound \(plan.lowerBound)). */")
    w.line("static float \(prefix)_arena[(\(upper)_ARENA_BYTES + 3) / 4];")
    w.line()
  }

  /// `<prefix>_run_multi` and `<prefix>_run`, both over `<prefix>_run_multi_with_arena`.
  func wrappers(_ w: inout CWriter) {
    w.line()
    w.block("int \(prefix)_run_multi(const float *const *inputs, float *const *outputs)") { w in
      w.line("return \(prefix)_run_multi_with_arena(\(prefix)_arena, inputs, outputs);")
    }
    if isSingle {
      w.line()
      w.block("int \(prefix)_run(const float *input, float *output)") { w in
        w.line("const float *inputs[1];")
        w.line("float *outputs[1];")
        w.line("inputs[0] = input;")
        w.line("outputs[0] = output;")
        w.line("return \(prefix)_run_multi(inputs, outputs);")
      }
    }
  }

  /// Everything `out/` holds: the model's four files, every runtime header, and the runtime
  /// sources the model's code calls.
  func files(header: String, source: String, constants: ConstantArrays, banner: String) throws -> [(name: String, contents: String)] {
    var files: [(name: String, contents: String)] = [
      ("\(prefix).h", header),
      ("\(prefix).c", source),
      ("\(prefix)_weights.h", constants.header(banner: banner)),
      ("\(prefix)_weights.c", constants.source(banner: banner)),
    ]
    let headers = RuntimeSources.files.keys.filter { $0.hasPrefix("include/") }.sorted()
    for key in headers + RuntimeLibrary.sources(called: source).sorted() {
      guard let text = RuntimeSources.files[key] else { throw CodegenError("runtime file \(key) is missing from the build") }
      files.append((String(key.split(separator: "/").last!), text + "\n"))
    }
    return files
  }
}
