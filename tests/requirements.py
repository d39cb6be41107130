"""Markers for tests that need a program outside Python: they skip, with the reason shown in
the summary (`-ra`), where it is not installed. CI installs each, so they run there."""

from __future__ import annotations

import shutil

import pytest

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="needs the graphviz `dot` program (apt install graphviz); CI installs it",
)
