import NNFormats
