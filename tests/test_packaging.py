"""The built wheel ships the `.wrl` grammar (and the runtime parses with it) and the dashboard's
templates and vendored browser assets.

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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.mark.packaging
def test_packaging_wheel_ships_the_grammar(wheel: Path, tmp_path: Path) -> None:
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


@pytest.mark.packaging
def test_packaging_wheel_ships_the_dashboard_assets(wheel: Path) -> None:
    """The pages need no JavaScript build and no network: the vendored scripts, their licences
    and the templates are in the wheel, byte for byte as checked in."""
    package = ROOT / "waymark" / "dashboard"
    shipped = [p for p in package.rglob("*") if p.is_file() and p.parent.name != "__pycache__"]
    assets = [p for p in shipped if p.suffix in (".js", ".LICENSE", ".css", ".html")]
    assert {"viz-global.js", "viz.LICENSE", "htmx.min.js", "htmx.LICENSE"} <= {
        p.name for p in assets
    }
    with zipfile.ZipFile(wheel) as archive:
        for path in assets:
            name = path.relative_to(ROOT).as_posix()
            assert archive.read(name) == path.read_bytes(), name
