"""Displays of more than MAX_DISPLAY_ITEMS items: refused (WM139) only where workflow code would
carry them into its program; a data table beside a workflow, or in a module an action reads,
compiles, and positions after it stay the user's."""

from __future__ import annotations

from pathlib import Path

from waymark_compiler.api import compile_source
from waymark_compiler.sizes import HELP
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS

HEADER = "from waymark import Workflow, action, workflow\n\n"
LOOKUP = (
    "@action\nasync def city(code: str) -> str:\n    return POSTAL[code]\n\n\n"
    "@workflow\nclass Deliver(Workflow):\n"
)


def _postal(rows: int) -> str:
    """A table of postal codes of `rows` rows, one a line, and its first and last line."""
    return "POSTAL = {\n" + "".join(f'    "{i:05d}": "city {i}",\n' for i in range(rows)) + "}\n"


POSTAL = _postal(50_000)
SMALLER = _postal(MAX_DISPLAY_ITEMS + 1)


def _items(count: int) -> str:
    return ", ".join(str(i) for i in range(count))


def test_a_table_only_an_action_reads_compiles() -> None:
    body = "    async def run(self, code: str) -> str:\n        return await city(code)\n"
    result = compile_source(HEADER + POSTAL + LOOKUP + body, "deliver.py", "deliver")
    assert result.diagnostics == []
    assert [w.name for w in result.workflows] == ["Deliver"]
    assert "action deliver:city" in result.workflows[0].wrl


def test_positions_after_a_table_are_the_users() -> None:
    """libcst reads the table without its items (and its lines): diagnostics after it, and the
    program's positions, are still counted in the user's lines and columns."""
    body = "    async def run(self, code: str) -> str:\n        return await city(cod)\n"
    source = HEADER + "X = 1; " + POSTAL.replace("}\n", "}; Y = [1, 2]\n") + LOOKUP + body
    result = compile_source(source, "deliver.py", "deliver")
    [unknown] = result.diagnostics
    line = 2 + 50_002 + 9
    assert (unknown.code, unknown.span.line, unknown.span.column) == ("WM123", line, 27)
    assert source.splitlines()[line - 1][26:29] == "cod"


def test_a_module_of_data_alone_compiles() -> None:
    tuples = "ROWS = [\n" + "".join(f"    ({i}, 'r{i}'),\n" for i in range(20_000)) + "]\n"
    flat = f"FLAT = {_items(MAX_DISPLAY_ITEMS + 1)}\n"
    result = compile_source(tuples + flat + SMALLER, "data.py", "data")
    assert (result.workflows, result.diagnostics) == ([], [])


def test_a_table_read_by_workflow_code_is_refused_where_it_is_read() -> None:
    body = "    async def run(self, code: str) -> str:\n        return POSTAL[code]\n"
    result = compile_source(HEADER + SMALLER + LOOKUP + body, "deliver.py", "deliver")
    assert result.workflows == []
    [refused] = result.diagnostics
    assert refused.code == "WM139"
    read = "read by workflow code"
    assert refused.message == f"`POSTAL` is a literal of 10,001 items (more than 10,000), {read}"
    span = refused.span
    assert (span.line, span.column, span.end_column) == (2 + 10_003 + 9, 16, 22)
    assert refused.help == HELP and "action" in HELP


def test_a_display_in_workflow_code_is_refused_at_the_display() -> None:
    body = (
        f"    async def run(self) -> int:\n        return len([{_items(MAX_DISPLAY_ITEMS + 1)}])\n"
    )
    result = compile_source(HEADER + "@workflow\nclass W(Workflow):\n" + body, "w.py", "w")
    [refused] = result.diagnostics
    assert (refused.code, refused.span.line, refused.span.column) == ("WM139", 6, 20)
    assert refused.message == "a literal of 10,001 items (more than 10,000)"


def test_every_kind_of_large_constant_read_is_refused() -> None:
    """A tuple without parentheses, with extra ones, a set, a nested table, a class attribute."""
    many = _items(MAX_DISPLAY_ITEMS + 1)
    constants = {
        "BARE": f"BARE = {many}\n",
        "PARENS": f"PARENS = (({many}))\n",
        "CODES": f"CODES = {{{many}}}\n",
        "NESTED": f"NESTED = {{'a': [1], 'b': [{many}]}}\n",
    }
    for name, constant in constants.items():
        body = f"    async def run(self) -> int:\n        return len({name})\n"
        source = HEADER + constant + "@workflow\nclass W(Workflow):\n" + body
        result = compile_source(source, "w.py", "w")
        assert [(d.code, d.span.line) for d in result.diagnostics] == [("WM139", 7)], name
    attribute = f"    LIMITS = ({many},)\n    async def run(self) -> int:\n        return len(self.LIMITS)\n"
    result = compile_source(HEADER + "@workflow\nclass W(Workflow):\n" + attribute, "w.py", "w")
    assert [(d.code, d.message[:10]) for d in result.diagnostics] == [("WM139", "`self.LIMI")]


def test_a_large_table_of_another_module_is_refused_only_when_workflow_code_reads_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "postal.py").write_text(SMALLER + "\n\nasync def unused() -> None:\n    pass\n")
    imports = "from postal import POSTAL\n" + HEADER + LOOKUP
    reads = "    async def run(self, code: str) -> str:\n        return POSTAL[code]\n"
    result = compile_source(imports + reads, str(tmp_path / "flows.py"), "flows")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("WM139", 12)]
    calls = "    async def run(self, code: str) -> str:\n        return await city(code)\n"
    result = compile_source(imports + calls, str(tmp_path / "flows.py"), "flows")
    assert result.diagnostics == [] and [w.name for w in result.workflows] == ["Deliver"]


def test_a_call_with_too_many_arguments_is_refused_at_the_call() -> None:
    """A call's arguments are one bracket of the `.wrl` text, as a display's items are: a call
    of a helper, of an action and of an async helper, each refused where it is written."""
    many = _items(MAX_DISPLAY_ITEMS + 1)
    source = (
        HEADER
        + "def count(*values: int) -> int:\n    return len(values)\n\n\n"
        + "@action\nasync def total(*values: int) -> int:\n    return sum(values)\n\n\n"
        + "@workflow\nclass W(Workflow):\n    async def run(self) -> int:\n"
        + f"        a = count({many})\n        b = await total({many})\n"
        + f"        c = await self.more({many})\n        return a + b + c\n\n"
        + "    async def more(self, *values: int) -> int:\n        return len(values)\n"
    )
    result = compile_source(source, "w.py", "w")
    assert result.workflows == []
    message = "a call with 10,001 arguments (more than 10,000)"
    found = [(d.code, d.message, d.span.line, d.span.column) for d in result.diagnostics]
    assert found == [
        ("WM139", message, 15, 13),
        ("WM139", message, 16, 19),
        ("WM139", message, 17, 19),
    ]
    smaller = source.replace(many, _items(MAX_DISPLAY_ITEMS))
    assert compile_source(smaller, "w.py", "w").diagnostics == []


def test_a_large_class_attribute_of_a_base_in_another_module_is_refused(
    tmp_path: Path,
) -> None:
    """The attribute's items are counted in the base's module, which libcst read without them:
    the read is refused rather than compiled as an empty tuple."""
    limits = f"    LIMITS = ({_items(MAX_DISPLAY_ITEMS + 1)},)\n"
    (tmp_path / "bases.py").write_text(
        "from waymark import Workflow\n\n\nclass Limited(Workflow):\n" + limits
    )
    flows = (
        "from bases import Limited\nfrom waymark import workflow\n\n\n@workflow\n"
        "class W(Limited):\n    async def run(self) -> int:\n        return len(self.LIMITS)\n"
    )
    result = compile_source(flows, str(tmp_path / "flows.py"), "flows")
    assert result.workflows == []
    [refused] = result.diagnostics
    assert (refused.code, refused.span.line, refused.span.column) == ("WM139", 8, 20)
    assert refused.message.startswith("`self.LIMITS` is a literal of 10,001 items")
