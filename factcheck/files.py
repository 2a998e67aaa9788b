"""Reading and writing files safely: only regular files are read (never a FIFO that blocks), a
file is written atomically, and nothing is written over a file the tool must never lose."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file mode names, in words ("a FIFO (named pipe)"); "a regular file" for files."""
    return next((words for test, words in _KINDS if test(mode)), "a regular file")


def read_regular(path: Path, max_bytes: int, what: str = "a file") -> bytes:
    """The bytes of a regular file of at most max_bytes; InputError (one line) for anything else.

    The file is opened non-blocking and checked on the open descriptor, so a FIFO or a device
    put in its place after a look is refused at once instead of blocking or reading forever.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: is {kind_of(mode)}, not a regular file")
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size} bytes is over the {max_bytes}-byte limit for {what}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)  # a file growing while read stops at the limit
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise InputError(f"{path}: over the {max_bytes}-byte limit for {what}")
    return data


def check_output(
    path: Path, option: str, protected: Iterable[tuple[Path, str]] = (), log: bool = False
) -> None:
    """Refuse (InputError, one line) to write `path` over a protected (file, what it is), by inode,
    over anything but a regular file, or where nothing can be written; log=True also refuses an
    existing file that is not a factcheck verification log."""
    for other, what in protected:
        if _same_file(path, other):
            raise InputError(f"{option} {path}: is {what} ({other}); it must not be overwritten")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write there ({exc.strerror})") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(f"{option} {path}: is {kind_of(mode)}; give a file name")
    if mode is not None and log and not is_factcheck_log(path):
        raise InputError(f"{option} {path}: exists and is not a factcheck log; choose another name")
    folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), Path("."))
    try:  # a real attempt: os.access says yes for root, on /proc and on read-only mounts
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".factcheck-probe.")
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write there ({exc.strerror})") from None
    os.close(fd)
    os.unlink(probe)


def is_factcheck_log(path: Path) -> bool:
    """Whether path is an (empty or) earlier verification log: its first line is a run record."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(1_000_000)
    except OSError:
        return False
    if not first.strip():
        return path.stat().st_size == 0
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and record.get("type") == "run" and "run_id" in record


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one is missing (yet): the same name would still become the same file
        return a.resolve() == b.resolve()


def write_atomic(path: Path, text: str) -> None:
    """Write text beside path, then rename it over path (folders are created as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
