"""Source text CPython accepts that libcst reads otherwise: a leading byte-order mark, and form
feeds in indentation (CPython restarts its count of the indentation at each)."""

from __future__ import annotations

import re

import pytest

from waymark_compiler.api import compile_source

HEADER = "from waymark import Workflow, workflow\n\n@workflow\nclass W(Workflow):\n"
RUN = "    async def run(self, n: int) -> int:\n"


def _unplaced(wrl: str) -> str:
    return re.sub(r" @\S+", "", wrl)


def test_a_byte_order_mark_is_read_as_python_reads_it() -> None:
    source = HEADER + RUN + "        return n + missing\n"
    compile(("\ufeff" + source).encode(), "w.py", "exec")  # CPython reads a file's mark
    plain = compile_source(source, "w.py", "w")
    marked = compile_source("\ufeff" + source, "w.py", "w")
    assert [d.code for d in marked.diagnostics] == ["WM123"]
    assert marked.diagnostics == plain.diagnostics  # the same positions, on line 1 too
    fixed = compile_source("\ufeff" + source.replace("missing", "1"), "w.py", "w")
    assert [w.wrl for w in fixed.workflows] == [
        w.wrl for w in compile_source(source.replace("missing", "1"), "w.py", "w").workflows
    ]


@pytest.mark.parametrize(
    "indented",
    [
        "\f        return n + 1\n",  # before the indentation
        "    \f        return n + 1\n",  # inside it: the four spaces before do not count
        "        \f\f        return n + 1\n",
    ],
)
def test_form_feeds_in_indentation_restart_it(indented: str) -> None:
    source = HEADER + "\f" + RUN + indented
    compile(source, "w.py", "exec")  # CPython reads the same blocks
    result = compile_source(source, "w.py", "w")
    assert result.diagnostics == []
    expected = compile_source(HEADER + RUN + "        return n + 1\n", "w.py", "w")
    # the same program; its positions count the form feeds, as CPython's columns do
    assert _unplaced(result.workflows[0].wrl) == _unplaced(expected.workflows[0].wrl)
    assert "@+1:" + str(len(indented) - len(indented.lstrip()) + 1) in result.workflows[0].wrl


def test_positions_on_a_line_with_form_feeds_are_the_users() -> None:
    source = HEADER + RUN + "  \f        x = n\n  \f      \f        return x + missing\n"
    [unknown] = compile_source(source, "w.py", "w").diagnostics
    assert (unknown.code, unknown.span.line, unknown.span.column) == ("WM123", 7, 30)
    assert source.split("\n")[6][29:36] == "missing"


def test_a_form_feed_inside_a_string_is_kept() -> None:
    body = '        text = """a\n\f    b"""\n        return len(text) + n\n'
    source = HEADER + RUN + body
    result = compile_source(source, "w.py", "w")
    assert result.diagnostics == []
    assert r"text = 'a\n\x0c    b'" in result.workflows[0].wrl
