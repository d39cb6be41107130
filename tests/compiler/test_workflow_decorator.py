"""`@workflow` in a form the compiler cannot read: `waymark compile` and importing the module
agree, both naming WM172, and neither compiles the class silently nor ignores it silently."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from waymark_compiler.api import compile_path
from waymark_runtime.errors import CompileError

_HEADER = (
    "from waymark import Workflow, workflow\n\nDECORATORS = [workflow]\n\n\n"
    "def register(cls):\n    return _apply(cls)\n\n\ndef _apply(cls):\n    return workflow(cls)\n\n\n"
)
_BODY = "class Odd(Workflow):\n    async def run(self) -> int:\n        return 1\n"
FORMS = {
    "lambda": ("@(lambda cls: workflow(cls))\n", "error"),
    "factory": ("@(lambda: lambda applied: applied)()(workflow)\n", "error"),
    "subscript": ("@DECORATORS[0]\n", "warning"),
    "function": ("@register\n", "error"),  # applies `workflow` through another function
}
_LINE = _HEADER.count("\n") + 1


def _import(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Import the module at `path` as a user would, and forget it after."""
    monkeypatch.syspath_prepend(str(path.parent))
    try:
        importlib.import_module(path.stem)
    finally:
        sys.modules.pop(path.stem, None)


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
        "WM172", FORMS[form][1], _LINE
    )  # fmt: skip


@pytest.mark.parametrize("form", sorted(FORMS))
def test_importing_the_module_refuses_it_naming_the_same_rule(
    tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CompileError, match="WM172"):
        _import(_module(tmp_path, form), monkeypatch)


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


_REGISTRY = """\
from waymark import Workflow, workflow


class Registry:
    def add(self, kind):
        return lambda cls: cls


registry = Registry()


def tag(cls):
    return cls


@registry.add(kind=workflow)
class Plain:
    pass


@(lambda cls: workflow(cls))
class NotAWorkflow:
    pass


@tag
class Tagged(Workflow):
    async def run(self) -> int:
        return 1
"""


def test_a_class_that_is_no_workflow_subclass_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a `Workflow` subclass can be a workflow: a decorator that merely names `workflow`
    on another class, and a plain function decorator that does not apply it, are not WM172."""
    path = tmp_path / "registry_plain.py"
    path.write_text(_REGISTRY.replace("@(lambda cls: workflow(cls))\n", ""), encoding="utf-8")
    assert compile_path(path).diagnostics == []
    _import(path, monkeypatch)  # and importing it agrees: nothing is refused


def test_workflow_applied_to_a_class_that_is_no_workflow_subclass_fails_at_import_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "registry_lambda.py"
    path.write_text(_REGISTRY, encoding="utf-8")
    assert compile_path(path).diagnostics == []
    with pytest.raises(TypeError, match=r"subclass of waymark\.Workflow"):
        _import(path, monkeypatch)


def test_a_subclass_of_a_workflow_base_of_the_users_own_is_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "own_base.py"
    path.write_text(
        _HEADER + "class Base(Workflow):\n    pass\n\n\n@DECORATORS[0]\n"
        + _BODY.replace("(Workflow)", "(Base)"), encoding="utf-8",
    )  # fmt: skip
    [diagnostic] = compile_path(path).diagnostics
    assert (diagnostic.code, diagnostic.severity) == ("WM172", "warning")
