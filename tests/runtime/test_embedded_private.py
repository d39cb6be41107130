"""The embedded server is private: its socket lives in a 0700 directory of the current user, no
ancestor of its data directory changes mode, a home too long for a socket path works, and a
server left on a public socket (or a data directory of another account) is taken over."""

from __future__ import annotations

import errno
import os
import pwd
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from waymark_runtime import embedded_cluster as cluster
from waymark_runtime.embedded import EmbeddedServer, embedded_url, server_handle


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A tree outside pytest's temporary directories, every server in it stopped after."""
    root = Path(tempfile.mkdtemp(prefix="waymark-private-")).resolve()
    yield root
    for pid_file in root.rglob("postmaster.pid"):
        EmbeddedServer(home=pid_file.parent.parent).stop("immediate")
    shutil.rmtree(root, ignore_errors=True)


def modes(path: Path) -> dict[Path, tuple[int, int]]:
    """Mode and owner of `path` and of each of its ancestors."""
    return {p: (p.stat().st_mode, p.stat().st_uid) for p in (path, *path.parents)}


def assert_private(directory: Path) -> None:
    status = directory.lstat()
    assert stat.S_ISDIR(status.st_mode)
    assert stat.S_IMODE(status.st_mode) == 0o700
    assert status.st_uid == os.geteuid()
    assert (directory / cluster.SOCKET_NAME).is_socket()


def select_one(uri: str) -> str:
    return cluster.psql(uri, "SELECT 1").strip()


def test_the_socket_directory_is_private_and_no_ancestor_changes(scratch: Path) -> None:
    home = scratch / "a" / "b" / "home"
    home.mkdir(parents=True)
    (scratch / "a").chmod(0o700)
    (scratch / "a" / "b").chmod(0o710)
    before = modes(home)
    uri = embedded_url(home)
    assert modes(home) == before
    assert_private(EmbeddedServer(home=home).socket_dir)
    assert select_one(uri) == "1"


def test_a_home_too_long_for_a_socket_path_gets_a_short_private_directory(scratch: Path) -> None:
    home = scratch / ("h" * 100) / ("o" * 100)
    uri = embedded_url(home)
    sockets = EmbeddedServer(home=home).socket_dir
    assert not sockets.is_relative_to(home)
    assert len(str(sockets / cluster.SOCKET_NAME)) < 104
    assert_private(sockets)
    assert select_one(uri) == "1"
    EmbeddedServer(home=home).stop()
    assert not sockets.exists()


def test_a_server_on_a_public_socket_is_restarted_privately(scratch: Path) -> None:
    pgdata = scratch / "home" / "pgdata"
    pgdata.parent.mkdir()
    public = scratch / "public"
    public.mkdir(mode=0o777)
    public.chmod(0o777)
    cluster.initdb(pgdata)
    cluster.start(pgdata, public)
    server = server_handle(pgdata.parent)
    assert not (public / cluster.SOCKET_NAME).exists()
    assert_private(server.socket_dir)
    assert select_one(server.get_uri()) == "1"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand a data directory to another")
def test_root_takes_over_a_data_directory_of_another_account(scratch: Path) -> None:
    home = scratch / "home"
    server = server_handle(home)
    server.stop()
    other = pwd.getpwnam("nobody")
    for path in (home / "pgdata", *(home / "pgdata").rglob("*")):
        os.lchown(path, other.pw_uid, other.pw_gid)
    server.start()
    assert (home / "pgdata").stat().st_uid == 0
    assert select_one(server.get_uri()) == "1"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs another account to connect from")
def test_another_user_cannot_reach_the_socket(scratch: Path) -> None:
    scratch.chmod(0o755)  # only the server's own directories may keep another account out
    for home in (scratch / "home", scratch / ("l" * 120)):
        server = server_handle(home)
        socket_path = str(server.socket_dir / cluster.SOCKET_NAME)
        assert connect_as(None, socket_path) == 0
        assert connect_as("nobody", socket_path) == errno.EACCES


def connect_as(user: str | None, socket_path: str) -> int:
    """The errno of connecting to `socket_path` from a child process running as `user` (None:
    this account), 0 when it connects. A forked child, so no program file has to be readable
    by that account."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 254
        try:
            if user is not None:
                account = pwd.getpwnam(user)
                os.setgroups([])
                os.setgid(account.pw_gid)
                os.setuid(account.pw_uid)
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(socket_path)
            code = 0
        except OSError as error:
            code = error.errno if error.errno and error.errno < 254 else 255
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
