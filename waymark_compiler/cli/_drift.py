"""The `.wrl` lockfile: writing compiled programs to a directory and detecting drift from it.

Drift is data (`Drift(path, status, diff)`); printing it is the command's job. Only `*.wrl`
files directly inside the directory belong to the lockfile; nothing else there is touched.
A file whose text differs only in source locations has `moved`: its behaviour text, and so the
workflow's version, is the same, which is not a failure.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from waymark_compiler.files import write_regular
from waymark_runtime.wrl import behaviour_text

DriftStatus = Literal["missing", "changed", "moved", "stale"]


@dataclass(frozen=True, slots=True)
class Drift:
    path: Path
    status: DriftStatus
    diff: str

    @property
    def fails(self) -> bool:
        """Whether the committed program runs differently (`moved` positions do not)."""
        return self.status != "moved"


def find_drift(expected: Mapping[str, str], directory: Path, *, stale: bool = True) -> list[Drift]:
    """Compare `{file name: compiled text}` with the committed files in `directory`."""
    committed = _committed(directory)
    drift = [
        _compare(directory / name, committed.get(name), text) for name, text in expected.items()
    ]
    if stale:
        drift += [
            _compare(directory / name, text, None)
            for name, text in committed.items()
            if name not in expected
        ]
    return sorted((d for d in drift if d is not None), key=lambda d: d.path.name)


def write_lockfile(
    expected: Mapping[str, str], directory: Path, *, prune: bool
) -> tuple[list[Path], list[Path]]:
    """Write changed files (leaving identical ones untouched); with `prune`, delete stale ones.

    Returns the written and the removed paths.
    """
    directory.mkdir(parents=True, exist_ok=True)
    committed = _committed(directory)
    written = [_write(directory / n, t) for n, t in expected.items() if committed.get(n) != t]
    removed = [directory / n for n in committed if prune and n not in expected]
    for path in removed:
        path.unlink()
    return written, removed


def _committed(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    files = sorted(p for p in directory.glob("*.wrl") if p.is_file())
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in files}


def _compare(path: Path, committed: str | None, compiled: str | None) -> Drift | None:
    if committed == compiled:
        return None
    status: DriftStatus = (
        "missing"
        if committed is None
        else "stale"
        if compiled is None
        else "moved"
        if behaviour_text(committed) == behaviour_text(compiled)
        else "changed"
    )
    diff = unified_diff(committed, compiled, f"{path} (committed)", f"{path} (compiled)")
    return Drift(path, status, diff)


def unified_diff(before: str | None, after: str | None, before_name: str, after_name: str) -> str:
    """A `diff -u` from `before` to `after`; None stands for an absent file (`/dev/null`)."""
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True),
        (after or "").splitlines(keepends=True),
        fromfile="/dev/null" if before is None else before_name,
        tofile="/dev/null" if after is None else after_name,
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _write(path: Path, text: str) -> Path:
    write_regular(path, text.encode("utf-8"))  # a named pipe in its place would block forever
    return path
