"""`.wrl` texts are parsed without Lark's rule positions; a text the builder refuses is parsed
once more with them, only to place the error. Both parses must build the same program, and
the refusal must be the same one, now placed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.wrl.test_wrl_errors import CASES
from waymark_runtime.errors import WrlSyntaxError
from waymark_runtime.wrl import parser

GOLDEN = sorted(Path(__file__).parents[1].joinpath("golden").glob("*.wrl"))


def _both(text: str) -> tuple[object, object]:
    """What building `text` gives (or raises) from each parse: without positions, with them."""
    out: list[object] = []
    for lark in (parser.lark_parser(), parser._locating()):
        try:
            out.append(parser._build(parser._checked_tree(text, lark)))
        except WrlSyntaxError as error:
            out.append(str(error).removeprefix(f"{error.line}:{error.column}: "))
    return out[0], out[1]


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_both_parses_build_the_same_program(path: Path) -> None:
    for text in re.split(r"\n(?=wrl )", path.read_text()):  # a module's workflows, one by one
        plain, located = _both(text.rstrip("\n") + "\n")
        assert plain == located
        assert not isinstance(plain, str)


BUILDER_REFUSALS = [case for case in CASES if case[0].startswith("wrl 2\n\nworkflow W\n\nfn")]


@pytest.mark.parametrize(("text", "line", "column", "message"), BUILDER_REFUSALS)
def test_a_refusal_is_the_same_from_both_parses_and_placed(
    text: str, line: int, column: int, message: str
) -> None:
    plain, located = _both(text if text.endswith("\n") else text + "\n")
    assert plain == located
    with pytest.raises(WrlSyntaxError) as raised:
        parser.parse(text)
    assert (raised.value.line, raised.value.column) == (line, column)
