"""`FILE[:WORKFLOW]`: how a command line names a file and, optionally, one workflow in it.

`waymark run` takes the pair; `compile` and `graph` take paths only (`graph` picks a workflow
with `--workflow`). A reference that cannot be read as either says which form is expected.
"""

from __future__ import annotations

from pathlib import Path

from waymark_compiler.cli._output import UsageFailure, printable

EXPECTED = "expected FILE[:WORKFLOW], such as flows.py:Orders"


def split_reference(text: str) -> tuple[str, str]:
    """The file and the workflow name (empty when none is given) of `FILE[:WORKFLOW]`.

    A path that exists is taken whole, colons and all; otherwise the name follows the last `:`.
    """
    path, colon, name = text.rpartition(":")
    if not colon or Path(text).exists():
        return text, ""
    shown = printable(text)
    if not path:
        raise UsageFailure(f"`{shown}` has no FILE before the `:`", EXPECTED)
    if ":" in path and not Path(path).exists():
        raise UsageFailure(f"`{shown}` has more than one `:`", EXPECTED)
    if not name:
        raise UsageFailure(
            f"`{shown}` has no WORKFLOW after the `:`",
            f"{EXPECTED}; leave out the `:` when the file defines one workflow",
        )
    return path, name


def missing_path(path: Path, picked_by: str) -> UsageFailure:
    """The error for a path that does not exist; for `flows.py:Orders` where `flows.py`
    exists, a hint that this command takes a path and picks a workflow by `picked_by`."""
    text = str(path)
    if path.is_symlink():
        return UsageFailure(f"path does not exist: {text} (a symbolic link to {path.readlink()})")
    file, colon, name = text.partition(":")
    if not colon or not file or not Path(file).exists():
        return UsageFailure(f"path does not exist: {printable(text)}")
    pick = picked_by and name and ":" not in name
    return UsageFailure(
        f"path does not exist: {printable(text)}",
        f"FILE:WORKFLOW is `waymark run`'s form; here give the path {printable(file)}"
        + (f" and pick the workflow with `{picked_by} {printable(name)}`" if pick else ""),
    )
