"""Reading a source or `.wrl` file only when it is a regular file.

A path ending in `.py` or `.wrl` may name something else: a named pipe (opening it blocks until
a writer comes, forever), a device (`/dev/zero` never ends), a socket, a directory, or a symlink
whose target is gone. `read_regular` refuses all of them with `Unreadable`, an `OSError` whose
`reason` says what the path is, before reading a byte, and `describe` words any `OSError` the
way the command line reports it.
"""

from __future__ import annotations

import errno
import os
import stat
import tokenize
from io import BytesIO
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class Unreadable(OSError):
    """A path that is not a regular file; `reason` says what it is instead."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(errno.EINVAL, reason, str(path))
        self.reason = reason


def kind(mode: int) -> str:
    """What a file of this `st_mode` is, as a noun phrase (`a named pipe`)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def check_regular(path: Path) -> os.stat_result:
    """The status of the file `path` names (symlinks followed); `Unreadable` when it is not a
    regular file or is a symlink to nothing."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise Unreadable(
                path, f"a symbolic link to a missing file ({os.readlink(path)})"
            ) from None
        raise
    if not stat.S_ISREG(status.st_mode):
        raise Unreadable(path, f"not a regular file ({kind(status.st_mode)})")
    return status


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file. Never blocks on a named pipe and never reads a device: the
    path is checked before it is opened, and the opened file again (it may have been swapped)."""
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags), "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise Unreadable(path, f"not a regular file ({kind(mode)})")
        return handle.read()


def check_writable(path: Path) -> None:
    """Refuse to write over anything but a regular file (a named pipe would block the write)."""
    if os.path.lexists(path):
        check_regular(path)


def write_regular(path: Path, data: bytes) -> None:
    """Write `data` to the regular file `path`, made if missing. Never blocks on a named pipe and
    never writes to a device: the path is checked before it is opened, and the opened file again
    (it may have been swapped; opening a pipe without a reader fails at once)."""
    check_writable(path)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags, 0o666), "wb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise Unreadable(path, f"not a regular file ({kind(mode)})")
        handle.truncate(0)
        handle.write(data)


def describe(failure: OSError) -> str:
    """Why a file could not be read or written, in lower case (`permission denied`)."""
    if isinstance(failure, Unreadable):
        return failure.reason
    if failure.strerror:
        return failure.strerror[:1].lower() + failure.strerror[1:]
    return str(failure)


def read_source(path: Path) -> str:
    """A Python file's text, decoded as CPython would (PEP 263 coding lines honoured).

    Raises `OSError` (`files.Unreadable` for a named pipe, a device, a directory or a dangling
    symlink, which are never opened for reading), `UnicodeDecodeError`, and `SyntaxError` for a
    coding line that names no text encoding. Used for the files compiled and for the modules
    they import alike."""
    data = read_regular(path)
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
    except SyntaxError:
        data.decode("utf-8")  # no coding line and not UTF-8: name the bad byte instead
        raise
    try:
        return data.decode(encoding)
    except LookupError:  # a codec of bytes to bytes (`rot13`, `zip`): Python refuses it too
        line = 1 if b"coding" in data.split(b"\n", 1)[0] else 2
        problem = f"encoding problem: {encoding} is not a text encoding"
        raise SyntaxError(problem, (str(path), line, 1, None)) from None
