import Foundation
import NNCompileKit

/// Exit codes: 0 success · 1 the model, an input or the verification failed · 2 invalid command line.
enum ExitCode {
  static let success: Int32 = 0
  static let failure: Int32 = 1
  static let usage: Int32 = 2
}

let overview = """
  OVERVIEW: Compile Neural Network Console / nnabla models (.nnp) to portable C99 for microcontrollers.

  USAGE: nncompile <model.nnp> [--target <target>] [-o <dir>] [options]
         nncompile <subcommand> …

  SUBCOMMANDS:
    compile (default)   Write model.h, model.c, weights and kernels to the output folder.
    verify              Build the generated C on this host, run it on inputs and compare with the
                        Swift reference interpreter (and with expected outputs, if given).
    train               Train a network (NNC's Main) on a dataset and write the trained .nnp.
    search              Search network structures for the lowest error within flash, RAM and time budgets.
    info                Show networks, inputs/outputs, and per layer shape, parameters and MACs.

  See 'nncompile <subcommand> --help' for the options of each.
  """

func run(_ argv: [String]) -> Int32 {
  var args = Array(argv.dropFirst())
  if args.isEmpty || args == ["--help"] || args == ["-h"] || args == ["help"] {
    print(overview)
    return args.isEmpty ? ExitCode.usage : ExitCode.success
  }
  if args == ["--version"] {
    print(nncompileVersion)
    return ExitCode.success
  }
  let subcommand: any Subcommand.Type
  switch args.first {
  case "verify": subcommand = VerifyCommand.self; args.removeFirst()
  case "info": subcommand = InfoCommand.self; args.removeFirst()
  case "train": subcommand = TrainCommand.self; args.removeFirst()
  case "search": subcommand = SearchCommand.self; args.removeFirst()
  case "compile": subcommand = CompileCommand.self; args.removeFirst()
  default: subcommand = CompileCommand.self
  }
  if args.contains("--help") || args.contains("-h") {
    print(subcommand.help)
    return ExitCode.success
  }
  do {
    return try subcommand.run(args)
  } catch let e as Arguments.UsageError {
    FileHandle.standardError.write(Data("Error: \(e.message)\nUsage: \(subcommand.usage)\n  See 'nncompile \(subcommand.name) --help'.\n".utf8))
    return ExitCode.usage
  } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    return ExitCode.failure
  }
}

Interrupt.handleSignals()
exit(run(CommandLine.arguments))
