"""`waymark run` refuses bad input before touching a database: usage errors exit 2 with a
clear message (and a "did you mean" where one helps); a file that does not compile prints its
diagnostics and exits 1, as `waymark compile` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_support import FLOWS, ROOT, Completed, assert_plain, project, waymark

__all__ = ["project"]

# No database is reachable here: each command must fail before it would connect.
NOWHERE = "postgresql://nobody@127.0.0.1:1/none"


def run(cwd: Path, *args: str) -> Completed:
    return waymark("run", *args, database=NOWHERE, cwd=cwd)


def assert_usage(result: Completed, *fragments: str) -> None:
    assert result.code == 2, result.err
    assert result.out == ""
    assert_plain(result.err)
    for fragment in fragments:
        assert fragment in result.err


def test_a_missing_file(project: Path) -> None:
    assert_usage(run(project, "nope.py", "--input", "{}"), "path does not exist: nope.py")


def test_not_a_python_file(project: Path) -> None:
    (project / "notes.txt").write_text("hello")
    assert_usage(run(project, "notes.txt"), "not a Python file: notes.txt")


def test_an_unknown_workflow_suggests_the_closest(project: Path) -> None:
    result = run(project, "flows.py:Step", "--input", "{}")
    assert_usage(result, "no workflow named `Step` in flows.py", "did you mean `Steps`?")


def test_a_file_with_several_workflows_needs_a_name(project: Path) -> None:
    result = run(project, "flows.py")
    assert_usage(result, "flows.py defines 5 workflows", "name one: waymark run flows.py:Steps")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"record": ', "--input is not valid JSON"),
        ("record=x", "--input is not valid JSON"),
        ("[" * 100_000, "--input is not valid JSON: it nests deeper than Python's recursion"),
        ('{"n": ' + "9" * 5000 + "}", "--input is not valid JSON: a number has more than 4,300"),
        ('["x"]', "--input must be a JSON object"),
        # A byte that is not UTF-8 reaches the command as a lone surrogate: refused, not run.
        ('{"record": "\udcff"}', "is not valid JSON: it is not UTF-8 text: byte 0xff (line 1, "),
    ],
)
def test_malformed_json_input(project: Path, text: str, fragment: str) -> None:
    assert_usage(run(project, "flows.py:Steps", "--input", text), fragment)


def test_an_argument_given_twice_is_refused_naming_it(project: Path) -> None:
    """Two `--input` options kept the last one silently; now they merge, a key at most once."""
    twice = run(
        project, "flows.py:Steps", "--input", '{"record": "a"}', "--input", '{"record": "b"}'
    )
    assert_usage(twice, "--input gives `record` twice")
    in_one = run(project, "flows.py:Steps", "--input", '{"record": "a", "record": "b"}')
    assert_usage(in_one, '--input is not valid JSON: an object gives the key "record" twice')


def test_inputs_given_in_parts_are_merged(project: Path) -> None:
    """Merged inputs pass the checks (the run then stops at the unreachable database)."""
    result = run(project, "flows.py:Steps", "--input", '{"record": "a"}', "--input", '{"pause": 0}')
    assert result.code == 1, result.err
    assert "error: cannot reach the database" in result.err


@pytest.mark.parametrize(
    ("reference", "said"),
    [
        ("flows.py:", "`flows.py:` has no WORKFLOW after the `:`"),
        (":Steps", "`:Steps` has no FILE before the `:`"),
        ("flows.py:Steps:x", "`flows.py:Steps:x` has more than one `:`"),
        ("flows.py::Steps", "`flows.py::Steps` has more than one `:`"),
    ],
)
def test_a_malformed_workflow_reference_says_the_form_expected(
    project: Path, reference: str, said: str
) -> None:
    """They all read `path does not exist: ...`, naming a path nobody typed."""
    assert_usage(run(project, reference), said, "hint: expected FILE[:WORKFLOW]")


def test_a_workflow_name_that_is_no_identifier_is_looked_up(project: Path) -> None:
    assert_usage(run(project, "flows.py:1x"), "no workflow named `1x` in flows.py")


def test_a_file_whose_name_holds_a_colon_is_taken_whole(project: Path) -> None:
    """`a:b.py` is the file, not `a` and workflow `b.py`; its name is no module name (WM140)."""
    (project / "a:b.py").write_text((project / "flows.py").read_text())
    result = run(project, "a:b.py:Steps", "--input", '{"record": "r"}')
    assert result.code == 1, result.err
    assert "is in module `a:b`, which is not a Python module name" in result.err
    assert "error: a:b.py does not compile" in result.err


def test_an_unknown_parameter_suggests_the_closest(project: Path) -> None:
    result = run(project, "flows.py:Steps", "--input", '{"recrd": "r.txt"}')
    assert_usage(result, "Steps.run() has no parameter `recrd`", "did you mean `record`?")


def test_a_missing_parameter(project: Path) -> None:
    result = run(project, "flows.py:Steps", "--input", '{"pause": 1}')
    assert_usage(result, "missing input `record` for Steps.run()", "Steps.run takes record, pause")


def test_an_input_of_the_wrong_type(project: Path) -> None:
    result = run(project, "flows.py:Steps", "--input", '{"record": "r", "pause": "soon"}')
    assert_usage(result, "input `pause` does not match Steps.run()")


def test_a_model_input_is_checked_field_by_field() -> None:
    order = '{"order": {"order_id": "o-1", "customer": "ada", "address": "x", "items": [{}]}}'
    result = run(ROOT, "examples/order_fulfilment.py", "--input", order)
    assert_usage(result, "input `order`['items'][0]['sku'] does not match", "Field required")


def test_resume_refuses_input(project: Path) -> None:
    result = run(project, "--resume", "0f4c4e9a-4b7e-4d8e-9c55-3f2b8c1e0a11", "--input", "{}")
    assert_usage(result, "--input cannot be used with --resume")


def test_resume_needs_an_instance_id(project: Path) -> None:
    assert_usage(run(project, "--resume", "last"), "not an instance id: 'last'")


def test_nothing_to_run(project: Path) -> None:
    assert_usage(run(project), "missing FILE[:WORKFLOW]")


def test_a_file_that_does_not_compile_shows_its_diagnostics(project: Path) -> None:
    source = (project / "flows.py").read_text()
    broken = source.replace('second = await step(record, "second", pause)',
                            "second = await step(record, str(len(open(record).read())))")  # fmt: skip
    (project / "flows.py").write_text(broken)
    result = run(project, "flows.py:Steps", "--input", '{"record": "r.txt"}')
    assert result.code == 1
    assert "WM1" in result.err and "flows.py:" in result.err
    assert "error: flows.py does not compile" in result.err
    assert_plain(result.err)


# What importing a user's module may raise besides an Exception, and what is said of it.
IMPORT_FAILURES = [
    ("import sys\nsys.exit(7)\n", "SystemExit: 7"),
    ('raise SystemExit("bye")\n', "SystemExit: bye"),
    # os._exit skips every handler: it ended the command with its status (0) and no word.
    ("import os\nos._exit(0)\n", "ImportExit: it called os._exit(0) while being imported"),
    ("from os import _exit\n_exit(3)\n", "ImportExit: it called os._exit(3) while being"),
    ("class Odd(BaseException):\n    pass\n\n\nraise Odd('odd')\n", "Odd: odd"),
    (
        "class Mute(Exception):\n    def __str__(self) -> str:\n        raise ValueError\n\n\n"
        "raise Mute()\n",
        "Mute: Mute()",
    ),
]


def test_a_thread_that_calls_os_exit_at_import_is_a_clear_error(project: Path) -> None:
    tail = "import os, threading\n\nthreading.Thread(target=os._exit, args=(0,)).start()\n"
    (project / "flows.py").write_text(FLOWS + "\n\n" + tail + "threading.Event().wait(30)\n")
    result = run(project, "flows.py:Steps", "--input", '{"record": "r.txt"}')
    assert result.code == 1, result.err
    assert "error: cannot import flows: a thread called os._exit(0) while it was imported" in (
        result.err
    )


def test_a_process_forked_at_import_keeps_its_own_os_exit(project: Path) -> None:
    """The import goes on (to the unreachable database here): the child's exit is its own."""
    tail = "import os\n\nif (child := os.fork()) == 0:\n    os._exit(0)\nos.waitpid(child, 0)\n"
    (project / "flows.py").write_text(FLOWS + "\n\n" + tail)
    result = run(project, "flows.py:Steps", "--input", '{"record": "r.txt"}')
    assert result.code == 1, result.err
    assert "cannot import" not in result.err
    assert "error: cannot reach the database" in result.err


@pytest.mark.parametrize(("tail", "said"), IMPORT_FAILURES)
def test_a_module_that_exits_or_raises_oddly_at_import_is_a_clear_error(
    project: Path, tail: str, said: str
) -> None:
    """`sys.exit()` at import used to end `waymark run` with the module's exit status and no
    word; a BaseException subclass printed a traceback; an unprintable one was an internal
    error (exit 70)."""
    (project / "flows.py").write_text(FLOWS + "\n\n" + tail, encoding="utf-8")
    result = run(project, "flows.py:Steps", "--input", '{"record": "r.txt"}')
    assert result.code == 1, result.err
    assert f"error: cannot import flows (from {project}): {said}" in result.err
    assert_plain(result.err)


def test_inputs_past_the_payload_limit_are_refused_before_anything_is_written(
    project: Path,
) -> None:
    """The command stored them whatever their size; a client's run() refuses them."""
    result = waymark("run", "flows.py:Steps", "--input", '{"record": "' + "r" * 100 + '"}',
                     database=NOWHERE, cwd=project, WAYMARK_MAX_PAYLOAD_BYTES="50")  # fmt: skip
    assert_usage(result, "--input: the inputs cannot be stored: its JSON is 1", "more than "
                 "WAYMARK_MAX_PAYLOAD_BYTES (50)")  # fmt: skip


def test_inputs_nested_past_the_value_limit_are_refused_before_anything_is_written(
    project: Path,
) -> None:
    """A worker would have failed the instance reading them back."""
    deep = "[" * 3000 + "]" * 3000
    result = run(project, "flows.py:Steps", "--input", '{"record": ' + deep + "}")
    assert_usage(result, "--input: input `record` nests more than 1000 levels deep")


@pytest.mark.parametrize("tail", ["raise KeyboardInterrupt\n", "raise KeyboardInterrupt('stop')\n"])
def test_a_module_that_raises_keyboard_interrupt_at_import_says_so(
    project: Path, tail: str
) -> None:
    """It ended `waymark run` with exit 130 and not a word."""
    (project / "flows.py").write_text(FLOWS + "\n\n" + tail, encoding="utf-8")
    result = run(project, "flows.py:Steps", "--input", '{"record": "r.txt"}')
    assert result.code == 130, result.err
    assert f"interrupted: cannot import flows (from {project}): KeyboardInterrupt" in result.err
    assert "Traceback" not in result.err
    assert_plain(result.err)
