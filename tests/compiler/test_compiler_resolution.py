"""Static resolution: import aliases, names from other modules (read, never imported), and the
`@workflow` decorator compiling a class at import time."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from golden_support import ROOT, compile_case, expectations, rendered, reported, walk

from waymark_compiler.api import ModuleResult, compile_path, compile_source
from waymark_runtime import ir
from waymark_runtime.errors import CompileError

FIXTURES = Path(__file__).parent / "fixtures"


def _nodes(program: ir.Workflow, kind: type) -> list[object]:
    return [node for node in walk(program) if isinstance(node, kind)]


def test_cross_module_names_resolve_to_their_defining_module() -> None:
    result = compile_path(FIXTURES / "shop" / "flows.py")
    assert not result.diagnostics, rendered(result)
    program = result.workflows[0].program
    actions = {call.action for call in _nodes(program, ir.ActionCall)}  # type: ignore[attr-defined]
    assert actions == {"shop.actions:fetch_order", "shop.actions:charge", "shop.actions:send_email"}
    handlers = [h.types for h in _nodes(program, ir.Handler)]  # type: ignore[attr-defined]
    assert handlers == [("shop.models:RetryableOrderError", "shop.models:OrderError")]
    news = {n.type for n in _nodes(program, ir.New)}  # type: ignore[attr-defined]
    assert news == {"shop.models:Order", "shop.models:OrderError"}
    members = {(m.type, m.member) for m in _nodes(program, ir.EnumMember)}  # type: ignore[attr-defined]
    assert members == {("shop.models:Status", "PAID"), ("shop.models:Status", "NEW")}
    assert [t.type for t in _nodes(program, ir.TypeRef)] == ["shop.models:OrderError"]  # type: ignore[attr-defined]
    assert ir.Const(value=5) in _nodes(program, ir.Const)


def test_cross_module_refusals() -> None:
    path = FIXTURES / "shop" / "bad_flows.py"
    result = compile_path(path)
    assert reported(result) == expectations(path.read_text()), rendered(result)
    assert "did you mean `send_email`?" in rendered(result)


def test_functions_of_other_user_modules_are_compiled_in_their_own_module() -> None:
    source = (
        "from shop.actions import format_receipt, stamp\n"
        "from waymark import Workflow, workflow\n\n"
        "@workflow\n"
        "class Receipt(Workflow):\n"
        "    async def run(self, text: str) -> str:\n"
        "        return format_receipt(text)\n\n"
        "@workflow\n"
        "class Stamped(Workflow):\n"
        "    async def run(self, text: str) -> str:\n"
        "        return stamp(text)\n"
    )
    result = compile_source(source, str(FIXTURES / "receipts.py"), module="receipts")
    good = next(w for w in result.workflows if w.name == "Receipt")
    assert [h.name for h in good.program.helpers] == ["format_receipt"]
    assert "shop.actions" not in sys.modules
    _refused_at_the_clock(result, FIXTURES / "shop" / "actions.py")


def test_a_base_class_of_another_user_module_is_compiled_in_its_own_module() -> None:
    source = (
        "from shop.bases import LabelFlow, StampedFlow\n"
        "from waymark import workflow\n\n"
        "@workflow\n"
        "class Labelled(LabelFlow):\n"
        "    retries = 5\n\n"
        "    async def run(self, text: str) -> str:\n"
        "        return self.label(text)\n\n"
        "@workflow\n"
        "class Stamped(StampedFlow):\n"
        "    async def run(self, text: str) -> str:\n"
        "        return self.stamp(text)\n"
    )
    result = compile_source(source, str(FIXTURES / "labels.py"), module="labels")
    good = next(w for w in result.workflows if w.name == "Labelled")
    assert [h.name for h in good.program.helpers] == ["label"]
    assert "self.retries" not in good.wrl  # configuration, read as the subclass sets it
    assert "shop.bases" not in sys.modules
    _refused_at_the_clock(result, FIXTURES / "shop" / "bases.py")


def _refused_at_the_clock(result: ModuleResult, other: Path) -> None:
    """The one error is WM103 at the `time.time()` line of `other` (a module the workflow
    imports code from), reported and shown from that file."""
    (refusal,) = [d for d in result.diagnostics if d.severity == "error"]
    lines = other.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "time.time()" in text)
    assert (refusal.code, refusal.path, refusal.span.line) == ("WM103", str(other), line)
    assert f"{line} | {lines[line - 1]}" in rendered(result)


def test_other_modules_are_read_not_imported() -> None:
    source = (
        "from shop.explosive import detonate\n"
        "from waymark import Workflow, workflow\n\n"
        "@workflow\n"
        "class Fuse(Workflow):\n"
        "    async def run(self) -> str:\n"
        "        return await detonate('x')\n"
    )
    result = compile_source(source, str(FIXTURES / "fuse.py"), module="fuse")
    assert not result.diagnostics, rendered(result)
    calls = _nodes(result.workflows[0].program, ir.ActionCall)
    assert [c.action for c in calls] == ["shop.explosive:detonate"]  # type: ignore[attr-defined]
    assert "shop.explosive" not in sys.modules


def test_import_aliases_are_recognised() -> None:
    result = compile_case(ROOT / "tests" / "golden" / "import_aliases.py")
    assert not result.diagnostics, rendered(result)
    program = result.workflows[0].program
    assert len(_nodes(program, ir.Gather)) == 2
    assert len(_nodes(program, ir.Sleep)) == 2
    policies = [p for p in _nodes(program, ir.Policy)]
    assert policies == [ir.Policy(attempts=2)]
    actions = {c.action for c in _nodes(program, ir.ActionCall)}  # type: ignore[attr-defined]
    assert actions == {"import_aliases:one", "import_aliases:two"}


def test_shadowed_names_are_not_mistaken_for_waymark_ones() -> None:
    source = (
        "import asyncio\n"
        "from waymark import Workflow, action, workflow\n\n"
        "@action\n"
        "async def ping() -> int:\n    return 1\n\n"
        "@workflow\n"
        "class Shadow(Workflow):\n"
        "    async def run(self, asyncio: object, ping: object) -> None:\n"
        "        await asyncio.sleep(1)\n"
        "        await ping()\n"
    )
    result = compile_source(source, "shadow.py", module="shadow")
    # `ping` is the parameter, a value: called, it must give an action when the call runs
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("WM102", 11)]


def test_compiling_twice_gives_identical_text_and_version() -> None:
    path = ROOT / "examples" / "welcome_email.py"
    first, second = compile_path(path), compile_path(path)
    assert [w.wrl for w in first.workflows] == [w.wrl for w in second.workflows]
    assert [w.version for w in first.workflows] == [w.version for w in second.workflows]
    assert first.workflows[0].version
    from_text = compile_source(path.read_text(), str(path), module="welcome_email")
    assert from_text.workflows[0].wrl == first.workflows[0].wrl


def test_a_change_to_run_changes_the_version() -> None:
    path = ROOT / "examples" / "parallel_math.py"
    original = compile_path(path).workflows[0]
    edited = path.read_text().replace("return_exceptions=True", "return_exceptions=False")
    changed = compile_source(edited, str(path), module="parallel_math").workflows[0]
    assert changed.version != original.version
    assert changed.wrl != original.wrl


# ---------------------------------------------------------------------------------------------
# The @workflow decorator
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def decorated(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WAYMARK_WORKER_PROCESS", raising=False)
    monkeypatch.syspath_prepend(str(FIXTURES / "decorated"))
    for name in ("bad_workflow", "good_workflow"):
        sys.modules.pop(name, None)
    return FIXTURES / "decorated"


def test_decorator_raises_compile_error_with_every_diagnostic(decorated: Path) -> None:
    with pytest.raises(CompileError) as raised:
        importlib.import_module("bad_workflow")
    codes = [(d.code, d.span.line) for d in raised.value.diagnostics]
    assert codes == [("WM107", 15), ("WM103", 16), ("WM106", 17), ("WM124", 18)]
    message = str(raised.value)
    assert "--> " in message and "bad_workflow.py:18:15" in message
    assert "did you mean `send_email`?" in message


def test_decorator_attaches_the_compiled_definition(decorated: Path) -> None:
    module = importlib.import_module("good_workflow")
    definition = module.DoublingWorkflow.__waymark_definition__
    expected = compile_path(decorated / "good_workflow.py").workflows[0]
    assert definition.name == "doubling"
    assert definition.program == expected.program
    assert definition.wrl == expected.wrl and definition.version == expected.version
    assert list(definition.signature.parameters) == ["self", "xs", "scale"]
    assert module.OtherWorkflow.__waymark_definition__.name == "OtherWorkflow"


def test_true_false_none_are_values_not_globals() -> None:
    source = (
        "from waymark import Workflow, workflow\n\n"
        "@workflow\n"
        "class Keywords(Workflow):\n"
        "    async def run(self) -> object:\n"
        "        return [(True).real, (None).x]\n"
    )
    result = compile_source(source, "keywords.py", module="keywords")
    assert not result.diagnostics, rendered(result)
    attributes = _nodes(result.workflows[0].program, ir.Attribute)
    assert attributes == [
        ir.Attribute(value=ir.Const(value=True), attr="real"),
        ir.Attribute(value=ir.Const(value=None), attr="x"),
    ]


def test_a_module_read_for_its_constants_honours_its_coding_line(tmp_path: Path) -> None:
    """A helper module in Latin-1 that says so imports fine in Python; its constants were taken
    for unreadable ones (WM122 "not a constant") because the compiler read it as UTF-8."""
    (tmp_path / "latin_words.py").write_bytes(b'# -*- coding: latin-1 -*-\nGREETING = "caf\xe9"\n')
    flow = tmp_path / "greeting_flow.py"
    flow.write_text(
        "from latin_words import GREETING\nfrom waymark import Workflow, workflow\n\n\n"
        "@workflow\nclass Greeting(Workflow):\n    async def run(self) -> str:\n"
        "        return GREETING\n",
        encoding="utf-8",
    )
    result = compile_path(flow)
    assert result.diagnostics == []
    assert "return 'café'" in result.workflows[0].wrl


def test_a_constant_of_a_module_that_does_not_compile_says_why(tmp_path: Path) -> None:
    """It read "which is not a constant", blaming the name for its module's syntax error."""
    (tmp_path / "broken_words.py").write_text("GREETING = (\n", encoding="utf-8")
    flow = tmp_path / "broken_flow.py"
    flow.write_text(
        "from broken_words import GREETING\nfrom waymark import Workflow, workflow\n\n\n"
        "@workflow\nclass Greeting(Workflow):\n    async def run(self) -> str:\n"
        "        return GREETING\n",
        encoding="utf-8",
    )
    [diagnostic] = compile_path(flow).diagnostics
    assert diagnostic.code == "WM122"
    assert diagnostic.message == (
        "read of `GREETING` from module `broken_words`, which does not compile: "
        "syntax error: '(' was never closed at line 1"
    )
