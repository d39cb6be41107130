"""The machine a run measured: CPU count and model, memory, platform, Python, date; and what a
process (with its children) uses of it: resident memory, CPU time.

Read from `/proc` on Linux (with portable fallbacks), so a JSON report says where its numbers
came from. Nothing here touches the database.
"""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_info() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": _load_average(),
    }


def _load_average() -> list[float] | None:
    """The 1/5/15-minute load when the run started: other work on a shared machine shows here."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def describe(machine: dict[str, Any]) -> str:
    """One line for the table caption: `2 x AMD EPYC, 23.5 GiB, Python 3.11.9`."""
    memory = machine["memory_gib"]
    size = f"{memory:.1f} GiB" if memory is not None else "unknown memory"
    load = machine.get("load_average")
    busy = f", load {load[0]:.1f}" if load else ""
    return (
        f"{machine['cpu_count']} x {machine['cpu_model']}, {size}, Python {machine['python']}{busy}"
    )


def _cpu_model() -> str:
    for line in _lines(Path("/proc/cpuinfo")):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def _memory_gib() -> float | None:
    for line in _lines(Path("/proc/meminfo")):
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / (1024 * 1024)
    return None


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except OSError:
        return []


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The resident set size of a process, in MB (10^6 bytes), from `/proc/<pid>/status`
    (`field="VmHWM"`: its peak so far)."""
    for line in _lines(Path(f"/proc/{pid}/status")):
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    raise RuntimeError(f"cannot read the memory of process {pid} (is /proc available?)")


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds a process used so far: its own and every live child's (`/proc`, to the
    nanosecond where the kernel keeps scheduler statistics), plus its reaped children's. None
    when the process is not visible here."""
    fields = proc_stat(pid)
    if fields is None:
        return None
    total = (int(fields[13]) + int(fields[14])) / _TICKS  # cutime cstime: reaped children
    for entry in Path("/proc").iterdir():
        child = proc_stat(int(entry.name)) if entry.name.isdigit() else None
        if child is not None and int(child[1]) == pid:
            total += _cpu_seconds(int(entry.name), child)
    return total + _cpu_seconds(pid, fields)


def own_cpu_seconds(pid: int) -> float:
    """The CPU seconds a process used so far, its own only (`/proc`, to the nanosecond where
    the kernel keeps scheduler statistics)."""
    fields = proc_stat(pid)
    if fields is None:
        raise RuntimeError(f"cannot read the CPU time of process {pid}")
    return _cpu_seconds(pid, fields)


def children_cpu_seconds(pid: int) -> float | None:
    """CPU seconds the children of a process used so far (a runner's worker processes): the
    tree's (`tree_cpu_seconds`) less the process's own. None when it is not visible here."""
    fields = proc_stat(pid)
    tree = tree_cpu_seconds(pid)
    return None if fields is None or tree is None else tree - _cpu_seconds(pid, fields)


def _cpu_seconds(pid: int, fields: list[str]) -> float:
    """One live process's CPU seconds: its threads' run time in `schedstat` (nanoseconds), or
    utime + stime from `stat` (clock ticks, 10 ms) where the kernel keeps no such statistics."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
        return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e9
    except (OSError, ValueError, IndexError):
        return (int(fields[11]) + int(fields[12])) / _TICKS


def proc_stat(pid: int) -> list[str] | None:
    """Fields of `/proc/<pid>/stat` after the command name (state is [0], ppid [1])."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (a runner's worker processes), from `/proc`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            text = _lines(entry / "stat")
            if text and int(text[0].rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process used so far, its own only (not its children's),
    from `/proc/<pid>/stat`."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError as error:
        raise RuntimeError(f"cannot read the CPU time of process {pid}: {error}") from None
    fields = text.rpartition(")")[2].split()  # after the command name: state is field 0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
