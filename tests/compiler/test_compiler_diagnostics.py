"""Diagnostics as data: the rule catalogue, rendering (with and without colour), the flood cap,
and warnings from the post-lowering checks."""

from __future__ import annotations

import builtins
import importlib

from golden_support import ROOT, check_golden, expectations

from waymark_compiler.api import compile_source
from waymark_compiler.diagnostics import MAX_PER_FILE, RULES, render, summary
from waymark_compiler.rules import RETIRED
from waymark_compiler.tables import BUILTIN_EXCEPTIONS, KNOWN_EXCEPTIONS, type_path

HEADER = "from waymark import Workflow, workflow\n\n@workflow\nclass W(Workflow):\n"


def test_every_rule_explains_itself() -> None:
    for code, rule in RULES.items():
        assert rule.code == code and code.startswith("WM") and len(code) == 5
        for section in ("## What it does", "## Why", "## Example", "## Use instead"):
            assert section in rule.explanation, f"{code} lacks {section}"
    assert len({rule.name for rule in RULES.values()}) == len(RULES)


def test_every_error_rule_has_a_refusal_case() -> None:
    covered = {
        code
        for case in (ROOT / "tests" / "refusals").glob("*.py")
        for _, code, _ in expectations(case.read_text())
    }
    # WM150 is a warning, tested below; retired codes are never reported
    assert set(RULES) - covered == {"WM150", *RETIRED}
    assert not covered & RETIRED


def test_unreachable_code_is_a_warning_and_still_compiles() -> None:
    source = HEADER + "    async def run(self) -> int:\n        return 1\n        x = 2\n"
    result = compile_source(source, "w.py", module="w")
    assert [(d.code, d.severity, d.span.line) for d in result.diagnostics] == [
        ("WM150", "warning", 7)
    ]
    assert [w.name for w in result.workflows] == ["W"]


def test_render_plain_and_colour() -> None:
    source = HEADER + "    async def run(self, total: int) -> int:\n        return totl\n"
    result = compile_source(source, "w.py", module="w")
    plain = render(result.diagnostics, {"w.py": source})
    assert plain == (
        "WM123 unknown name `totl`\n"
        " --> w.py:6:16\n"
        "  |\n"
        "6 |         return totl\n"
        "  |                ^^^^ not defined\n"
        "  |\n"
        "  = help: did you mean `total`?"
    )
    coloured = render(result.diagnostics, {"w.py": source}, color=True)
    assert "\x1b[1;31mWM123\x1b[0m" in coloured
    assert coloured.replace("\x1b[0m", "").count("\x1b[") >= 5
    assert summary(result.diagnostics) == "Found 1 error in 1 file"


def test_a_long_source_line_is_shown_cut_around_the_column() -> None:
    """A generated line can be megabytes long: it was printed whole under the diagnostic."""
    items = ", ".join(str(i) for i in range(2_000))
    source = HEADER + f"    async def run(self) -> int:\n        return [{items}][totl]\n"
    result = compile_source(source, "w.py", module="w")
    unknown = [d for d in result.diagnostics if d.code == "WM123"]
    lines = render(unknown, {"w.py": source}).splitlines()
    shown, carets = lines[3], lines[4]
    assert len(shown) < 200 and shown.startswith("6 | …") and shown.endswith("][totl]")
    assert shown.index("totl") == carets.index("^^^^ not defined")


def test_diagnostics_are_capped_per_file() -> None:
    body = "".join(f"        x{i} = unknown_{i}\n" for i in range(MAX_PER_FILE + 7))
    source = HEADER + "    async def run(self) -> None:\n" + body
    result = compile_source(source, "w.py", module="w")
    assert len(result.diagnostics) == MAX_PER_FILE
    assert result.omitted == 7
    assert [d.span.line for d in result.diagnostics] == sorted(
        d.span.line for d in result.diagnostics
    )


def test_syntax_errors_are_diagnostics() -> None:
    result = compile_source("def broken(:\n", "b.py")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("WM100", 1)]
    assert result.workflows == []


def test_known_exception_paths_match_the_runtime_classes() -> None:
    for dotted, path in KNOWN_EXCEPTIONS.items():
        module, _, name = dotted.rpartition(".")
        assert type_path(getattr(importlib.import_module(module), name)) == path
    assert BUILTIN_EXCEPTIONS["IOError"] == type_path(builtins.OSError) == "builtins:OSError"


def rules_section() -> str:
    rows = ["| Code | Name | What it does |", "| --- | --- | --- |"]
    for code, rule in sorted(RULES.items()):
        summary = rule.summary.replace("|", "\\|")
        rows.append(f"| {code} | `{rule.name}` | {summary} |")
    return "\n".join(rows)


def test_language_reference_lists_every_rule(update_goldens: bool) -> None:
    path = ROOT / "docs" / "language.md"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("<!-- rules:start -->\n")
    _, _, tail = rest.partition("<!-- rules:end -->")
    expected = f"{head}<!-- rules:start -->\n{rules_section()}\n<!-- rules:end -->{tail}"
    check_golden(path, expected, update_goldens)
