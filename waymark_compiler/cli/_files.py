"""Expanding the paths given on a command line into the files a command works on.

Directories are walked recursively, skipping hidden directories (`.venv`, `.git`, ...) and
virtualenv/cache folders; files named explicitly are always taken. It must not read files:
a `*.py` that is a named pipe, a device or a dangling symlink is listed like any other, and
refused, naming the file, by whatever reads it (`waymark_compiler.files`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from waymark_compiler.cli._reference import missing_path

SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv"})


def collect_files(paths: Sequence[Path], suffix: str, picked_by: str = "") -> list[Path]:
    """Files given explicitly plus every `*suffix` file under the given directories, sorted;
    a file reached twice (named twice, or through a symbolic link to it) is listed once, as
    first reached: its workflows would otherwise clash with themselves. A missing path is a
    usage error (`picked_by`: the option that picks one workflow, for the hint)."""
    found: dict[Path, Path] = {}
    for path in paths:
        if not path.exists():
            raise missing_path(path, picked_by)
        for file in _expand(path, suffix):
            found.setdefault(file.resolve(), file)
    return list(found.values())


def _expand(path: Path, suffix: str) -> Iterator[Path]:
    if not path.is_dir():
        yield path
        return
    for root, dirs, files in os.walk(path):
        # Prune in place so os.walk never descends into skipped directories.
        dirs[:] = sorted(d for d in dirs if not _skipped(d))
        yield from (Path(root, name) for name in sorted(files) if name.endswith(suffix))


def _skipped(directory: str) -> bool:
    return directory.startswith(".") or directory in SKIPPED_DIRS
