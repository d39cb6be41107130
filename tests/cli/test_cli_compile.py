"""`waymark compile`: text and JSON reports, exit statuses, the `.wrl` lockfile."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Waymark, assert_no_traceback, programs, write_lockfile

FLOW_NAMES = {"GreetWorkflow", "ChargeOrdersWorkflow", "ChargeOneWorkflow"}


def test_clean_sources_print_their_programs_and_exit_0(waymark: Waymark, workdir: Path) -> None:
    result = waymark("compile", "flows")
    assert result.code == 0, result.err
    expected = programs(workdir, "flows/greet.py", "flows/orders.py")
    assert result.out == "\n".join(expected.values())
    assert result.err.strip().splitlines()[-1] == "compiled 3 workflows in 2 files"


def test_a_refusal_is_rendered_on_stderr_and_exits_1(waymark: Waymark) -> None:
    result = waymark("compile", "refusal.py")
    assert result.code == 1
    assert result.out == ""
    assert "--> refusal.py:16:" in result.err
    assert "datetime.now()" in result.err
    assert "help:" in result.err
    assert result.err.strip().splitlines()[-1] == "Found 1 error in 1 file"


def test_errors_in_one_file_do_not_hide_the_others(waymark: Waymark) -> None:
    result = waymark("compile", "flows", "refusal.py")
    assert result.code == 1
    assert result.out.count("workflow ") >= 3  # the clean files still compile
    assert "Found 1 error in 1 file" in result.err


def test_json_reports_every_field_with_1_based_positions(waymark: Waymark, workdir: Path) -> None:
    result = waymark("compile", "flows/greet.py", "refusal.py", "--format", "json")
    assert result.code == 1
    document = json.loads(result.out)
    assert set(document) == {"workflows", "diagnostics"}

    [workflow] = document["workflows"]
    assert set(workflow) == {"name", "class_name", "path", "line", "version", "wrl", "signals"}
    assert workflow["name"] == "GreetWorkflow"
    assert workflow["class_name"] == "GreetWorkflow"
    assert workflow["path"] == "flows/greet.py"
    assert workflow["line"] == _line_of(workdir / "flows/greet.py", "class GreetWorkflow")
    assert isinstance(workflow["version"], str) and workflow["version"]
    assert workflow["wrl"].startswith("wrl 2")

    [diagnostic] = document["diagnostics"]
    assert set(diagnostic) == {
        "code", "severity", "message", "path", "line", "column", "end_line", "end_column", "help",
    }  # fmt: skip
    assert diagnostic["code"].startswith("WM")
    assert diagnostic["severity"] == "error"
    assert diagnostic["path"] == "refusal.py"
    assert isinstance(diagnostic["message"], str) and diagnostic["message"]
    assert isinstance(diagnostic["help"], str | None)
    text = (workdir / "refusal.py").read_text()
    line = _line_of(workdir / "refusal.py", "datetime.now()")
    column = text.splitlines()[line - 1].index("datetime.now()") + 1
    assert (diagnostic["line"], diagnostic["column"]) == (line, column)
    assert diagnostic["end_line"] == line
    assert diagnostic["end_column"] > diagnostic["column"]
    assert all(isinstance(diagnostic[k], int) for k in ("line", "column", "end_line", "end_column"))


def test_json_on_clean_sources_has_no_diagnostics(waymark: Waymark) -> None:
    result = waymark("compile", "flows", "--format", "json")
    assert result.code == 0
    document = json.loads(result.out)
    assert document["diagnostics"] == []
    assert {w["name"] for w in document["workflows"]} == FLOW_NAMES


def test_out_dir_writes_one_file_per_workflow(waymark: Waymark, workdir: Path) -> None:
    result = waymark("compile", "flows", "--out-dir", "wrl")
    assert result.code == 0, result.err
    assert result.out == ""
    assert "wrote 3 files to wrl" in result.err
    written = {p.stem: p.read_text() for p in (workdir / "wrl").iterdir()}
    assert written == programs(workdir, "flows")


def test_out_dir_removes_files_of_workflows_that_are_gone(waymark: Waymark, workdir: Path) -> None:
    (workdir / "wrl").mkdir()
    (workdir / "wrl" / "RemovedWorkflow.wrl").write_text("wrl 2\n")
    (workdir / "wrl" / "notes.txt").write_text("kept\n")
    assert waymark("compile", "flows", "--out-dir", "wrl").code == 0
    assert sorted(p.name for p in (workdir / "wrl").iterdir()) == sorted(
        [f"{name}.wrl" for name in FLOW_NAMES] + ["notes.txt"]
    )


def test_check_passes_when_committed_programs_match(waymark: Waymark, workdir: Path) -> None:
    write_lockfile(workdir, "wrl", "flows")
    result = waymark("compile", "flows", "--check", "wrl")
    assert result.code == 0, result.err
    assert result.out == ""
    assert "wrl is up to date" in result.err


def test_check_fails_with_a_diff_when_a_program_changed(waymark: Waymark, workdir: Path) -> None:
    write_lockfile(workdir, "wrl", "flows")
    committed = workdir / "wrl" / "GreetWorkflow.wrl"
    original = committed.read_text()
    committed.write_text(original.replace("wrl 2", "wrl 2\n# edited by hand", 1))
    result = waymark("compile", "flows", "--check", "wrl")
    assert result.code == 1
    assert "--- wrl/GreetWorkflow.wrl (committed)" in result.out
    assert "+++ wrl/GreetWorkflow.wrl (compiled)" in result.out
    assert "-# edited by hand" in result.out
    assert "wrl/GreetWorkflow.wrl is out of date" in result.err
    assert committed.read_text() != original  # --check never writes


def test_check_fails_when_a_program_is_missing(waymark: Waymark, workdir: Path) -> None:
    write_lockfile(workdir, "wrl", "flows")
    (workdir / "wrl" / "ChargeOneWorkflow.wrl").unlink()
    result = waymark("compile", "flows", "--check", "wrl")
    assert result.code == 1
    assert "+++ wrl/ChargeOneWorkflow.wrl (compiled)" in result.out
    assert "wrl/ChargeOneWorkflow.wrl is missing" in result.err


def test_check_fails_on_a_stale_program(waymark: Waymark, workdir: Path) -> None:
    write_lockfile(workdir, "wrl", "flows")
    (workdir / "wrl" / "RemovedWorkflow.wrl").write_text("wrl 2\n")
    result = waymark("compile", "flows", "--check", "wrl", "--format", "json")
    assert result.code == 1
    [drift] = json.loads(result.out)["drift"]
    assert drift["path"] == "wrl/RemovedWorkflow.wrl"
    assert drift["status"] == "stale"


def test_check_against_a_directory_that_does_not_exist_reports_everything_missing(
    waymark: Waymark,
) -> None:
    result = waymark("compile", "flows/greet.py", "--check", "nowhere")
    assert result.code == 1
    assert "nowhere/GreetWorkflow.wrl is missing" in result.err


def test_explain_prints_the_rule_documentation(waymark: Waymark) -> None:
    result = waymark("compile", "--explain", "wm102")
    assert result.code == 0
    assert result.out.startswith("# WM102 (")
    for heading in ("## What it does", "## Why", "## Example", "## Use instead"):
        assert heading in result.out


def test_explain_accepts_a_rule_name(waymark: Waymark) -> None:
    by_code = json.loads(waymark("compile", "--explain", "WM102", "--format", "json").out)
    by_name = json.loads(waymark("compile", "--explain", by_code["name"], "--format", "json").out)
    assert by_name == by_code
    assert set(by_code) == {"code", "name", "summary", "explanation"}


def test_explain_of_an_unknown_code_suggests_a_close_one(waymark: Waymark) -> None:
    result = waymark("compile", "--explain", "WM1022")
    assert result.code == 2
    assert result.out == ""
    assert "error: unknown rule `WM1022`" in result.err
    assert "did you mean `WM102`" in result.err
    assert_no_traceback(result)


def test_explain_of_an_unknown_code_quotes_it_on_one_line_cut_short(waymark: Waymark) -> None:
    result = waymark("compile", "--explain", "\x1b[2JX\nerror: forged")
    assert result.code == 2
    assert result.err.splitlines()[0] == "error: unknown rule `\\x1b[2JX\\nerror: forged`"
    long = waymark("compile", "--explain", "W" * 5_000)
    assert long.err.splitlines()[0] == f"error: unknown rule `{'W' * 80}...`"


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_an_action_that_is_not_async_is_reported_even_without_workflows(
    waymark: Waymark, workdir: Path
) -> None:
    source = "from waymark import action\n\n\n@action\ndef load(key: str) -> str:\n    return key\n"
    (workdir / "sync_action.py").write_text(source)
    result = waymark("compile", "sync_action.py")
    assert result.code == 1
    assert "WM151 action `load` is not `async def`" in result.err
    assert "--> sync_action.py:5:5" in result.err
    assert result.err.strip().splitlines()[-1] == "Found 1 error in 1 file"


def test_check_warns_but_passes_when_only_source_positions_moved(
    waymark: Waymark, workdir: Path
) -> None:
    write_lockfile(workdir, "wrl", "flows")
    source = workdir / "flows" / "greet.py"
    source.write_text(
        "# a comment\n\n\ndef unrelated() -> int:\n    return 1\n" + source.read_text()
    )
    result = waymark("compile", "flows", "--check", "wrl")
    assert result.code == 0, result.err
    assert "warning: wrl/GreetWorkflow.wrl has moved source positions" in result.err
    assert "in source positions only" in result.err
    assert "error" not in result.err
    document = json.loads(waymark("compile", "flows", "--check", "wrl", "--format", "json").out)
    assert [d["status"] for d in document["drift"]] == ["moved"]


def test_check_fails_when_behaviour_changed_as_well_as_positions(
    waymark: Waymark, workdir: Path
) -> None:
    write_lockfile(workdir, "wrl", "flows")
    source = workdir / "flows" / "greet.py"
    source.write_text("# a comment\n" + source.read_text().replace("(name)", "(name + '!')", 1))
    result = waymark("compile", "flows", "--check", "wrl", "--format", "json")
    assert result.code == 1
    assert [d["status"] for d in json.loads(result.out)["drift"]] == ["changed"]


SIGNALLED = """\
from waymark import Workflow, workflow

from models import Decision, Level


@workflow
class Expense(Workflow):
    async def run(self) -> str:
        decision = await self.wait_for_signal("decision", Decision, timeout=60)
        levels = await self.wait_for_signal("levels", list[Level] | None)
        return f"{decision.approved} {levels}"
"""
MODELS = """\
import enum

from pydantic import BaseModel


class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


class Approver(BaseModel):
    name: str


class Decision(BaseModel):
    approved: bool
    by: Approver
    note: str = ""
"""


def test_json_lists_each_workflows_signals_with_their_schemas(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "signalled.py").write_text(SIGNALLED)
    (workdir / "models.py").write_text(MODELS)
    result = waymark("compile", "signalled.py", "--format", "json")
    assert result.code == 0, result.err
    [workflow] = json.loads(result.out)["workflows"]
    decision, levels = workflow["signals"]
    assert (decision["name"], decision["type"], decision["type_path"]) == (
        "decision", "Decision", "models:Decision"
    )  # fmt: skip
    schema = decision["schema"]
    assert schema["required"] == ["approved", "by"]
    assert schema["properties"]["note"] == {"default": "", "title": "Note", "type": "string"}
    assert schema["$defs"]["Approver"]["properties"]["name"]["type"] == "string"
    assert (levels["name"], levels["type"]) == ("levels", "list[Level] | None")
    assert levels["schema"]["$defs"]["Level"]["enum"] == ["low", "high"]


_NAMED = """\
from waymark import Workflow, workflow


@workflow
class {cls}(Workflow):
    name = {name!r}

    async def run(self) -> int:
        return 1
"""


def test_a_workflow_name_that_is_no_file_name_is_never_written_outside_the_directory(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "named").mkdir()
    (workdir / "named" / "escape.py").write_text(_NAMED.format(cls="W", name="../escaped"))
    result = waymark("compile", "named", "--out-dir", "out")
    assert result.code == 1
    assert "workflow name `../escaped` cannot be used as a file name" in result.err
    assert sorted(p.name for p in workdir.rglob("*.wrl")) == []


def test_names_matter_only_to_files_and_any_script_is_a_file_name(
    waymark: Waymark, workdir: Path
) -> None:
    (workdir / "named").mkdir()
    (workdir / "named" / "odd.py").write_text(_NAMED.format(cls="W", name="a b"))
    (workdir / "named" / "unicode.py").write_text(
        _NAMED.format(cls="Wörkflow", name="Wörkflow"), encoding="utf-8"
    )
    printed = waymark("compile", "named")  # nothing is written: every name may be printed
    assert printed.code == 0, printed.err
    assert "workflow 'a b'" in printed.out and "workflow Wörkflow" in printed.out
    written = waymark("compile", "named/unicode.py", "--out-dir", "out")
    assert written.code == 0, written.err
    assert [p.name for p in (workdir / "out").iterdir()] == ["Wörkflow.wrl"]
