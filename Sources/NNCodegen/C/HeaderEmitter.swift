import NNIR

/// Emits `<prefix>.h`: the API a user's program calls, with the sizes and layouts it needs.
enum HeaderEmitter {
  static func header(_ graph: ModelGraph, plan: MemoryPlan, prefix: String, banner: String) -> String {
    let upper = prefix.uppercased()
    var w = CWriter()
    w.line(banner)
    w.line("#ifndef \(upper)_H")
    w.line("#define \(upper)_H")
    w.line()
    w.line("/*")
    w.line(" * Float32 model. Tensors are float32, row-major, in the model's own layout (NCHW for images,")
    w.line(" * exactly as nnabla feeds them). Images from a Neural Network Console dataset are fed as")
    w.line(" * pixel / 255 unless the model's executor sets no_image_normalization.")
    w.line(" *")
    for (k, t) in graph.inputs.enumerated() {
      w.line(" * input \(k): '\(CNames.comment(graph.tensors[t].name))' shape \(graph.tensors[t].shape)")
    }
    for (k, t) in graph.outputs.enumerated() {
      w.line(" * output \(k): '\(CNames.comment(graph.tensors[t].name))' shape \(graph.tensors[t].shape)")
    }
    w.line(" *")
    w.line(" * No malloc, no stdio: all activations live in one static arena of \(upper)_ARENA_BYTES bytes;")
    w.line(" * the weights are const arrays (flash). The *_with_arena variant takes your own arena")
    w.line(" * (\(upper)_ARENA_BYTES bytes, 4-byte aligned), so separate arenas make calls re-entrant.")
    w.line(" */")
    w.line()
    w.line("#define \(upper)_INPUT_COUNT \(graph.inputs.count)")
    w.line("#define \(upper)_OUTPUT_COUNT \(graph.outputs.count)")
    for (k, t) in graph.inputs.enumerated() {
      w.line("#define \(upper)_INPUT_\(k)_SIZE \(graph.tensors[t].elementCount)")
    }
    for (k, t) in graph.outputs.enumerated() {
      w.line("#define \(upper)_OUTPUT_\(k)_SIZE \(graph.tensors[t].elementCount)")
    }
    if let i = graph.inputs.first, let o = graph.outputs.first {
      w.line("#define \(upper)_INPUT_SIZE \(graph.tensors[i].elementCount) /* elements of input 0 */")
      w.line("#define \(upper)_OUTPUT_SIZE \(graph.tensors[o].elementCount) /* elements of output 0 */")
    }
    w.line("#define \(upper)_ARENA_BYTES \(max(plan.arenaBytes, 4))")
    w.line()
    w.line("#ifdef __cplusplus")
    w.line("extern \"C\" {")
    w.line("#endif")
    w.line()
    if graph.inputs.count == 1 && graph.outputs.count == 1 {
      w.line("/* Runs the model once: input has \(upper)_INPUT_SIZE floats, output receives")
      w.line("   \(upper)_OUTPUT_SIZE floats. Returns 0 on success. Not re-entrant (one static arena). */")
      w.line("int \(prefix)_run(const float *input, float *output);")
      w.line()
    }
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
}
