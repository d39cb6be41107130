"""The built wheel ships the `.wrl` grammar and the runtime parses with it.

Builds the wheel for real (`python -m build --wheel`), unpacks it, and imports the runtime from
the unpacked wheel in a fresh interpreter so the grammar comes from the package, not the checkout.
Slow (a build): deselect with `-m "not packaging"`; CI runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR_IN_WHEEL = "waymark_runtime/wrl/waymark.lark"

PROGRAM = """\
wrl 2

workflow Packaged @1:1

fn run(x): @+1:5
    y = await action app.tasks:double(x) retry(attempts=2) @+1:9
    return y + 1 @+2:9
"""

CHECK = """\
import sys
from pathlib import Path
import waymark_runtime.wrl as wrl
from waymark_runtime.wrl import grammar
site = Path(sys.argv[1]).resolve()
assert Path(wrl.__file__).resolve().is_relative_to(site), wrl.__file__
assert (site / "waymark_runtime" / "wrl" / grammar.GRAMMAR_FILE).read_text() == wrl.load_grammar()
workflow = wrl.parse(sys.stdin.read())
print(workflow.name, workflow.run.body[0].op.action, wrl.version_of(wrl.dumps(workflow)))
"""


def _build_wheel(outdir: Path) -> Path:
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = outdir.glob("waymark-*.whl")
    return wheel


@pytest.mark.packaging
def test_packaging_wheel_ships_the_grammar(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read(GRAMMAR_IN_WHEEL).decode("utf-8")
        site = tmp_path / "site"
        archive.extractall(site)
    assert shipped == (ROOT / "grammar" / "waymark.lark").read_text(encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(site)],
        input=PROGRAM,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    name, action, version = result.stdout.split()
    assert (name, action, len(version)) == ("Packaged", "app.tasks:double", 16)
