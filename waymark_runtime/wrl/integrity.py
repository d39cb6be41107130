"""Whether a stored program is the one its row names: its version is the hash of its text and its
`workflow` line names the instance's workflow.

Stores check it when a version is inserted and runners when they load one, so a forged
`(name, version)` row can never stand in for the program a `run()` submitted.
"""

from __future__ import annotations

import hashlib
import re

from waymark_runtime.errors import ProgramMismatch
from waymark_runtime.wrl.print_stmt import workflow_line

VERSION_LENGTH = 16
_LOCATION = re.compile(r" @\d+:\d+$")


def version_of_canonical(canonical: str) -> str:
    """The version of text already known to be canonical (what `dumps` returned)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def check_program(workflow: str, version: str, text: str) -> None:
    """Raise `ProgramMismatch` unless `text` hashes to `version` and is workflow `workflow`."""
    if version_of_canonical(text) != version:
        raise ProgramMismatch(
            f"the program stored as {workflow} version {version} does not hash to that version"
        )
    if _header(text) != workflow_line(workflow):
        raise ProgramMismatch(
            f"the program stored as {workflow} version {version} is not {workflow}"
        )


def _header(text: str) -> str | None:
    """The canonical text's `workflow` line (its third), without its location."""
    lines = text.split("\n", 3)
    return _LOCATION.sub("", lines[2]) if len(lines) > 2 else None
