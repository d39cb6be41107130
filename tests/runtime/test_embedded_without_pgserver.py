"""Without the `pgserver` package (no wheel for the Python in use), the embedded default fails
with a message that says what to do instead, not an ImportError."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from waymark_runtime.embedded import EmbeddedServerError, server_handle


def test_missing_pgserver_points_at_waymark_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pgserver", None)
    monkeypatch.setitem(sys.modules, "pgserver.postgres_server", None)
    with pytest.raises(EmbeddedServerError, match="set WAYMARK_DATABASE_URL"):
        server_handle(tmp_path / "home")
