"""The Waymark Runtime Language (`.wrl`): the text form of a compiled workflow.

`parse` reads text into `ir.Workflow`, `dumps` writes the canonical text, `version_of` names a
program by the hash of its behaviour text (the canonical text without source locations), `load_grammar` returns the Lark grammar (the language
reference). This package never imports the compiler, libcst, typer or graphviz.
"""

from __future__ import annotations

from waymark_runtime import ir
from waymark_runtime.wrl.grammar import load_grammar
from waymark_runtime.wrl.integrity import (
    VERSION_LENGTH,
    behaviour_text,
    check_program,
    version_of_canonical,
)
from waymark_runtime.wrl.parser import parse
from waymark_runtime.wrl.print_stmt import dumps


def version_of(text: str) -> str:
    """The version of a program: the first 16 hex digits of the sha256 of its behaviour text.

    The text is parsed and printed first, so spellings that read as the same program share a
    version, whatever their source locations; invalid text raises `WrlSyntaxError`.
    """
    return version_of_canonical(dumps(parse(text)))


def version_of_workflow(workflow: ir.Workflow) -> str:
    """`version_of(dumps(workflow))` without the round trip through the parser."""
    return version_of_canonical(dumps(workflow))


__all__ = [
    "VERSION_LENGTH",
    "behaviour_text",
    "check_program",
    "dumps",
    "load_grammar",
    "parse",
    "version_of",
    "version_of_canonical",
    "version_of_workflow",
]
