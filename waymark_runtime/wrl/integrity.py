"""Whether a stored program is the one its row names: its version is the hash of its behaviour
text and its `workflow` line names the instance's workflow.

Stores check it when a version is inserted and runners when they load one, so a forged
`(name, version)` row can never stand in for the program a `run()` submitted. Source locations
are not hashed (a text may carry any positions under a version); `wrl 1` texts, written before
locations were left out, still verify under the hash of their whole text.
"""

from __future__ import annotations

import hashlib
import re

from waymark_runtime.errors import ProgramMismatch
from waymark_runtime.wrl.locations import without_locations
from waymark_runtime.wrl.print_ops import workflow_line

VERSION_LENGTH = 16
_LOCATION = re.compile(r" @\d+:\d+$")
_LEGACY_HEADER = "wrl 1\n"


def behaviour_text(canonical: str) -> str:
    """What a version hashes: the canonical text without source locations (a `wrl 1` text,
    whose versions hashed everything, is its own behaviour text)."""
    return canonical if canonical.startswith(_LEGACY_HEADER) else without_locations(canonical)


def version_of_canonical(canonical: str) -> str:
    """The version of text already known to be canonical (what `dumps` returned)."""
    digest = hashlib.sha256(behaviour_text(canonical).encode("utf-8")).hexdigest()
    return digest[:VERSION_LENGTH]


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
