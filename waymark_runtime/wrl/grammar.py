"""Where the `.wrl` grammar text comes from.

The wheel ships `grammar/waymark.lark` as `waymark_runtime/wrl/waymark.lark` (a build
force-include); a source checkout reads the repository's `grammar/waymark.lark`. This module only
finds and reads the file; building the parser is `parser.py`'s job.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from waymark_runtime.errors import InternalError

GRAMMAR_FILE = "waymark.lark"
_REPO_GRAMMAR = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE


def load_grammar() -> str:
    """The grammar text: from the installed package first, else from the source tree."""
    packaged = resources.files(__package__ or "waymark_runtime.wrl").joinpath(GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    if _REPO_GRAMMAR.is_file():
        return _REPO_GRAMMAR.read_text(encoding="utf-8")
    raise InternalError(f"the .wrl grammar is missing (looked for {packaged} and {_REPO_GRAMMAR})")
