"""Writing a set of files all or nothing: temporary files in the target directory, renamed into place at the end.

A converted model is only usable with its sidecar (and its golden files must match it), so a failure part-way must
not leave a ``.tflite`` without its ``.json``, nor replace some files of an earlier conversion but not others.

How: every file is first written to a hidden temporary file in its target directory (same file system, so the final
``os.replace`` is an atomic rename). Only when all of them are written are they renamed into place, the sidecar last.
If a rename fails, the ones already done are undone: files that did not exist are removed, files that did are put
back from a hard link (or, where the file system has no hard links, a copy) taken before replacing them. Temporary
files are removed on every failure. What this cannot cover is the process being killed during the rename loop itself
(a few system calls); then hidden ``.*.tmp`` / ``.*.bak`` files may remain next to the outputs.
"""

from __future__ import annotations

import os
import secrets
import shutil


def write_all_or_nothing(files: list[tuple[str, bytes]]) -> None:
    """Writes every ``(path, content)`` pair, or none of them.

    Args:
        files: Target paths and their contents, renamed into place in this order (put the file that marks the set as
            complete, the sidecar, last).

    Raises:
        OSError: If any file cannot be written or renamed; the targets are then as they were before the call and no
            temporary file is left.
    """
    temps: list[tuple[str, str]] = []
    try:
        for path, content in files:
            temp = _hidden_sibling(path, "tmp")
            _write_new(temp, content)
            temps.append((path, temp))
    except BaseException:
        for _, temp in temps:
            _remove_quietly(temp)
        raise

    replaced: list[tuple[str, str | None]] = []  # (target, backup of what it replaced or None if it was new)
    backup = None  # backup of the target being replaced right now, until its rename succeeded
    try:
        for path, temp in temps:
            backup = None
            if os.path.lexists(path):
                backup = _hidden_sibling(path, "bak")
                _backup(path, backup)
            os.replace(temp, path)
            replaced.append((path, backup))
            backup = None
    except BaseException:
        if backup is not None:  # its target was not replaced: the backup is just a spare link or copy
            _remove_quietly(backup)
        for path, old in reversed(replaced):
            if old is None:
                _remove_quietly(path)
            else:
                os.replace(old, path)
        for _, temp in temps:
            _remove_quietly(temp)
        raise
    for _, old in replaced:
        if old is not None:
            _remove_quietly(old)


def _hidden_sibling(path: str, kind: str) -> str:
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f".{name}.{secrets.token_hex(6)}.{kind}")


def _write_new(path: str, content: bytes) -> None:
    # O_EXCL: never write through a file someone else created under the random name; mode 0o666 lets the umask
    # decide the final permissions, like a plain open() would (tempfile.mkstemp would force 0o600).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())  # the content must be on disk before a rename makes it the real file
    except BaseException:
        _remove_quietly(path)
        raise


def _backup(path: str, backup: str) -> None:
    try:
        os.link(path, backup)  # the old file stays in place until the atomic replace
    except OSError:
        shutil.copy2(path, backup)


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
