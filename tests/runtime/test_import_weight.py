"""What the runner and its worker processes load at rest, which is most of their memory.

Each check runs in a fresh interpreter from the repository root, with the benchmark's user
module (`benchmarks.workflows`, what the W5 memory row measures). A worker imports its entry
point and the user modules and nothing heavier; the runner never loads the compiler; the
standard modules and pydantic-core that only some stored values need are imported when such a
value is first read, and such values still read back as before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pydantic

from waymark_runtime.values import to_json

ROOT = Path(__file__).resolve().parents[2]
_USER_MODULE = "benchmarks.workflows"
# Heavy libraries a worker has no use for: the database driver (only the runner connects),
# pydantic (unless the user's code imports it), the compiler, the IR parser, and the standard
# modules only some stored values name.
_NOT_IN_A_WORKER = ("asyncpg", "pydantic", "pydantic_core", "libcst", "waymark_compiler",
                    "lark", "regex", "statistics", "csv", "calendar", "hashlib", "lzma",
                    "pickle")  # fmt: skip
_NOT_IN_THE_RUNNER = ("libcst", "waymark_compiler", "pydantic", "pydantic_core", "typer")

_LOAD_USER_MODULES = (
    "from waymark_runtime.config import Settings\n"
    "from waymark_runtime.worker.main import import_user_modules\n"
    "import_user_modules(Settings.from_env())\n"
)


def _loaded(code: str, watched: tuple[str, ...]) -> list[str]:
    """The modules of `watched` that `code` leaves loaded (their own or their submodules)."""
    script = (
        f"import json, sys\n{code}"
        f"watched = {watched!r}\n"
        "print(json.dumps(sorted({n.partition('.')[0] for n in sys.modules} & set(watched))))\n"
    )
    env = {**os.environ, "WAYMARK_USER_MODULE": _USER_MODULE, "WAYMARK_WORKER_PROCESS": "1"}
    env.pop("WM_BENCH_STATEMENTS", None)  # (the benchmark's own counting loads asyncpg)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               cwd=ROOT, env=env, timeout=120, check=False)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    result: list[str] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_a_worker_process_loads_no_heavy_library() -> None:
    code = f"import waymark_runtime.worker.main\n{_LOAD_USER_MODULES}"
    assert _loaded(code, _NOT_IN_A_WORKER) == []


def test_the_runner_at_rest_loads_neither_the_compiler_nor_pydantic() -> None:
    # what `start-workers` imports before its first instance: its entry point, the runner and
    # the interpreter behind it, and the user modules
    code = f"import waymark_runtime.worker.cli, waymark_runtime.engine\n{_LOAD_USER_MODULES}"
    assert _loaded(code, _NOT_IN_THE_RUNNER) == []


def test_the_watch_sees_a_heavy_library_a_user_module_loads() -> None:
    """Guards the two tests above against a check that silently finds nothing."""
    code = f"import pickle, statistics\n{_LOAD_USER_MODULES}"
    assert _loaded(code, _NOT_IN_A_WORKER) == ["pickle", "statistics"]


def test_errors_of_standard_modules_not_loaded_yet_still_resolve() -> None:
    code = (
        "from waymark_runtime.values import find_class, find_standard_class\n"
        "assert 'statistics' not in sys.modules and 'csv' not in sys.modules\n"
        "assert find_class('statistics:StatisticsError').__name__ == 'StatisticsError'\n"
        "assert find_standard_class('_csv:Error').__module__ == '_csv'\n"
        "import calendar\n"
        "if hasattr(calendar, 'Day'):\n"
        "    assert find_class('calendar:Day') is calendar.Day\n"
    )
    assert _loaded(code, ("statistics", "csv")) == ["csv", "statistics"]


def test_malformed_or_unknown_paths_import_nothing() -> None:
    paths = ["", ":", "statistics", "statistics:", "statistics:_Private", "_csv:Error.__class__",
             "nosuch:Thing", "os:system", "calendar:Nope", "statistics :StatisticsError"]  # fmt: skip
    code = (
        "from waymark_runtime.values import find_class, find_standard_class\n"
        f"for path in {paths!r}:\n"
        "    if path != 'calendar:Nope':\n"
        "        assert find_class(path) is None and find_standard_class(path) is None, path\n"
        "assert find_class('calendar:Nope') is None\n"
    )
    # `calendar:Nope` names an on-demand module: it is imported (and the path still refused)
    assert _loaded(code, ("statistics", "csv", "calendar")) == ["calendar"]


def test_a_pydantic_offset_reads_back_in_a_process_without_pydantic() -> None:
    moment = pydantic.TypeAdapter(dt.datetime).validate_python("2026-03-01T10:00:00+02:00")
    stored = json.dumps(to_json(moment))
    assert '"tz": "pydantic"' in stored
    code = (
        "from waymark_runtime.values import from_json\n"
        "assert 'pydantic_core' not in sys.modules\n"
        f"value = from_json(json.loads({stored!r}))\n"
        "assert type(value.tzinfo).__name__ == 'TzInfo', type(value.tzinfo)\n"
        "assert value.isoformat() == '2026-03-01T10:00:00+02:00'\n"
    )
    assert _loaded(code, ("pydantic_core",)) == ["pydantic_core"]
