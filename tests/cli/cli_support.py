"""Running the real `waymark` command in a subprocess, as a user or CI would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Completed:
    code: int
    out: str
    err: str


Waymark = Callable[..., Completed]


def run_waymark(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> Completed:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.pop("WAYMARK_DEBUG", None)
    completed = subprocess.run(
        [sys.executable, "-m", "waymark", *map(str, args)],
        cwd=cwd,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return Completed(completed.returncode, completed.stdout, completed.stderr)


def assert_no_traceback(result: Completed) -> None:
    assert "Traceback" not in result.err + result.out


def programs(root: Path, *paths: str) -> dict[str, str]:
    """`{workflow name: .wrl text}` compiled in this process, to compare the command against."""
    from waymark_compiler.api import compile_path

    found: dict[str, str] = {}
    for path in paths:
        files = sorted((root / path).rglob("*.py")) if (root / path).is_dir() else [root / path]
        for file in files:
            found |= {w.name: w.wrl for w in compile_path(file).workflows}
    return found


def write_lockfile(root: Path, directory: str, *paths: str) -> Path:
    """What `waymark compile PATHS --out-dir DIRECTORY` writes, written in this process."""
    target = root / directory
    target.mkdir(parents=True, exist_ok=True)
    for name, text in programs(root, *paths).items():
        (target / f"{name}.wrl").write_text(text, encoding="utf-8")
    return target
