"""Command line: ``python -m keras2tflite (--keras FILE | --saved-model DIR) --output MODEL.tflite [options]``.

Exit codes, the same as the Java CLI's (``litemodel``; README, "Exit status"): 0 success; 1 the conversion failed
(one line on stderr); 2 usage error: a bad flag, or a file that is missing or of the wrong kind, found before any work
(one line and a hint to ``--help`` on stderr); 3 verification failed (the per-output errors are printed on stdout,
nothing is written).
"""

from __future__ import annotations

import argparse
import os
import sys
import zipfile

from keras2tflite import preprocessing
from keras2tflite.errors import Keras2TfliteError, UsageError, VerificationError
from keras2tflite.tolerances import QUANTIZE_MODES, TOLERANCES

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_VERIFICATION_FAILED = 3


def _usage_text(prog: str, message: str) -> str:
    return f"{prog}: error: {message}\nTry '{prog} --help' for more information.\n"


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one ``keras2tflite: error: ...`` line and a hint, instead of the usage text."""

    def error(self, message: str) -> None:  # noqa: D102 (argparse API)
        self.exit(EXIT_USAGE, _usage_text(self.prog, message))


def build_parser() -> argparse.ArgumentParser:
    """Builds the argument parser.

    Returns:
        The parser.
    """
    tol = "; ".join(f"{m}: {t.atol:g} + {t.rtol:g}*max|ref|" for m, t in TOLERANCES.items())
    p = _Parser(
        prog="keras2tflite",
        description="Convert a Keras model or a SavedModel to TensorFlow Lite, verify it against the original and "
                    "write a JSON sidecar describing its inputs and outputs.",
        epilog=f"Verification tolerances (max abs error bound per output): {tol}.",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--keras", metavar="FILE", help="Keras model file (.keras, or legacy .h5)")
    src.add_argument("--saved-model", metavar="DIR", help="SavedModel directory (every signature is converted)")
    p.add_argument("-o", "--output", required=True, metavar="MODEL.tflite",
                   help="output file; the sidecar is written next to it as MODEL.json")
    p.add_argument("--quantize", choices=QUANTIZE_MODES, default="none", help="quantization mode (default: none)")
    p.add_argument("--calibration", metavar="FILE.npy",
                   help="representative inputs for --quantize int8: .npy [N, ...] or .npz keyed by input name")
    p.add_argument("--int8-io", action="store_true", help="with --quantize int8: int8 model inputs and outputs")
    p.add_argument("--batch", type=int, metavar="N", help="fix the batch dimension to N (default: dynamic, -1)")
    p.add_argument("--select-tf-ops", action="store_true",
                   help="allow TensorFlow ops without a TFLite builtin (Flex; the runtime needs the Flex delegate)")
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="skip comparing TFLite outputs with the original model")
    p.add_argument("--verify-data", metavar="FILE.npy",
                   help="inputs for verification and golden files (default: random, or the calibration data for int8)")
    p.add_argument("--verify-samples", type=int, default=16, metavar="N",
                   help="number of random verification samples (default: 16)")
    p.add_argument("--golden", type=int, default=0, metavar="N",
                   help="write N golden input/output pairs as .npy files next to the model")
    p.add_argument("--preprocess", metavar="NAME",
                   help="image preprocessing the model expects, recorded in the sidecar so that `litemodel predict` "
                        "applies it: unit (v/255), symmetric (v/127.5-1), raw (v), imagenet (torchvision mean/std), "
                        "meanstd:R,G,B:R,G,B (on v/255), or none (inputs are not images); default: not recorded")
    p.add_argument("--seed", type=int, default=0, help="seed of the random verification data (default: 0)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="show TensorFlow's native stderr unfiltered (start-up messages, converter diagnostics)")
    return p


def validate_args(args: argparse.Namespace):
    """Checks flags and files without loading TensorFlow.

    Args:
        args: Parsed arguments.

    Returns:
        The :class:`~keras2tflite.api.ConversionOptions`.

    Raises:
        UsageError: On the first problem found.
    """
    from keras2tflite.api import ConversionOptions

    if args.keras is not None:
        _check_keras_file(args.keras)
    else:
        _check_saved_model_dir(args.saved_model)

    out = args.output
    if not out.endswith(".tflite"):
        raise UsageError(f"--output {out}: the file name must end with .tflite")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise UsageError(f"--output {out}: directory {parent} does not exist")
    if os.path.isdir(out):
        raise UsageError(f"--output {out} is a directory")

    if args.quantize == "int8":
        if args.calibration is None:
            raise UsageError(
                "--quantize int8 needs representative inputs: pass --calibration FILE.npy ([N, ...] samples like "
                "the model input); refusing to calibrate on random data"
            )
        _check_readable_file(args.calibration, "--calibration")
    else:
        if args.calibration is not None:
            raise UsageError("--calibration is only used with --quantize int8")
        if args.int8_io:
            raise UsageError("--int8-io needs --quantize int8")
    if args.batch is not None and args.batch < 1:
        raise UsageError(f"--batch must be at least 1, got {args.batch}")
    if args.verify_samples < 1:
        raise UsageError(f"--verify-samples must be at least 1, got {args.verify_samples}")
    if args.golden < 0:
        raise UsageError(f"--golden must be 0 or more, got {args.golden}")
    if args.verify_data is not None:
        _check_readable_file(args.verify_data, "--verify-data")
    if args.preprocess is not None:
        preprocessing.parse(args.preprocess)  # a bad spelling is a usage error, found before TensorFlow loads

    return ConversionOptions(
        output=out, keras=args.keras, saved_model=args.saved_model, quantize=args.quantize, int8_io=args.int8_io,
        calibration=args.calibration, batch=args.batch, select_tf_ops=args.select_tf_ops, verify=args.verify,
        verify_data=args.verify_data, verify_samples=args.verify_samples, golden=args.golden, seed=args.seed,
        preprocess=args.preprocess, verbose=args.verbose,
    )


def _check_readable_file(path: str, what: str) -> None:
    if not os.path.exists(path):
        raise UsageError(f"{what} {path}: no such file")
    if not os.path.isfile(path):
        raise UsageError(f"{what} {path}: not a regular file")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as e:
        raise UsageError(f"{what} {path}: cannot read: {e.strerror}") from None


def _check_keras_file(path: str) -> None:
    _check_readable_file(path, "--keras")
    ext = os.path.splitext(path)[1].lower()
    if ext == ".keras":
        if not zipfile.is_zipfile(path):
            raise UsageError(f"--keras {path}: not a Keras model (a .keras file is a zip archive)")
        with zipfile.ZipFile(path) as z:
            if "config.json" not in z.namelist():
                raise UsageError(f"--keras {path}: not a Keras model (zip archive without config.json)")
    elif ext in (".h5", ".hdf5"):
        with open(path, "rb") as f:
            if f.read(8) != _HDF5_MAGIC:
                raise UsageError(f"--keras {path}: not a Keras model (not an HDF5 file)")
    else:
        raise UsageError(f"--keras {path}: unsupported extension {ext or '(none)'!r}; expected .keras or .h5 "
                                "(use --saved-model for a SavedModel directory)")


def _check_saved_model_dir(path: str) -> None:
    if not os.path.exists(path):
        raise UsageError(f"--saved-model {path}: no such directory")
    if not os.path.isdir(path):
        raise UsageError(f"--saved-model {path}: not a directory (use --keras for a model file)")
    pb = os.path.join(path, "saved_model.pb")
    if not os.path.isfile(pb) and not os.path.isfile(os.path.join(path, "saved_model.pbtxt")):
        raise UsageError(f"--saved-model {path}: not a SavedModel (no saved_model.pb)")
    if os.path.isfile(pb):
        _check_readable_file(pb, "--saved-model")


def main(argv: list[str] | None = None) -> int:
    """Runs the CLI.

    Args:
        argv: Arguments without the program name; ``None`` for ``sys.argv[1:]``.

    Returns:
        The exit code: 0 success, 1 failure, 2 usage error, 3 verification failed.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # help, or a usage error already printed by the parser
        return int(e.code or 0)
    try:
        options = validate_args(args)
        from keras2tflite.api import run

        run(options)  # filters TensorFlow's native stderr itself unless --verbose (keras2tflite.native_stderr)
    except VerificationError as e:
        print(f"keras2tflite: error: {e}", file=sys.stderr)
        return EXIT_VERIFICATION_FAILED
    except UsageError as e:
        print(_usage_text(parser.prog, str(e)), end="", file=sys.stderr)
        return EXIT_USAGE
    except Keras2TfliteError as e:
        print(f"keras2tflite: error: {e}", file=sys.stderr)
        return EXIT_FAILURE
    return 0
