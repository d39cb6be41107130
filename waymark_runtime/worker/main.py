"""The worker process: import the user modules, then run the attempts the runner sends.

Started by `pool.WorkerPool` as `python -m waymark_runtime.worker.main <read_fd> <write_fd>` with
`WAYMARK_WORKER_PROCESS=1`. It runs every request it receives concurrently (the pool bounds how
many) unless it arrives past the runner's lease deadline (then it answers `skipped` and runs
nothing), answers each with a reply, and on end of input finishes its in-flight attempts and exits.
It never touches the database and never decides retries: that is the runner's job.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import os
import signal
import sys
import time

from waymark_runtime.config import Settings
from waymark_runtime.errors import WaymarkError
from waymark_runtime.logs import AttemptContext, configure_logging
from waymark_runtime.values import add_user_module, error_json, unstorable
from waymark_runtime.worker.protocol import (
    Reply,
    Request,
    dumps,
    encode,
    encode_list,
    open_pipes,
    read_frame,
)

_PR_SET_PDEATHSIG = 1


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    read_fd, write_fd = int(args[0]), int(args[1])
    os.environ["WAYMARK_WORKER_PROCESS"] = "1"
    # The runner coordinates shutdown; Ctrl-C in a terminal must not kill attempts mid-way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    import_user_modules(settings)
    asyncio.run(_serve(read_fd, write_fd))


class UserModuleError(WaymarkError):
    """a module of WAYMARK_USER_MODULE cannot be imported"""


def import_user_modules(settings: Settings) -> None:
    """Import `WAYMARK_USER_MODULE` (their `@workflow` classes are not compiled here); their
    classes become the ones programs and values may construct (`values.registry`)."""
    os.environ["WAYMARK_WORKER_PROCESS"] = "1"
    for module in settings.user_modules:
        add_user_module(module)
        try:
            importlib.import_module(module)
        except Exception as error:
            raise UserModuleError(
                f"cannot import {module!r} (WAYMARK_USER_MODULE): {type(error).__name__}: {error}"
            ) from error


def _die_with_parent() -> None:
    """Ask Linux to kill us when the runner dies, so no orphan keeps running attempts."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:
            os._exit(1)


class _Outbox:
    """Replies finished in one loop iteration are written as one frame, each encoded on its
    own: a value that will not encode fails its own attempt, never the others of the frame."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.replies: list[bytes] = []

    def put(self, reply: Reply, action: str) -> None:
        try:
            encoded = dumps(reply)
        except Exception as error:  # the codec's output always encodes; this is a last guard
            value = error_json(unstorable(action, error))
            encoded = dumps({"id": reply["id"], "ok": False, "value": value})
        if not self.replies:
            asyncio.get_running_loop().call_soon(self.flush)
        self.replies.append(encoded)

    def flush(self) -> None:
        replies, self.replies = self.replies, []
        if replies and not self.writer.is_closing():
            self.writer.write(encode_list(replies))


def _context(request: Request) -> AttemptContext | None:
    context = request.get("context")
    if context is None:
        return None
    instance_id, workflow, attempt, node, trace, site = context
    return AttemptContext(instance_id, workflow, request["action"], attempt, node, trace, site)


async def _serve(read_fd: int, write_fd: int) -> None:
    from waymark_runtime.execute import execute_action

    reader, writer = await open_pipes(read_fd, write_fd)
    writer.write(encode({"hello": os.getpid()}))
    outbox = _Outbox(writer)
    running: set[asyncio.Task[None]] = set()

    async def run(request: Request) -> None:
        try:
            outcome = await execute_action(request["action"], request["args"], request["kwargs"],
                                           timeout=request["timeout"], context=_context(request))  # fmt: skip
            ok, value = bool(outcome.ok), outcome.value
        except BaseException as error:  # a bug must still answer, or the attempt hangs
            ok, value = False, error_json(error)
        outbox.put({"id": request["id"], "ok": ok, "value": value}, request["action"])

    while (batch := await read_frame(reader)) is not None:
        for request in batch:
            if time.monotonic() >= request["not_after"]:  # the runner's lease ran out meanwhile
                skipped: Reply = {"id": request["id"], "ok": False, "value": None, "skipped": True}
                outbox.put(skipped, request["action"])
                continue
            task = asyncio.create_task(run(request))
            running.add(task)
            task.add_done_callback(running.discard)
    if running:
        await asyncio.wait(running)
    outbox.flush()
    with contextlib.suppress(ConnectionError):  # the runner may be gone already
        await writer.drain()
    writer.close()


if __name__ == "__main__":
    main()
