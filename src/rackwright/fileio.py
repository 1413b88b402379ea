"""File input and output at the edge: one reader for every text file a user names, and
atomic output (write to a temporary file beside the target, then rename).

A crash or a bad input never leaves a half-written report behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rackwright.errors import InputError, OutputError


def read_text(path: Path) -> str:
    """The text of a file the user named; a missing, unreadable, binary or non-UTF-8 file is
    one InputError naming the file and what is wrong with it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except IsADirectoryError:
        raise InputError("cannot read file: it is a directory", file=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot read file: not UTF-8 text (byte {exc.start})", file=path
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None


def ensure_writable_dir(directory: Path) -> Path:
    """Create ``directory`` if needed and prove it is writable, or raise OutputError."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output directory: {exc.strerror}", file=directory
        ) from None
    if not os.access(directory, os.W_OK):
        raise OutputError("output directory is not writable", file=directory)
    return directory


def check_writable_dir(directory: Path) -> Path:
    """Prove ``directory`` could be written (it, or the nearest folder above that exists, is a
    writable directory) without creating anything, so a failed run leaves no empty folder."""
    probe = directory
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe == directory:
        if not probe.is_dir():
            raise OutputError("output path exists and is not a directory", file=directory)
        if not os.access(probe, os.W_OK | os.X_OK):
            raise OutputError("output directory is not writable", file=directory)
        return directory
    if not probe.is_dir():
        raise OutputError(
            f"cannot create output directory: {probe} is not a directory", file=directory
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot create output directory: {probe} is not writable", file=directory
        )
    return directory


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temp file in the same directory, then rename)."""
    ensure_writable_dir(path.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", file=path) from None
    try:
        # mkstemp makes the file 0600; give the result the mode a plain open() would have
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp_name, path)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror}", file=path) from None
    return path
