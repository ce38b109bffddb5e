"""TensorFlow's native stderr: filtered line by line as it comes, converter diagnostics held, none lost in a crash."""

import io
import os
import select
import signal
import subprocess
import sys

import pytest

from conftest import PYTHON_SRC
from keras2tflite.cli import main
from keras2tflite.native_stderr import _DROP, _HOLD, forward, is_noise

NOISE = b"I0000 00:00:1795297293.014787   11910 port.cc:153] oneDNN custom operations are on. You may see ...\n"


def _python(script, **kwargs):
    env = dict(os.environ, PYTHONPATH=PYTHON_SRC)
    return subprocess.Popen([sys.executable, "-c", script], env=env, **kwargs)


def _forwarded(*lines):
    sink = io.BytesIO()
    forward(io.BytesIO(b"".join(lines)), sink)
    return sink.getvalue()


def test_noise_is_start_up_chatter_and_info_lines_only():
    assert is_noise(NOISE.decode())
    assert is_noise("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR")
    assert is_noise("   ")
    assert not is_noise("W0000 00:00:1.0 1 some_kernel.cc:10] something real went wrong")
    assert not is_noise("error: failed while converting: 'main'")


def test_forward_drops_noise_and_held_lines_that_were_dropped():
    hold, drop = (_HOLD + "\n").encode(), (_DROP + "\n").encode()
    out = _forwarded(NOISE, b"kept 1\n", b"\n", hold, b"error: converter diagnostic\n", drop, b"kept 2")
    assert out == b"kept 1\nkept 2\n"


def test_forward_prints_held_lines_when_input_ends_while_holding():
    out = _forwarded(b"kept\n", (_HOLD + "\n").encode(), b"error: the last words\n", NOISE)
    assert out.splitlines() == [
        b"kept", b"keras2tflite: the process ended during conversion; the converter had written:",
        b"error: the last words",
    ]


def test_lines_are_forwarded_while_the_block_still_runs():
    script = (
        "import os, sys\n"
        "from keras2tflite import native_stderr\n"
        "with native_stderr.filtered(True):\n"
        f"    os.write(2, {NOISE!r})\n"
        "    os.write(2, b'first native line\\n')\n"
        "    sys.stdin.readline()  # blocks until the test has seen the line above\n"
        "    os.write(2, b'second native line\\n')\n"
    )
    p = _python(script, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([p.stderr], [], [], 30)
        assert ready, "nothing forwarded within 30 s"
        assert p.stderr.readline() == b"first native line\n"
        assert p.poll() is None  # still inside the block: the line was streamed, not replayed at the end
        _, rest = p.communicate(b"go\n", timeout=30)
    finally:
        p.kill()
    assert rest == b"second native line\n" and p.returncode == 0


def test_a_crash_loses_nothing_written_before_it_not_even_held_diagnostics():
    script = (
        "import faulthandler, os, signal\n"
        "from keras2tflite import native_stderr\n"
        "faulthandler.enable()\n"
        "with native_stderr.filtered(True):\n"
        f"    os.write(2, {NOISE!r})\n"
        "    os.write(2, b'before the conversion\\n')\n"
        "    with native_stderr.converter_diagnostics_held():\n"
        "        os.write(2, b'error: converter diagnostic\\n')\n"
        "        os.kill(os.getpid(), signal.SIGSEGV)\n"
    )
    p = _python(script, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = p.communicate(timeout=30)
    assert p.returncode == -signal.SIGSEGV
    err = err.decode()
    # Everything in the order written; what was held comes out, at end of input, after a header line.
    order = ["before the conversion", "keras2tflite: the process ended during conversion",
             "error: converter diagnostic", "Fatal Python error: Segmentation fault"]  # the last: faulthandler
    positions = [err.find(s) for s in order]
    assert -1 not in positions and positions == sorted(positions), err
    assert "oneDNN" not in err


def test_converter_diagnostics_are_not_shown_when_conversion_fails_cleanly(flex_savedmodel, tmp_path, capfd):
    assert main(["--saved-model", flex_savedmodel, "-o", str(tmp_path / "inv.tflite")]) == 1
    err = capfd.readouterr().err  # file descriptor 2 itself, where the converter's C++ code writes
    assert err.startswith("keras2tflite: error: the model uses TensorFlow ops") and len(err.splitlines()) == 1, err


@pytest.mark.parametrize("verbose", [False, True])
def test_verbose_leaves_native_stderr_alone(verbose, flex_savedmodel, tmp_path, capfd):
    args = ["--saved-model", flex_savedmodel, "-o", str(tmp_path / "inv.tflite")] + (["-v"] if verbose else [])
    assert main(args) == 1
    err = capfd.readouterr().err
    assert ("'tf.MatrixInverse' op is neither a custom op nor a flex op" in err) == verbose
