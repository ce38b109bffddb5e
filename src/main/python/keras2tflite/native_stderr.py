"""The one place that filters what TensorFlow's C++ side writes to file descriptor 2.

TensorFlow prints start-up chatter on stderr whatever ``TF_CPP_MIN_LOG_LEVEL`` says, and the MLIR converter prints
its diagnostics there too. :func:`filtered` hides the chatter; :func:`converter_diagnostics_held` hides the converter's
diagnostics, which its exception repeats and :func:`keras2tflite.converter.explain_failure` turns into one line.

The choice: file descriptor 2 is pointed at a pipe read by a small child process (this module run as a script) that
forwards every other line to the real stderr as soon as it arrives. Lines are streamed, never held until the end, and
a child process rather than a thread does the forwarding because it outlives a crash of ours: if the converter
segfaults or aborts, the kernel closes the pipe's write end, the child reads everything written before the crash,
prints it and exits. A reader thread would die with the process and lose whatever it had not forwarded yet, and a
scratch file replayed at the end is never replayed after a segfault.

The converter's diagnostics are held (not dropped) by the child while the conversion runs:
:func:`converter_diagnostics_held` sends a *hold* marker through the same pipe before converting and a *drop* marker
when the converter returns or raises. If the process dies in between, the child prints the held lines at end of
input, so a converter crash still shows the last diagnostics before it. Markers travel in the pipe itself, so they
stay in order with native writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from typing import BinaryIO, Iterator

# Start-up chatter that TensorFlow's C++ side prints whatever TF_CPP_MIN_LOG_LEVEL says; dropped unless --verbose.
_NOISE = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "oneDNN custom operations are on",
    "Created TensorFlow Lite XNNPACK delegate for CPU",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "To enable the following instructions:",
    "tf.lite.Interpreter is deprecated",
)
_INFO_LOG = re.compile(r"^I\d{4} ")  # absl/glog INFO lines ("I0000 00:00:..."), printed before logging is set up

# Control lines sent through the pipe; ASCII record separator so that no real output looks like them.
_HOLD = "\x1ekeras2tflite:hold-converter-diagnostics"
_DROP = "\x1ekeras2tflite:drop-converter-diagnostics"

# How long to wait for the forwarder to drain after we closed our end (only exceeded if some other process inherited
# file descriptor 2 and keeps it open).
_DRAIN_SECONDS = 10.0

_active = False


def is_noise(line: str) -> bool:
    """True for a line the filter drops: blank, INFO-level log lines, and known start-up chatter."""
    return not line.strip() or bool(_INFO_LOG.match(line)) or any(n in line for n in _NOISE)


@contextlib.contextmanager
def filtered(enabled: bool) -> Iterator[None]:
    """Filters file descriptor 2 for the duration of the block (see the module doc); a no-op when nested.

    Args:
        enabled: ``False`` (``--verbose``) leaves stderr untouched.
    """
    global _active
    if not enabled or _active:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        forwarder = subprocess.Popen([sys.executable, "-I", "-S", os.path.abspath(__file__)],
                                     stdin=subprocess.PIPE, stdout=saved, stderr=saved)
    except BaseException:
        os.close(saved)
        raise
    os.dup2(forwarder.stdin.fileno(), 2)
    forwarder.stdin.close()  # fd 2 is now the only write end: when it closes (or we die) the forwarder sees EOF
    _active = True
    try:
        yield
    finally:
        _active = False
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        try:
            forwarder.wait(timeout=_DRAIN_SECONDS)
        except subprocess.TimeoutExpired:
            forwarder.kill()
            forwarder.wait()


@contextlib.contextmanager
def converter_diagnostics_held() -> Iterator[None]:
    """Holds what is written to stderr during the block; drops it at the end unless the process dies first.

    A no-op unless :func:`filtered` is active, so ``--verbose`` shows the converter's diagnostics as they come.
    """
    if not _active:
        yield
        return
    _send(_HOLD)
    try:
        yield
    finally:
        _send(_DROP)


def _send(marker: str) -> None:
    sys.stderr.flush()
    # The leading newline ends any partial line native code left, so the marker is a line of its own.
    os.write(2, ("\n" + marker + "\n").encode("ascii"))


def forward(source: BinaryIO, sink: BinaryIO) -> None:
    """The child's loop: copies ``source`` to ``sink`` line by line, without noise, honouring hold/drop markers.

    Args:
        source: The pipe (read until end of input).
        sink: The real stderr.
    """
    held: list[bytes] = []
    holding = False
    for raw in iter(source.readline, b""):
        line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
        if line == _HOLD:
            holding = True
        elif line == _DROP:
            holding = False
            held.clear()
        elif is_noise(line):
            continue
        elif holding:
            held.append(raw)
        else:
            _write_line(sink, raw)
    if held:  # end of input while holding: the process died during the conversion
        _write_line(sink, b"keras2tflite: the process ended during conversion; the converter had written:\n")
        for raw in held:
            _write_line(sink, raw)


def _write_line(sink: BinaryIO, raw: bytes) -> None:
    sink.write(raw if raw.endswith(b"\n") else raw + b"\n")
    sink.flush()


if __name__ == "__main__":
    import signal

    # Ctrl-C reaches the whole process group; the parent handles it and closes the pipe, and we must keep forwarding
    # until then rather than die with lines still unread.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    forward(sys.stdin.buffer, sys.stdout.buffer)
