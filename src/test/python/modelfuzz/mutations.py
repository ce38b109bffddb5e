"""Schema-aware mutations of a TensorFlow Lite model's object tree.

Each mutation kind is a function ``(model, rng) -> str | None`` that changes the ``ModelT`` in place and returns a
one-line description of what it did, or returns None when the model offers nothing to apply it to (the generator then
draws again). The mutants stay well-formed flatbuffers, so they get past the flatbuffer verifier and test what sits
behind it: the runtime's and the delegates' trust in the graph's meaning.

Kinds, and what each one targets (the crash classes of issue 10 are named in brackets):
  shape            a tensor's dims or shape_signature: one dim changed, rank changed, rank 20, a billion elements
                   [input of rank 20 aborts at invoke; input of a billion elements]
  type             a tensor's element type, STRING and the rest [output changed to STRING segfaults in softmax]
  buffer           constant data dropped, truncated, grown, swapped, or a tensor pointed at another buffer
  operator_io      an operator input or output redirected, set to -1, out of range, added or removed
                   [input redirected to a tensor of another shape]
  operator_order   operators deleted, duplicated or swapped [subgraph output with no producer]
  opcode           operator code index changed, builtin code rewritten, builtin rewritten to a custom op without
                   options [TFLite_Detection_PostProcess segfaults in preparation]
  builtin_options  the options table replaced by another type, dropped, or one field set to an extreme
  quantization     scale inf/NaN/0/negative, zero point, quantized_dimension, mismatched lengths, added or removed
                   [int8 scale of inf or NaN; QUANTIZE/DEQUANTIZE reading a constant weight]
  subgraph_io      a subgraph's inputs/outputs pointed elsewhere (constants, intermediates), dropped or repeated
  signature        a signature's subgraph index, key, names or tensor indices [a second signature's subgraph]
  variable         a tensor marked as (or no longer) a variable
  combo            two or three mutations of the kinds above together
"""

import copy
import math

import numpy as np

from .schema import (BUILTIN_OPERATORS, BUILTIN_OPTIONS, NAMED_OPERATORS, NAMED_TYPES, TENSOR_TYPES, options_class,
                     schema)

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)

# Dims that sit on edges: empty, dynamic, tiny, and large enough to overflow element counts or byte sizes.
EDGE_DIMS = [0, -1, 1, 2, 3, 7, 1000, 65536, 1_000_000_000, INT32_MAX, -7]

# Custom codes: real custom ops with mandatory options (none given), and names nobody registered.
CUSTOM_CODES = ["TFLite_Detection_PostProcess", "Convolution2DTransposeBias", "MaxPoolingWithArgmax2D",
                "MaxUnpooling2D", "DensifyCustomOp", "FlexAddV2", "NoSuchOperator", ""]

# Builtins an operator is rewritten to: ones with options, with many inputs, with state, and plain elementwise.
REWRITE_BUILTINS = ["ADD", "MUL", "SUB", "SOFTMAX", "FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "RESHAPE",
                    "CONCATENATION", "QUANTIZE", "DEQUANTIZE", "GATHER", "STRIDED_SLICE", "MEAN", "LOGISTIC", "TANH",
                    "ELU", "PACK", "TRANSPOSE", "BATCH_MATMUL", "LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM", "SVDF",
                    "WHILE", "IF", "CALL_ONCE", "CUSTOM", "DELEGATE", "EMBEDDING_LOOKUP", "HASHTABLE_LOOKUP",
                    "MAX_POOL_2D", "L2_NORMALIZATION", "SPLIT", "SELECT_V2", "ASSIGN_VARIABLE", "READ_VARIABLE",
                    "STABLEHLO_ADD", "SHAPE", "SLICE", "PAD", "RESIZE_BILINEAR", "TOPK_V2", "ARG_MAX", "CAST"]

# The types a tensor is rewritten to, STRING and the quantized ones drawn more often than the exotic ones.
TYPE_CHOICES = (["STRING"] * 4 + ["INT8"] * 3 + ["UINT8", "INT16", "INT32", "INT64", "FLOAT16", "BOOL", "FLOAT64",
                                                  "FLOAT32", "INT4", "BFLOAT16", "COMPLEX64", "RESOURCE", "VARIANT",
                                                  "UINT32", "INT2", "UINT4"])
EDGE_SCALES = [math.inf, -math.inf, math.nan, 0.0, -0.5, 1e-45, 3e38, -1e-3]
EDGE_ZERO_POINTS = [-129, 128, 255, 256, -32769, 70000, INT32_MAX, INT32_MIN]


def _list(values):
    return [] if values is None else [int(v) for v in values]


def normalize(model):
    """Turns the numpy index vectors of a freshly unpacked model into lists, so mutations can edit them freely."""
    for subgraph in model.subgraphs or []:
        subgraph.inputs = _list(subgraph.inputs)
        subgraph.outputs = _list(subgraph.outputs)
        for tensor in subgraph.tensors or []:
            tensor.shape = _list(tensor.shape)
            if tensor.shapeSignature is not None:
                tensor.shapeSignature = _list(tensor.shapeSignature)
            q = tensor.quantization
            if q is not None:
                q.scale = None if q.scale is None else [float(v) for v in q.scale]
                q.zeroPoint = None if q.zeroPoint is None else [int(v) for v in q.zeroPoint]
        for op in subgraph.operators or []:
            op.inputs = _list(op.inputs)
            op.outputs = _list(op.outputs)
    return model


# ------------------------------------------------------------------------------------------------------------------
# Helpers


def _subgraph(model, rng):
    index = rng.randrange(len(model.subgraphs))
    return index, model.subgraphs[index]


def _tensor_name(tensor):
    name = tensor.name
    name = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
    return name if len(name) <= 60 else name[:57] + "..."


def _constant(model, tensor):
    buffers = model.buffers or []
    return 0 < tensor.buffer < len(buffers) and buffers[tensor.buffer].data is not None \
        and len(buffers[tensor.buffer].data) > 0


def _where(s, t, subgraph):
    return f"subgraph {s} tensor {t} '{_tensor_name(subgraph.tensors[t])}'"


def _op_name(model, op):
    codes = model.operatorCodes or []
    if not 0 <= op.opcodeIndex < len(codes):
        return f"opcode#{op.opcodeIndex}"
    code = codes[op.opcodeIndex]
    if code.builtinCode == NAMED_OPERATORS["CUSTOM"]:
        return "CUSTOM:" + (code.customCode.decode() if isinstance(code.customCode, bytes) else str(code.customCode))
    return BUILTIN_OPERATORS.get(code.builtinCode, str(code.builtinCode))


def _pick_tensor(model, subgraph, rng, role):
    """Picks a tensor index of the subgraph by role: graph input/output, constant, activation, or any."""
    count = len(subgraph.tensors)
    # Earlier mutations of a combo may have left indices out of range: pick among the valid ones.
    inputs = [t for t in subgraph.inputs if 0 <= t < count]
    outputs = [t for t in subgraph.outputs if 0 <= t < count]
    if role == "input" and inputs:
        return rng.choice(inputs)
    if role == "output" and outputs:
        return rng.choice(outputs)
    constants = [t for t in range(count) if _constant(model, subgraph.tensors[t])]
    if role == "constant" and constants:
        return rng.choice(constants)
    activations = [t for t in range(count) if t not in constants]
    if role == "activation" and activations:
        return rng.choice(activations)
    return rng.randrange(count)


ROLES = ["input", "output", "constant", "activation", "any"]


# ------------------------------------------------------------------------------------------------------------------
# Kinds


def mutate_shape(model, rng):
    s, subgraph = _subgraph(model, rng)
    t = _pick_tensor(model, subgraph, rng, rng.choice(ROLES))
    tensor = subgraph.tensors[t]
    where = _where(s, t, subgraph)
    how = rng.randrange(7)
    old = list(tensor.shape)
    if how == 0 and old:
        k = rng.randrange(len(old))
        tensor.shape[k] = rng.choice(EDGE_DIMS)
        return f"{where}: shape {old} -> {tensor.shape} (dim {k})"
    if how == 1 and old:
        del tensor.shape[rng.randrange(len(old))]
        if tensor.shapeSignature:
            tensor.shapeSignature = tensor.shapeSignature[:len(tensor.shape)]
        return f"{where}: rank {len(old)} -> {len(tensor.shape)}, shape {old} -> {tensor.shape}"
    if how == 2:
        tensor.shape.insert(rng.randrange(len(old) + 1), rng.choice([1, 2, 3]))
        if tensor.shapeSignature is not None:
            tensor.shapeSignature = list(tensor.shape)
        return f"{where}: rank {len(old)} -> {len(tensor.shape)}, shape {old} -> {tensor.shape}"
    if how == 3:
        rank = rng.choice([7, 9, 20, 64])
        tensor.shape = [rng.choice([1, 1, 2]) for _ in range(rank)]
        if tensor.shapeSignature is not None:
            tensor.shapeSignature = list(tensor.shape)
        return f"{where}: rank {len(old)} -> {rank}, shape {tensor.shape}"
    if how == 4:
        huge = rng.choice([1_000_000_000, 2**28, INT32_MAX])
        tensor.shape = [1, huge] if rng.random() < 0.5 else [huge] + old[1:]
        if tensor.shapeSignature is not None:
            tensor.shapeSignature = list(tensor.shape)
        return f"{where}: declares {tensor.shape} (huge), was {old}"
    if how == 5:
        signature = list(tensor.shapeSignature) if tensor.shapeSignature else list(old)
        if not signature:
            return None
        k = rng.randrange(len(signature))
        signature[k] = rng.choice([-1, 0, 5, -3, INT32_MAX])
        before = tensor.shapeSignature
        tensor.shapeSignature = signature
        return f"{where}: shape_signature {before} -> {signature} (shape {old})"
    tensor.shape = []
    return f"{where}: shape {old} -> [] (scalar)"


def mutate_type(model, rng):
    s, subgraph = _subgraph(model, rng)
    t = _pick_tensor(model, subgraph, rng, rng.choice(ROLES))
    tensor = subgraph.tensors[t]
    old = TENSOR_TYPES.get(tensor.type, str(tensor.type))
    new = rng.choice(TYPE_CHOICES)
    if new == old:
        new = "STRING"
    tensor.type = NAMED_TYPES[new]
    return f"{_where(s, t, subgraph)}: type {old} -> {new}"


def mutate_buffer(model, rng):
    s, subgraph = _subgraph(model, rng)
    constants = [t for t in range(len(subgraph.tensors)) if _constant(model, subgraph.tensors[t])]
    how = rng.randrange(7)
    if how == 6 or not constants:
        # An activation (or graph input) pointed at constant data, or at a buffer index past the end.
        t = _pick_tensor(model, subgraph, rng, rng.choice(["input", "activation", "output"]))
        tensor = subgraph.tensors[t]
        old = tensor.buffer
        if constants and rng.random() < 0.6:
            tensor.buffer = subgraph.tensors[rng.choice(constants)].buffer
        else:
            tensor.buffer = len(model.buffers) + rng.choice([0, 1, 1000])
        return f"{_where(s, t, subgraph)}: buffer {old} -> {tensor.buffer}"
    t = rng.choice(constants)
    tensor = subgraph.tensors[t]
    where = _where(s, t, subgraph)
    data = model.buffers[tensor.buffer].data
    if how == 0:
        model.buffers[tensor.buffer].data = None
        return f"{where}: constant data dropped ({len(data)} bytes)"
    if how == 1:
        keep = rng.choice([1, len(data) // 2, len(data) - 1])
        model.buffers[tensor.buffer].data = np.array(data[:keep], dtype=np.uint8)
        return f"{where}: constant data truncated {len(data)} -> {keep} bytes"
    if how == 2:
        extra = rng.choice([1, 4, len(data)])
        model.buffers[tensor.buffer].data = np.concatenate([data, np.full(extra, 0x7F, dtype=np.uint8)])
        return f"{where}: constant data grown {len(data)} -> {len(data) + extra} bytes"
    if how == 3 and len(constants) > 1:
        other = rng.choice([c for c in constants if c != t])
        tensor.buffer, subgraph.tensors[other].buffer = subgraph.tensors[other].buffer, tensor.buffer
        return f"{where}: buffer swapped with tensor {other} '{_tensor_name(subgraph.tensors[other])}'"
    if how == 4:
        # The weight loses its data and becomes a tensor nothing produces.
        old = tensor.buffer
        tensor.buffer = 0
        return f"{where}: constant unlinked from buffer {old} (no data, no producer)"
    fill = rng.choice([0x00, 0xFF, 0x7F])
    model.buffers[tensor.buffer].data = np.full(len(data), fill, dtype=np.uint8)
    return f"{where}: constant data filled with 0x{fill:02X} ({len(data)} bytes)"


def mutate_operator_io(model, rng):
    s, subgraph = _subgraph(model, rng)
    if not subgraph.operators:
        return None
    k = rng.randrange(len(subgraph.operators))
    op = subgraph.operators[k]
    where = f"subgraph {s} operator {k} ({_op_name(model, op)})"
    count = len(subgraph.tensors)
    side = "inputs" if rng.random() < 0.7 or not op.outputs else "outputs"
    values = getattr(op, side)
    how = rng.randrange(6)
    if how == 5:
        extra = rng.randrange(count)
        values.append(extra)
        return f"{where}: extra {side[:-1]} tensor {extra} appended"
    if not values:
        return None
    i = rng.randrange(len(values))
    old = values[i]
    if how == 0:
        values[i] = rng.randrange(count)
    elif how == 1:
        values[i] = -1
    elif how == 2:
        values[i] = count + rng.choice([0, 1, 100, 100000])
    elif how == 3:
        values[i] = rng.choice([-2, INT32_MIN, INT32_MAX])
    else:
        del values[i]
        return f"{where}: {side[:-1]} {i} (tensor {old}) removed"
    return f"{where}: {side[:-1]} {i} tensor {old} -> {values[i]}"


def mutate_operator_order(model, rng):
    s, subgraph = _subgraph(model, rng)
    operators = subgraph.operators
    if not operators:
        return None
    how = rng.randrange(4)
    if how == 0:
        op = operators.pop()
        return f"subgraph {s}: last operator ({_op_name(model, op)}) deleted"
    k = rng.randrange(len(operators))
    if how == 1:
        op = operators.pop(k)
        return f"subgraph {s}: operator {k} ({_op_name(model, op)}) deleted"
    if how == 2:
        operators.insert(k, copy.deepcopy(operators[k]))
        return f"subgraph {s}: operator {k} ({_op_name(model, operators[k])}) duplicated"
    if len(operators) < 2:
        return None
    j = rng.randrange(len(operators))
    if j == k:
        j = (k + 1) % len(operators)
    operators[k], operators[j] = operators[j], operators[k]
    return f"subgraph {s}: operators {k} and {j} swapped"


def mutate_opcode(model, rng):
    codes = model.operatorCodes
    if not codes:
        return None
    how = rng.randrange(5)
    if how == 0:
        s, subgraph = _subgraph(model, rng)
        if not subgraph.operators:
            return None
        k = rng.randrange(len(subgraph.operators))
        op = subgraph.operators[k]
        old = _op_name(model, op)
        op.opcodeIndex = rng.choice([rng.randrange(len(codes)), len(codes), len(codes) + 50])
        return f"subgraph {s} operator {k} ({old}): opcode_index -> {op.opcodeIndex} ({_op_name(model, op)})"
    c = rng.randrange(len(codes))
    code = codes[c]
    old = BUILTIN_OPERATORS.get(code.builtinCode, str(code.builtinCode))
    if how == 1:
        code.builtinCode = NAMED_OPERATORS["CUSTOM"]
        code.deprecatedBuiltinCode = NAMED_OPERATORS["CUSTOM"]
        code.customCode = rng.choice(CUSTOM_CODES)
        return f"operator code {c} ({old}) -> custom '{code.customCode}' without custom options"
    if how == 2:
        code.builtinCode = NAMED_OPERATORS[rng.choice(REWRITE_BUILTINS)]
        code.deprecatedBuiltinCode = min(code.builtinCode, 127)
        return f"operator code {c} ({old}) -> {BUILTIN_OPERATORS[code.builtinCode]} (options kept)"
    if how == 3:
        code.version = rng.choice([0, 2, 7, 100, INT32_MAX])
        return f"operator code {c} ({old}): version -> {code.version}"
    code.deprecatedBuiltinCode = rng.choice([0, 3, 9, 126, 127])
    return f"operator code {c} ({old}): deprecated_builtin_code -> {code.deprecatedBuiltinCode} (builtin_code kept)"


def _extreme(value, rng):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        # Fields are 8- to 32-bit; values that fit a signed byte can be packed into any of them.
        return rng.choice([0, -1, 1, 2, 100, 127, -128])
    if isinstance(value, float):
        return rng.choice([math.nan, math.inf, 0.0, -1.0, 1e30])
    return None


def mutate_builtin_options(model, rng):
    s, subgraph = _subgraph(model, rng)
    if not subgraph.operators:
        return None
    k = rng.randrange(len(subgraph.operators))
    op = subgraph.operators[k]
    where = f"subgraph {s} operator {k} ({_op_name(model, op)})"
    old = BUILTIN_OPTIONS.get(op.builtinOptionsType, str(op.builtinOptionsType))
    how = rng.randrange(3)
    if how == 0 and op.builtinOptions is not None:
        fields = [f for f, v in vars(op.builtinOptions).items() if _extreme(v, rng) is not None]
        if fields:
            field = rng.choice(fields)
            before = getattr(op.builtinOptions, field)
            setattr(op.builtinOptions, field, _extreme(before, rng))
            return f"{where}: {old}.{field} {before} -> {getattr(op.builtinOptions, field)}"
    if how == 1:
        op.builtinOptionsType = 0
        op.builtinOptions = None
        return f"{where}: builtin options {old} dropped"
    for _ in range(20):
        new_type = rng.choice(list(BUILTIN_OPTIONS))
        cls = options_class(new_type)
        if cls is not None:
            op.builtinOptionsType = new_type
            op.builtinOptions = cls()
            return f"{where}: builtin options {old} -> default {BUILTIN_OPTIONS[new_type]}"
    return None


def mutate_quantization(model, rng):
    s, subgraph = _subgraph(model, rng)
    quantized = [t for t, tensor in enumerate(subgraph.tensors)
                 if tensor.quantization is not None and tensor.quantization.scale]
    how = rng.randrange(7)
    if how == 6 or not quantized:
        t = _pick_tensor(model, subgraph, rng, rng.choice(ROLES))
        tensor = subgraph.tensors[t]
        q = schema.QuantizationParametersT()
        q.scale = [rng.choice([0.5, math.inf, math.nan, 0.0, -1.0])]
        q.zeroPoint = [rng.choice([0, 3, 300])]
        tensor.quantization = q
        return f"{_where(s, t, subgraph)} ({TENSOR_TYPES.get(tensor.type)}): quantization added, " \
               f"scale {q.scale} zero point {q.zeroPoint}"
    t = rng.choice(quantized)
    tensor = subgraph.tensors[t]
    q = tensor.quantization
    where = f"{_where(s, t, subgraph)} ({TENSOR_TYPES.get(tensor.type)})"
    if how == 0:
        i = rng.randrange(len(q.scale))
        q.scale[i] = rng.choice(EDGE_SCALES)
        return f"{where}: scale[{i}] -> {q.scale[i]} (of {len(q.scale)})"
    if how == 1 and q.zeroPoint:
        i = rng.randrange(len(q.zeroPoint))
        q.zeroPoint[i] = rng.choice(EDGE_ZERO_POINTS)
        return f"{where}: zero_point[{i}] -> {q.zeroPoint[i]}"
    if how == 2:
        q.quantizedDimension = rng.choice([1, 2, len(tensor.shape), 7, 100])
        return f"{where}: quantized_dimension -> {q.quantizedDimension} (rank {len(tensor.shape)}, " \
               f"{len(q.scale)} scales)"
    if how == 3:
        if rng.random() < 0.5:
            q.scale = q.scale + [q.scale[-1]] * rng.choice([1, 5])
            return f"{where}: {len(q.scale)} scales, {len(q.zeroPoint or [])} zero points"
        q.zeroPoint = (q.zeroPoint or [0]) + [0] * rng.choice([1, 5])
        return f"{where}: {len(q.scale)} scales, {len(q.zeroPoint)} zero points"
    if how == 4:
        q.scale = []
        return f"{where}: scales removed ({len(q.zeroPoint or [])} zero points kept)"
    tensor.quantization = None
    return f"{where}: quantization removed"


def mutate_subgraph_io(model, rng):
    s, subgraph = _subgraph(model, rng)
    side = rng.choice(["inputs", "outputs"])
    values = getattr(subgraph, side)
    how = rng.randrange(5)
    fix_signature = rng.random() < 0.5
    if not values:
        return None
    i = rng.randrange(len(values))
    old = values[i]
    if how == 0:
        values[i] = _pick_tensor(model, subgraph, rng, "constant")
    elif how == 1:
        values[i] = _pick_tensor(model, subgraph, rng, "activation")
    elif how == 2:
        values[i] = values[(i + 1) % len(values)] if len(values) > 1 else rng.randrange(len(subgraph.tensors))
    elif how == 3:
        values[i] = len(subgraph.tensors) + rng.choice([0, 5])
    else:
        del values[i]
        return f"subgraph {s}: {side[:-1]} {i} (tensor {old}) removed"
    if fix_signature:
        # Keep the signature table consistent so the mutant gets past the signature check to the graph itself.
        for signature in model.signatureDefs or []:
            if signature.subgraphIndex == s:
                for entry in getattr(signature, side) or []:
                    if entry.tensorIndex == old:
                        entry.tensorIndex = values[i]
    return f"subgraph {s}: {side[:-1]} {i} tensor {old} -> {values[i]}" + \
        (" (signature follows)" if fix_signature else "")


def mutate_signature(model, rng):
    signatures = model.signatureDefs
    if not signatures:
        return None
    g = rng.randrange(len(signatures))
    signature = signatures[g]
    where = f"signature {g} '{signature.signatureKey.decode('utf-8', 'replace') if signature.signatureKey else None}'"
    how = rng.randrange(6)
    if how == 0:
        old = signature.subgraphIndex
        signature.subgraphIndex = rng.choice([(old + 1) % len(model.subgraphs), len(model.subgraphs), 1000])
        return f"{where}: subgraph_index {old} -> {signature.subgraphIndex}"
    if how == 1:
        old = signature.signatureKey
        signature.signatureKey = rng.choice([b"", signatures[0].signatureKey, None, b"\xff\xfe"])
        return f"{where}: key {old} -> {signature.signatureKey}"
    entries = signature.inputs if rng.random() < 0.5 else signature.outputs
    if not entries:
        return None
    e = rng.randrange(len(entries))
    entry = entries[e]
    if how == 2:
        old = entry.tensorIndex
        entry.tensorIndex = rng.choice([rng.randrange(len(model.subgraphs[0].tensors)), 10000])
        return f"{where}: entry {e} '{entry.name}' tensor {old} -> {entry.tensorIndex}"
    if how == 3:
        old = entry.name
        entry.name = rng.choice([b"", None, b"other", entries[0].name])
        return f"{where}: entry {e} name {old} -> {entry.name}"
    if how == 4:
        signatures.append(copy.deepcopy(signature))
        return f"{where}: duplicated"
    del entries[e]
    return f"{where}: entry {e} '{entry.name}' removed"


def mutate_variable(model, rng):
    s, subgraph = _subgraph(model, rng)
    t = _pick_tensor(model, subgraph, rng, rng.choice(ROLES))
    tensor = subgraph.tensors[t]
    tensor.isVariable = not tensor.isVariable
    return f"{_where(s, t, subgraph)}: is_variable -> {tensor.isVariable}"


KINDS = {
    "shape": mutate_shape,
    "type": mutate_type,
    "buffer": mutate_buffer,
    "operator_io": mutate_operator_io,
    "operator_order": mutate_operator_order,
    "opcode": mutate_opcode,
    "builtin_options": mutate_builtin_options,
    "quantization": mutate_quantization,
    "subgraph_io": mutate_subgraph_io,
    "signature": mutate_signature,
    "variable": mutate_variable,
}


def mutate_combo(model, rng):
    parts = []
    for _ in range(rng.choice([2, 3])):
        kind = rng.choice(sorted(KINDS))
        description = KINDS[kind](model, rng)
        if description is not None:
            parts.append(f"[{kind}] {description}")
    return "; ".join(parts) if len(parts) >= 2 else None


KINDS["combo"] = mutate_combo
