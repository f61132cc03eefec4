import NNIR

/// The emitter's side of `CFunctionCall`: one node's tensors as C expressions, over the
/// `EmitContext` of a float model or an int8 program.
struct FunctionCallContext: CFunctionCall {
  var context: EmitContext
  let name: String
  let elementType: ElementType
  let inputs: [Int]
  let outputs: [Int]

  var inputCount: Int { inputs.count }
  var outputCount: Int { outputs.count }
  func inputShape(_ k: Int) -> [Int] { context.shape(inputs[k]) }
  func outputShape(_ k: Int) -> [Int] { context.shape(outputs[k]) }
  func input(_ k: Int) -> String { context.input(inputs[k]) }
  func output(_ k: Int) -> String { context.output(outputs[k]) }
  func sharesBytes(output k: Int, input j: Int) -> Bool { context.sharesBuffer(inputs[j], outputs[k]) }

  mutating func parameterStruct(_ type: String, _ stem: String, _ fields: [(String, String)]) -> String {
    context.table(type, stem, CLiteral.designated(fields))
  }

  mutating func constantInt8(_ stem: String, _ values: [Int8]) -> String {
    context.array("int8_t", stem, values.map { "\($0)" })
  }
  mutating func constantInt16(_ stem: String, _ values: [Int16]) -> String {
    context.array("int16_t", stem, values.map { "\($0)" })
  }
  mutating func constantInt32(_ stem: String, _ values: [Int32]) -> String {
    context.array("int32_t", stem, values.map(CLiteral.int32))
  }
  mutating func constantFloat(_ stem: String, _ values: [Float]) -> String {
    context.array("float", stem, values.map(CLiteral.float))
  }

  /// The statements of `function` for `node`, or an error naming what has no C kernel.
  static func emit(
    _ function: any NNFunction, name: String, inputs: [Int], outputs: [Int], elementType: ElementType, _ c: inout EmitContext
  ) throws -> [String] {
    var call: any CFunctionCall = FunctionCallContext(context: c, name: name, elementType: elementType, inputs: inputs, outputs: outputs)
    guard let lines = try function.emitC(&call) else {
      throw CodegenError("function '\(name)' (\(type(of: function).typeName)) has no C kernel yet")
    }
    c = (call as! FunctionCallContext).context
    return lines
  }

  /// The statements of an int8 `.custom` kernel.
  static func emit(
    _ kernel: any Int8FunctionKernel, name: String, inputs: [Int], output: Int, _ c: inout EmitContext
  ) throws -> [String] {
    var call: any CFunctionCall = FunctionCallContext(context: c, name: name, elementType: .int8, inputs: inputs, outputs: [output])
    let lines = try kernel.emitC(&call)
    c = (call as! FunctionCallContext).context
    return lines
  }
}
