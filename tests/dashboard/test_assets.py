"""The vendored browser assets are the pinned npm files (scripts/vendor_dashboard_assets.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.runtime.support import ROOT

SCRIPT = ROOT / "scripts" / "vendor_dashboard_assets.py"


def test_vendored_assets_match_their_pinned_sha256() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_changed_asset_is_caught(tmp_path: Path) -> None:
    """The check compares bytes: the same script over a copy with one byte changed fails."""
    source = SCRIPT.read_text(encoding="utf-8")
    vendor = ROOT / "waymark" / "dashboard" / "static" / "vendor"
    copy = tmp_path / "vendor"
    copy.mkdir()
    for path in vendor.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    with (copy / "htmx.min.js").open("ab") as changed:
        changed.write(b"\n")
    patched = source.replace("VENDOR = ", f"VENDOR = __import__('pathlib').Path({str(copy)!r})  #")
    result = subprocess.run([sys.executable, "-c", patched, "--check"], capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1 and "htmx.min.js does not match" in result.stderr
