// The umbrella: `import NNCompileKit` gives the whole pipeline.
@_exported import NNCodegen
@_exported import NNEmulation
@_exported import NNExport
@_exported import NNFormats
@_exported import NNFunctions
@_exported import NNHostSim
@_exported import NNIR
@_exported import NNImport
@_exported import NNInterpreter
@_exported import NNPasses
@_exported import NNQuantize
@_exported import NNTrain
