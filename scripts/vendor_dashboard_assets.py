#!/usr/bin/env python3
"""Fetch the dashboard's vendored browser assets again, pinned, and check their sha256.

The dashboard has no JavaScript build step: it ships three files from npm as they are published
(waymark/dashboard/static/vendor/), each with its licence. This script is how they got there:
`npm pack PACKAGE@VERSION` (the registry's own tarball, which npm checks against its integrity
hash), take one file out of it, compare its sha256 with the pin below, write it.

    python scripts/vendor_dashboard_assets.py           # fetch with npm, check, write
    python scripts/vendor_dashboard_assets.py --check   # only check the checked-in files

To move to a newer version: change VERSION, run with `--update-pins`, review the diff (the file
and the new sha256), and run the dashboard's browser test.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "waymark" / "dashboard" / "static" / "vendor"


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    member: str
    """The file inside the npm tarball (under `package/`)."""
    target: str
    """Its name under static/vendor/."""
    sha256: str


ASSETS = (
    # Graphviz compiled to WebAssembly, with its JavaScript wrapper, as one script defining
    # `window.Viz` (the wasm is inlined). MIT; contains Graphviz (EPL-1.0) and Expat (MIT).
    Asset("@viz-js/viz", "3.31.0", "dist/viz-global.js", "viz-global.js",
          "c9e0b310f9883910e01c66054b48b7ff4be3d8695141116635e72b0af152692e"),
    Asset("htmx.org", "2.0.11", "dist/htmx.min.js", "htmx.min.js",
          "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"),
    Asset("htmx.org", "2.0.11", "LICENSE", "htmx.LICENSE",
          "d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38"),
    Asset("htmx-ext-sse", "2.2.4", "dist/sse.min.js", "htmx-ext-sse.min.js",
          "98a46496de0c3605fbffdce9167ba427bdd9553184f83f149c261891a92c0136"),
    Asset("htmx-ext-sse", "2.2.4", "LICENSE", "htmx-ext-sse.LICENSE",
          "a17d224ce9afdc21ec9491b76a2f5d036d19aa641ac4f85ca29c21f9f7e54fdf"),
)  # fmt: skip
# The @viz-js/viz tarball has no LICENSE file: viz.LICENSE is written by hand (the MIT text of
# the viz-js repository and the notices of the software it contains) and is not fetched.


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def packed(package: str, version: str, workdir: Path) -> Path:
    """The registry's tarball of `package@version`, by `npm pack`."""
    command = ["npm", "pack", f"{package}@{version}", "--silent"]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=True)
    return workdir / result.stdout.strip().splitlines()[-1]


def fetch(asset: Asset, workdir: Path) -> bytes:
    with tarfile.open(packed(asset.package, asset.version, workdir)) as archive:
        member = archive.extractfile(f"package/{asset.member}")
        if member is None:
            raise SystemExit(f"error: {asset.package}@{asset.version} has no {asset.member}")
        return member.read()


def check() -> int:
    bad = [a for a in ASSETS if sha256((VENDOR / a.target).read_bytes()) != a.sha256]
    for asset in bad:
        print(f"error: {asset.target} does not match the pinned sha256", file=sys.stderr)
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the checked-in files")
    parser.add_argument("--update-pins", action="store_true", help="print new sha256 pins")
    options = parser.parse_args()
    if options.check:
        return check()
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        for asset in ASSETS:
            data = fetch(asset, Path(workdir))
            if sha256(data) != asset.sha256 and not options.update_pins:
                print(f"error: {asset.package}@{asset.version} {asset.member}: sha256 "
                      f"{sha256(data)}, pinned {asset.sha256}", file=sys.stderr)  # fmt: skip
                return 1
            if options.update_pins:
                print(f"{asset.target} {sha256(data)}")
            (VENDOR / asset.target).write_bytes(data)
            print(f"{asset.package}@{asset.version} {asset.member} -> {asset.target}")
    return check() if not options.update_pins else 0


if __name__ == "__main__":
    sys.exit(main())
