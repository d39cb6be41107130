"""Hosts for a multi-host test on one machine: Linux network namespaces joined by veth pairs,
and a PostgreSQL of the test's own that listens on the root side of every pair.

Each host is a network namespace with its own loopback and one end of a veth pair; the other
end stays in the root namespace with an address the test assigns, and the dedicated PostgreSQL
(a temporary cluster of the embedded binaries, trusted only from those subnets) listens on those
addresses alone. A host reaches the database only through its veth pair. Nothing of the
machine's own network or PostgreSQL is touched; everything is removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from waymark_runtime import embedded_cluster


class NoNamespaces(Exception):
    """Network namespaces cannot be made here (the reason is the message)."""


@dataclass(frozen=True, slots=True)
class Host:
    name: str  # the network namespace
    address: str  # the host's own address
    gateway: str  # the database's address as this host sees it


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise NoNamespaces(f"`ip {' '.join(args)}` failed: {done.stderr.strip()}")


def check_support() -> None:
    """Raise `NoNamespaces` with the reason when this machine cannot host the test."""
    if not os.path.exists("/proc/self/ns/net"):
        raise NoNamespaces("not Linux: no network namespaces")
    if os.geteuid() != 0:
        raise NoNamespaces("creating network namespaces needs root")
    if shutil.which("ip") is None:
        raise NoNamespaces("the `ip` program (iproute2) is not installed")
    probe = f"wmprobe{os.getpid()}"
    _ip("netns", "add", probe)
    _ip("netns", "del", probe)


@contextlib.contextmanager
def hosts(count: int) -> Iterator[list[Host]]:
    """`count` network namespaces, each with a veth pair to the root namespace."""
    tag = os.getpid() % 100_000
    subnet = f"10.{100 + tag % 100}"
    made: list[Host] = []
    try:
        for index in range(1, count + 1):
            name, outside, inside = f"wm{tag}h{index}", f"wm{tag}h{index}a", f"wm{tag}h{index}b"
            gateway, address = f"{subnet}.{index}.1", f"{subnet}.{index}.2"
            _ip("netns", "add", name)
            made.append(Host(name, address, gateway))
            _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            _ip("link", "set", inside, "netns", name)
            _ip("addr", "add", f"{gateway}/24", "dev", outside)
            _ip("link", "set", outside, "up")
            _ip("-n", name, "addr", "add", f"{address}/24", "dev", inside)
            _ip("-n", name, "link", "set", inside, "up")
            _ip("-n", name, "link", "set", "lo", "up")
        yield made
    finally:
        for host in made:
            kill_host(host)
            with contextlib.suppress(NoNamespaces):
                _ip("netns", "del", host.name)  # the veth pair goes with it


def kill_host(host: Host) -> None:
    """SIGKILL every process of the host's namespace."""
    pids = subprocess.run(["ip", "netns", "pids", host.name], capture_output=True, text=True,
                          check=False).stdout.split()  # fmt: skip
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)


def in_host(host: Host, argv: list[str]) -> list[str]:
    return ["ip", "netns", "exec", host.name, *argv]


@contextlib.contextmanager
def postgres_for(hosts: list[Host]) -> Iterator[str]:
    """A temporary PostgreSQL listening on every host's gateway address (trusted from the
    hosts' subnets only); yields the server's DSN with `{host}` where the address goes."""
    home = Path(tempfile.mkdtemp(prefix="waymark-netns-"))
    pgdata, sockets = home / "pgdata", home / "sockets"
    sockets.mkdir(mode=0o700)
    try:
        embedded_cluster.initdb(pgdata)
        with (pgdata / "pg_hba.conf").open("a") as hba:
            for host in hosts:
                hba.write(f"host all all {host.gateway}/24 trust\n")
        port = _free_port(hosts[0].gateway)
        listen = ",".join(host.gateway for host in hosts)
        options = f"-h {listen} -p {port} -k {sockets} -c max_connections=200"
        embedded_cluster._run(embedded_cluster.bin_dir(pgdata) / "pg_ctl", "-D", str(pgdata),
                              "-l", str(home / "log"), "-o", options, "-w", "start")  # fmt: skip
        yield f"postgresql://postgres@{{host}}:{port}/postgres"
    finally:
        with contextlib.suppress(Exception):
            embedded_cluster.stop(pgdata, "immediate")
        shutil.rmtree(home, ignore_errors=True)


def _free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])
