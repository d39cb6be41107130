"""Dependencies point one way: the compiler imports the runtime, never the reverse.

The runtime (what a worker image carries) must load without libcst, typer, graphviz or the
compiler; the compiler may use only the runtime's public modules. Checked twice: by importing
every runtime module in a fresh interpreter, and by reading every import statement (which also
catches imports inside functions that an import test would never execute).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_RUNTIME = ("libcst", "typer", "graphviz", "waymark_compiler", "waymark")

_IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import waymark_runtime
names = sorted(
    info.name
    for info in pkgutil.walk_packages(waymark_runtime.__path__, "waymark_runtime.")
    if not info.name.rpartition(".")[2] == "__main__"
)
for name in names:
    importlib.import_module(name)
roots = {"libcst", "typer", "graphviz", "waymark_compiler"}
loaded = sorted(name for name in sys.modules if name.partition(".")[0] in roots)
print(json.dumps({"imported": names, "loaded": loaded}))
"""


def _run_python(code: str, **env: str) -> dict[str, list[str]]:
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, list[str]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_importing_every_runtime_module_loads_no_compiler_dependency() -> None:
    result = _run_python(_IMPORT_EVERYTHING)
    assert "waymark_runtime.ir" in result["imported"]
    assert "waymark_runtime.dag.build" in result["imported"]
    assert result["loaded"] == []


def test_worker_processes_import_the_facade_without_the_compiler() -> None:
    code = (
        "import json, sys, waymark\n"
        "roots = {'libcst', 'typer', 'graphviz', 'waymark_compiler'}\n"
        "loaded = sorted(n for n in sys.modules if n.partition('.')[0] in roots)\n"
        "print(json.dumps({'loaded': loaded}))\n"
    )
    assert _run_python(code, WAYMARK_WORKER_PROCESS="1")["loaded"] == []


def _imports(package: str) -> Iterator[tuple[Path, int, str]]:
    """(file, line, absolute module name) for every import statement in a package."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                yield from ((path, node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.lineno, node.module
                # `from waymark_runtime import wrl` names a module too.
                yield from ((path, node.lineno, f"{node.module}.{a.name}") for a in node.names)


def test_runtime_sources_never_import_the_compiler_side() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path, line, module in _imports("waymark_runtime")
        if module.partition(".")[0] in FORBIDDEN_IN_RUNTIME
    ]
    assert offenders == []


def test_compiler_uses_only_public_runtime_modules() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path, line, module in _imports("waymark_compiler")
        if module.startswith("waymark_runtime.")
        and any(part.startswith("_") for part in module.split("."))
    ]
    assert offenders == []


def test_the_import_scan_sees_the_compiler_importing_the_runtime() -> None:
    """Guards the two tests above against a scan that silently finds nothing."""
    modules = {module for _, _, module in _imports("waymark_compiler")}
    assert "waymark_runtime.ir" in modules


def test_each_entry_module_imports_first_in_a_fresh_interpreter() -> None:
    # what a program, a test, a worker or the CLI imports before anything else of ours: a
    # name resolved from a module nobody imported yet (`urllib.parse`), or an import cycle,
    # breaks only when that module comes first
    entries = ("waymark", "waymark.testing", "waymark_runtime.worker.main",
               "waymark_compiler", "waymark_compiler.cli", "waymark_compiler.context")  # fmt: skip
    for entry in entries:
        result = _run_python(f"import json, {entry}; print(json.dumps({{}}))")
        assert result == {}, entry
