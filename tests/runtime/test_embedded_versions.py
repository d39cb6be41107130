"""The wheel ships several PostgreSQL majors: a new cluster gets the newest, a cluster made by an
earlier release (PostgreSQL 16, as the `pgserver` wheel made them) keeps running on its own
major, and a cluster of a major the wheel does not ship is refused with what to do."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from waymark_runtime import embedded_cluster as cluster
from waymark_runtime.embedded import EmbeddedServer, EmbeddedServerError, embedded_url


@pytest.fixture
def scratch() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="waymark-versions-")).resolve()
    yield root
    for pid_file in root.rglob("postmaster.pid"):
        EmbeddedServer(home=pid_file.parent.parent).stop("immediate")
    shutil.rmtree(root, ignore_errors=True)


def server_major(uri: str) -> int:
    return int(cluster.psql(uri, "SHOW server_version_num").strip()) // 10000


def test_a_new_cluster_runs_the_newest_shipped_major(scratch: Path) -> None:
    uri = embedded_url(scratch / "home")
    assert server_major(uri) == max(cluster.shipped_versions())


def test_a_cluster_of_an_older_shipped_major_keeps_its_version(scratch: Path) -> None:
    oldest = min(cluster.shipped_versions())
    if oldest == max(cluster.shipped_versions()):
        pytest.skip("the installed wheel ships one PostgreSQL major only")
    pgdata = scratch / "home" / "pgdata"
    pgdata.parent.mkdir(parents=True)
    cluster._run(cluster.shipped_versions()[oldest] / "initdb", "-D", str(pgdata),
                 "-U", cluster.SUPERUSER, "--auth-local=trust", "--auth-host=reject")  # fmt: skip
    uri = embedded_url(scratch / "home")
    assert server_major(uri) == oldest


def test_a_cluster_of_an_unshipped_major_is_refused(scratch: Path) -> None:
    pgdata = scratch / "home" / "pgdata"
    pgdata.mkdir(parents=True)
    (pgdata / "PG_VERSION").write_text("9\n")
    with pytest.raises(EmbeddedServerError, match=r"PostgreSQL 9 cluster.*WAYMARK_DATABASE_URL"):
        cluster.bin_dir(pgdata)
