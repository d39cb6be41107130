"""`@workflow` in a form the compiler cannot read: `waymark compile` and importing the module
agree, both naming WM172, and neither compiles the class silently nor ignores it silently."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from waymark_compiler.api import compile_path
from waymark_runtime.errors import CompileError

_HEADER = "from waymark import Workflow, workflow\n\nDECORATORS = [workflow]\n\n\n"
_BODY = "class Odd(Workflow):\n    async def run(self) -> int:\n        return 1\n"
FORMS = {
    "lambda": ("@(lambda cls: workflow(cls))\n", "error"),
    "factory": ("@(lambda: lambda applied: applied)()(workflow)\n", "error"),
    "subscript": ("@DECORATORS[0]\n", "warning"),
}


def _module(tmp_path: Path, form: str) -> Path:
    path = tmp_path / f"odd_{form}.py"
    path.write_text(_HEADER + FORMS[form][0] + _BODY, encoding="utf-8")
    return path


@pytest.mark.parametrize("form", sorted(FORMS))
def test_compile_reports_the_decorator_it_cannot_read(tmp_path: Path, form: str) -> None:
    result = compile_path(_module(tmp_path, form))
    assert result.workflows == []
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.severity, diagnostic.span.line) == (
        "WM172", FORMS[form][1], 6
    )  # fmt: skip


@pytest.mark.parametrize("form", sorted(FORMS))
def test_importing_the_module_refuses_it_naming_the_same_rule(
    tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _module(tmp_path, form)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(CompileError, match="WM172"):
            importlib.import_module(path.stem)
    finally:
        sys.modules.pop(path.stem, None)


def test_a_plain_decorator_on_a_class_that_is_no_workflow_is_not_reported(tmp_path: Path) -> None:
    path = tmp_path / "plain.py"
    path.write_text(
        "import functools\n\nfrom waymark import Workflow\n\n\n@functools.total_ordering\n"
        + _BODY, encoding="utf-8",
    )  # fmt: skip
    assert compile_path(path).diagnostics == []


def test_a_base_class_from_a_nested_namespace_package_resolves(tmp_path: Path) -> None:
    """A class whose base lives in a namespace package inside another one that this process has
    not imported (`opentelemetry.sdk.…`): importlib's finder reads the outer package's path from
    `sys.modules` and raised KeyError, which failed every module that named such a base."""
    inner = tmp_path / "outer_ns" / "inner_ns"
    inner.mkdir(parents=True)
    (inner / "bases.py").write_text("class Base:\n    pass\n", encoding="utf-8")
    path = tmp_path / "uses_namespace.py"
    path.write_text(
        "from outer_ns.inner_ns.bases import Base\n\n\nclass Plain(Base):\n    pass\n\n\n" + _BODY,
        encoding="utf-8",
    )
    assert "outer_ns" not in sys.modules
    result = compile_path(path)
    assert result.diagnostics == []
