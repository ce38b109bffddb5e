"""Schema-aware fuzzer for TensorFlow Lite models: mutates a model's meaning while keeping it a valid flatbuffer.

Run ``python -m modelfuzz --help`` from ``src/test/python``. The mutants are loaded, run and closed by the Java
harness ``io.litemodel.fuzz.FuzzRunner`` (see the README's "Fuzzing" section).
"""
