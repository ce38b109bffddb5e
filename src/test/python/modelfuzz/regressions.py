"""Named mutants, one per crash class the fuzzer found, built on the smallest reference models.

Each of them crashed or aborted the JVM (or let an unclean Java error out of the API) before LiteModel checked
graphs itself; ``python -m modelfuzz regressions --out DIR`` writes them with a manifest whose ``expected`` field is
the text the clean rejection must contain. The Java test suite runs the committed copies
(src/test/resources/io/litemodel/fuzz/) in child JVMs.
"""

import json
import os

from .mutations import normalize
from .schema import NAMED_OPERATORS, NAMED_TYPES, pack, schema, unpack


def _drop_last_operator(model):
    model.subgraphs[0].operators.pop()


def _output_to(tensor):
    def mutate(model):
        model.subgraphs[0].outputs = [tensor]
        model.signatureDefs[0].outputs[0].tensorIndex = tensor
    return mutate


def _output_type(type_name):
    def mutate(model):
        model.subgraphs[0].tensors[7].type = NAMED_TYPES[type_name]
    return mutate


def _detection_postprocess(model):
    code = model.operatorCodes[1]
    code.builtinCode = code.deprecatedBuiltinCode = NAMED_OPERATORS["CUSTOM"]
    code.customCode = "TFLite_Detection_PostProcess"


def _input_shape(shape):
    def mutate(model):
        tensor = model.subgraphs[0].tensors[0]
        tensor.shape = list(shape)
        tensor.shapeSignature = list(shape)
    return mutate


def _softmax_reads(tensor):
    def mutate(model):
        model.subgraphs[0].operators[2].inputs = [tensor]
    return mutate


def _concatenation_drops_input(model):
    model.subgraphs[0].operators[2].inputs = [8]


def _second_signature_optional_input(model):
    model.subgraphs[1].operators[0].inputs = [0, -1]


def _second_signature_type_mismatch(model):
    model.subgraphs[1].tensors[1].type = NAMED_TYPES["INT32"]


def _strided_slice_missing_input(model):
    model.subgraphs[0].operators[5].inputs[2] = -1


def _custom_without_name(model):
    code = model.operatorCodes[0]
    code.builtinCode = code.deprecatedBuiltinCode = NAMED_OPERATORS["CUSTOM"]
    code.customCode = None


def _output_is_unwritten_variable(model):
    subgraph = model.subgraphs[0]
    subgraph.operators.pop()
    subgraph.tensors[2].isVariable = True


def _concatenation_becomes_split(model):
    code = model.operatorCodes[1]
    code.builtinCode = code.deprecatedBuiltinCode = NAMED_OPERATORS["SPLIT"]


def _logistic_becomes_batch_matmul(model):
    model.operatorCodes[2].deprecatedBuiltinCode = 126  # BATCH_MATMUL: TFLite takes the larger of the two codes


def _scale_on_float_weight(model):
    q = schema.QuantizationParametersT()
    q.scale = [float("nan")]
    q.zeroPoint = [0]
    model.subgraphs[0].tensors[3].quantization = q


def _first_layers_up_to(operator_name):
    """Cuts a model (image_cnn is 1.6 MB) after its first ``operator_name``, whose result becomes the model's output, and empties
    the buffers no remaining operator reads: a few-KB model with the same kernel, so the committed mutant stays small."""
    def mutate(model):
        subgraph = model.subgraphs[0]
        codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
        last = next(i for i, op in enumerate(subgraph.operators)
                    if codes[op.opcodeIndex] == NAMED_OPERATORS[operator_name])
        subgraph.operators = subgraph.operators[:last + 1]
        output = subgraph.operators[last].outputs[0]
        subgraph.outputs = [output]
        for signature in model.signatureDefs or []:
            signature.outputs = signature.outputs[:1]
            signature.outputs[0].tensorIndex = output
        read = {t for op in subgraph.operators for t in op.inputs}
        for index, tensor in enumerate(subgraph.tensors):
            if index not in read and tensor.buffer:
                model.buffers[tensor.buffer].data = None
        return subgraph.operators[last]
    return mutate


def _conv_padding(value):
    def mutate(model):
        _first_layers_up_to("CONV_2D")(model).builtinOptions.padding = value
    return mutate


def _depthwise_without_bias(model):
    operator = _first_layers_up_to("DEPTHWISE_CONV_2D")(model)
    operator.inputs = operator.inputs[:2]


def _reshape_output_type(type_name):
    def mutate(model):
        operator = _first_layers_up_to("RESHAPE")(model)
        model.subgraphs[0].tensors[operator.outputs[0]].type = NAMED_TYPES[type_name]
    return mutate


def _second_signature_output(value):
    def mutate(model):
        model.subgraphs[1].operators[0].outputs = [value]
    return mutate


# name: (model, mutation, description, text the rejection must contain). One mutant loads and fails only in
# predict, so its manifest entry says so (OUTCOMES); every other one is rejected at load.
# second_signature_type_mismatch loads because its main graph has a dynamic input (the preparation of a model whose
# operators reject its stored shapes is deferred to the first shape it is given) and is refused when 'scale' runs.
OUTCOMES = {"output_is_unwritten_variable": "run_error", "second_signature_type_mismatch": "run_error"}
RECIPES = {
    "output_without_producer": ("seed_classifier", _drop_last_operator,
                                "last operator (SOFTMAX) deleted: the subgraph output has no producer",
                                "output 0, tensor 7 'StatefulPartitionedCall:0': no operator produces it"),
    "output_is_intermediate": ("seed_classifier", _output_to(6),
                               "subgraph output (and signature) moved to the FULLY_CONNECTED result",
                               "operator 2 (SOFTMAX): none of its results is used"),
    "output_is_constant": ("seed_classifier", _output_to(3),
                           "subgraph output (and signature) moved to a constant weight",
                           "operator 2 (SOFTMAX): none of its results is used"),
    "output_is_input": ("seed_classifier", _output_to(0),
                        "subgraph output (and signature) moved to the subgraph input",
                        "operator 2 (SOFTMAX): none of its results is used"),
    "softmax_writes_string": ("seed_classifier", _output_type("STRING"),
                              "SOFTMAX output type changed to STRING (segfaulted in SoftmaxImpl at invoke)",
                              "SOFTMAX cannot write STRING"),
    "softmax_writes_variant": ("seed_classifier", _output_type("VARIANT"),
                               "SOFTMAX output type changed to VARIANT (segfaulted in SoftmaxImpl at invoke)",
                               "SOFTMAX cannot write VARIANT"),
    "detection_postprocess_without_options": (
        "seed_classifier", _detection_postprocess,
        "SOFTMAX's operator code rewritten to custom TFLite_Detection_PostProcess, no custom options",
        "operator 2 (TFLite_Detection_PostProcess): this custom operator needs custom options"),
    "input_of_a_billion_elements": ("seed_classifier", _input_shape([1, 1_000_000_000]),
                                    "input declares [1, 1000000000] (JavaCPP OutOfMemoryError at load)",
                                    "over the memory budget of 1.0 GiB"),
    "input_of_rank_20": ("seed_classifier", _input_shape([1] * 20),
                         "input of rank 20", "rank 20 exceeds 6"),
    "operator_input_redirected": ("seed_classifier", _softmax_reads(5),
                                  "SOFTMAX reads the first FULLY_CONNECTED's result (segfault in "
                                  "xnn_subgraph_fusion)",
                                  "operator 1 (FULLY_CONNECTED): none of its results is used"),
    "concatenation_input_removed": ("multi_io", _concatenation_drops_input,
                                    "CONCATENATION loses an input (abort in xnn_subgraph_optimize)",
                                    "operator 0 (FULLY_CONNECTED): none of its results is used"),
    "second_signature_missing_input": ("multi_signature", _second_signature_optional_input,
                                       "signature 'scale' (subgraph 1): MUL's second input set to -1 (segfault "
                                       "in XNNPACK)",
                                       "subgraph 1, operator 0 (MUL): input 1 is left out (-1), but MUL needs it"),
    "second_signature_type_mismatch": ("multi_signature", _second_signature_type_mismatch,
                                       "signature 'scale' (subgraph 1): MUL's constant becomes INT32; only "
                                       "preparing subgraph 1 finds it",
                                       "Node number 0 (MUL) failed to prepare"),
    "strided_slice_missing_input": ("token_embedding", _strided_slice_missing_input,
                                    "STRIDED_SLICE's end input set to -1 (segfault in strided_slice::Prepare)",
                                    "operator 5 (STRIDED_SLICE): input 2 is left out (-1), but STRIDED_SLICE needs "
                                    "it"),
    "custom_code_without_name": ("multi_signature", _custom_without_name,
                                 "ADD's operator code becomes CUSTOM with no custom name (NullPointerException)",
                                 "operator 0 (CUSTOM): its operator code 0 is CUSTOM but names no custom operator"),
    "output_is_unwritten_variable": ("multi_signature", _output_is_unwritten_variable,
                                     "signature 'add' loses its only operator and its output becomes a variable: "
                                     "predict of 2 rows read past the output (IndexOutOfBoundsException)",
                                     "output 'StatefulPartitionedCall:0' has shape [1, 4] for a batch of 2 rows: it "
                                     "does not grow with the batch"),
    "split_axis_not_constant": ("multi_io", _concatenation_becomes_split,
                                "CONCATENATION's operator code becomes SPLIT, whose axis is then an activation "
                                "(SIGSEGV in XNNPACK while the interpreter is built)",
                                "operator 2 (SPLIT), input 0, tensor 8"),
    "batch_matmul_with_one_input": ("multi_io", _logistic_becomes_batch_matmul,
                                    "LOGISTIC's deprecated_builtin_code becomes 126 (BATCH_MATMUL) and reads a "
                                    "second input it does not have (SIGSEGV while the interpreter is built)",
                                    "operator 6 (BATCH_MATMUL): has 1 inputs; BATCH_MATMUL reads 2"),
    "nan_scale_on_float_weight": ("seed_classifier", _scale_on_float_weight,
                                  "a float weight gets quantization with scale NaN",
                                  "quantization scale 0 is NaN"),
    "conv_padding_minus_one": ("image_cnn", _conv_padding(-1),
                               "image_cnn cut after its first CONV_2D, whose padding is set to -1 (SIGSEGV in memset "
                               "in the built-in conv's Eval)",
                               "operator 0 (CONV_2D): padding -1 is neither SAME (0) nor VALID (1)"),
    "depthwise_conv_without_bias": ("image_cnn", _depthwise_without_bias,
                                    "image_cnn cut after its first DEPTHWISE_CONV_2D, whose bias input is removed "
                                    "(SIGSEGV in memcpy in the optimized kernel at invoke)",
                                    "(DEPTHWISE_CONV_2D): has 2 inputs; DEPTHWISE_CONV_2D reads 3"),
    "operator_output_minus_one": ("multi_signature", _second_signature_output(-1),
                                  "signature 'scale' (subgraph 1): MUL's output index set to -1 (C++ "
                                  "std::out_of_range '_Map_base::at' escaped as a RuntimeException at load)",
                                  "subgraph 1, operator 0 (MUL): output 0 is tensor -1, outside the subgraph's"),
    "reshape_writes_another_type": ("token_embedding", _reshape_output_type("INT8"),
                                    "token_embedding cut after its RESHAPE, whose FLOAT32 output is retyped INT8: "
                                    "RESHAPE copies 48 bytes into 12 (malloc() abort at invoke; the class first "
                                    "crashed public-model mutants)",
                                    "operator 7 (RESHAPE), output 0, tensor 15 'token_embedding_1/flat_1/Reshape': "
                                    "RESHAPE writes the type it reads (FLOAT32), not INT8"),
}


def write(models_dir: str, out_dir: str):
    """Writes every recipe's mutant and ``manifest.jsonl`` (with ``expected``) to ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "manifest.jsonl"), "w", encoding="utf-8") as manifest:
        for number, (name, (model_name, mutate, description, expected)) in enumerate(RECIPES.items()):
            with open(os.path.join(models_dir, model_name + ".tflite"), "rb") as f:
                model = normalize(unpack(f.read()))
            mutate(model)
            file_name = name + ".tflite"
            with open(os.path.join(out_dir, file_name), "wb") as out:
                out.write(pack(model))
            manifest.write(json.dumps({"id": number, "model": model_name, "kind": name, "description": description,
                                       "file": file_name, "expected": expected,
                                       "expected_outcome": OUTCOMES.get(name, "rejected")}) + "\n")
    return len(RECIPES)
