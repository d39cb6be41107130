"""What the docs show running runs that way, on the local runtime (virtual time, no database).

- A complete ```python block with `async def test_...` functions (the testing examples) is
  written to a file, imported, and each test function is run.
- Each `$ waymark run examples/...` console session of docs/examples.md is run with its
  `--input`: the result printed must be the one `waymark run` prints (same JSON rendering), and
  each progress line's `line N: action(` must be where the example calls that action.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from doc_blocks import ROOT, Block, blocks, defines_workflow

from waymark import Workflow
from waymark.testing import LocalRuntime
from waymark_compiler.cli._values import plain, pretty

EXAMPLES = ROOT / "examples"
TESTED_BLOCKS = [
    block
    for block in blocks("python")
    if defines_workflow(block)
    and "from waymark import" in block.text
    and re.search(r"^async def test_", block.text, re.M)
]


@pytest.fixture
def doc_module(tmp_path: Path) -> Iterator[Any]:
    """Imports a block's text as a module of its own file (`@workflow` reads its source)."""
    names: list[str] = []

    def load(block: Block) -> Any:
        name = f"doc_{block.path.stem.lower()}_{block.line}"
        (tmp_path / f"{name}.py").write_text(block.text, encoding="utf-8")
        names.append(name)
        return importlib.import_module(name)

    sys.path.insert(0, str(tmp_path))
    try:
        yield load
    finally:
        sys.path.remove(str(tmp_path))
        for name in names:
            sys.modules.pop(name, None)


def test_the_docs_hold_tested_blocks() -> None:
    assert {block.path.name for block in TESTED_BLOCKS} >= {"README.md", "runtime.md"}


@pytest.mark.parametrize("block", TESTED_BLOCKS, ids=lambda block: block.where)
async def test_documented_test_functions_pass(block: Block, doc_module: Any) -> None:
    module = doc_module(block)
    tests = [value for name, value in vars(module).items() if name.startswith("test_")]
    assert tests
    for test in tests:
        if "waymark_runtime" in inspect.signature(test).parameters:  # the pytest plugin's fixture
            async with LocalRuntime() as runtime:
                await test(waymark_runtime=runtime)
        else:
            await test()


@dataclass(frozen=True, slots=True)
class Session:
    where: str
    module: str
    workflow: str | None
    inputs: dict[str, Any]
    progress: list[tuple[int, str]]  # (line, action) of each progress line
    result: list[str]  # the result's lines as printed; a "..." line stands for lines left out


_PROGRESS = re.compile(r"^\[[ \d.]+m?s\] n\d+ line (\d+): (\w+)\(", re.M)


def sessions() -> list[Session]:
    found = []
    for block in blocks("console"):
        if (
            block.path.name == "examples.md"
            and block.marker != "fragment"
            and block.text.startswith("$ waymark run examples/")
        ):
            found.append(_session(block))
    return found


def _session(block: Block) -> Session:
    command, _, rest = block.text.partition("\n")
    while command.count("'") % 2:  # a quoted --input that goes on over several lines
        line, _, rest = rest.partition("\n")
        command += " " + line.strip()
    args = shlex.split(command)[3:]  # after `$ waymark run`
    target, options = args[0], dict(zip(args[1::2], args[2::2], strict=True))
    path, _, workflow = target.partition(":")
    lines = rest.rstrip("\n").split("\n")
    start = max(i for i, line in enumerate(lines) if not line.startswith((" ", "}", "]", "...")))
    return Session(
        where=block.where,
        module=Path(path).stem,
        workflow=workflow or None,
        inputs=json.loads(options["--input"]),
        progress=[(int(n), action) for n, action in _PROGRESS.findall(rest)],
        result=lines[start:],
    )


SESSIONS = sessions()


@pytest.fixture(scope="module", autouse=True)
def examples_importable() -> Iterator[None]:
    added = str(EXAMPLES) not in sys.path
    if added:
        sys.path.insert(0, str(EXAMPLES))
    yield
    if added:
        sys.path.remove(str(EXAMPLES))


def test_the_examples_page_holds_sessions() -> None:
    assert len(SESSIONS) >= 6
    assert all(session.result for session in SESSIONS)


def _workflow_of(session: Session) -> type[Workflow]:
    module = importlib.import_module(session.module)
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Workflow) and value is not Workflow
        and value.__module__ == module.__name__
    ]  # fmt: skip
    if session.workflow is not None:
        return next(cls for cls in classes if cls.__name__ == session.workflow)
    assert len(classes) == 1, f"{session.where}: name the workflow"
    return classes[0]


@pytest.mark.parametrize("session", SESSIONS, ids=lambda session: session.where)
async def test_documented_run_prints_what_the_workflow_returns(session: Session) -> None:
    async with LocalRuntime() as runtime:
        instance = await _workflow_of(session)().run(**session.inputs, _blocking=False)
        await runtime.result(instance)
        outcome = await runtime.outcome(instance)
    assert outcome is not None and outcome.ok
    printed = pretty(plain(outcome.value)).split("\n")
    shown = session.result
    if "..." in [line.strip() for line in shown]:  # elided: the lines around the gap must hold
        gap = [line.strip() for line in shown].index("...")
        assert shown[:gap] == printed[:gap], session.where
        assert shown[gap + 1 :] == printed[len(printed) - len(shown) + gap + 1 :], session.where
    else:
        assert "\n".join(shown) == "\n".join(printed), session.where


@pytest.mark.parametrize("session", SESSIONS, ids=lambda session: session.where)
def test_documented_progress_lines_name_the_calling_line(session: Session) -> None:
    """`line N` is where the statement making the call starts (`await self.run_action(` with
    the action on the next line, say)."""
    source = (EXAMPLES / f"{session.module}.py").read_text(encoding="utf-8")
    for line, action in session.progress:
        statements = [
            ast.get_source_segment(source, node) or ""
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.stmt) and node.lineno == line and not hasattr(node, "body")
        ]
        assert any(re.search(rf"\b{action}\(", text) for text in statements), (
            f"{session.where}: no statement at line {line} calls {action}"
        )
