"""The worker process: import the user modules, then run the attempts the runner sends.

Started by `pool.WorkerPool` as `python -m waymark_runtime.worker.main <read_fd> <write_fd>
[<slots> [<urgent_fd>]]` with `WAYMARK_WORKER_PROCESS=1`. It runs up to `slots` requests at once
(no limit when not given); after a frame the runner must read at once (a failure, a question)
it writes a byte to `urgent_fd`, which the runner reads even while it leaves replies unread
(`hush.py`). The pool may send a few more (a prefetch, `slots.py`), which wait here in the order
sent and start as slots free up. A request due to start past the runner's lease deadline, or
withdrawn by the runner while it waits, is answered `skipped` and runs nothing; every other is
answered with a reply. On end of input it finishes its attempts, waiting ones too, and exits.
It never touches the database and never decides retries: that is the runner's job.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

from waymark_runtime.config import Settings
from waymark_runtime.errors import WaymarkError, import_failure
from waymark_runtime.import_guard import exits_refused
from waymark_runtime.logs import AttemptContext, configure_logging
from waymark_runtime.values import add_user_module, check_storable, error_json, unstorable
from waymark_runtime.worker.executor import STOP_GRACE
from waymark_runtime.worker.hush import signal_urgent
from waymark_runtime.worker.protocol import (
    Reply,
    Request,
    dumps,
    encode,
    frame_limit,
    frames_of,
    open_pipes,
    read_frame,
)

_PR_SET_PDEATHSIG = 1
_ASK_EVERY = 0.05  # the shortest wait between two asks for a running request's lease
_STUBBORN_EXIT = 70  # the exit status of a worker whose stopped attempt would not end
_T = TypeVar("_T")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    read_fd, write_fd = int(args[0]), int(args[1])
    slots = int(args[2]) if len(args) > 2 else math.inf
    urgent_fd = int(args[3]) if len(args) > 3 else None
    os.environ["WAYMARK_WORKER_PROCESS"] = "1"
    # The runner coordinates shutdown; Ctrl-C in a terminal must not kill attempts mid-way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _keep_pipes_from_forks(read_fd, write_fd, *([] if urgent_fd is None else [urgent_fd]))
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    import_user_modules(settings)
    asyncio.run(_serve(read_fd, write_fd, slots, settings.max_payload_bytes, urgent_fd))


class UserModuleError(WaymarkError):
    """a module of WAYMARK_USER_MODULE cannot be imported"""


def import_user_modules(settings: Settings) -> None:
    """Import `WAYMARK_USER_MODULE` (their `@workflow` classes are not compiled here); their
    classes become the ones programs and values may construct (`values.registry`)."""
    os.environ["WAYMARK_WORKER_PROCESS"] = "1"
    for module in settings.user_modules:
        add_user_module(module)
        try:
            with exits_refused(module):  # `os._exit()` at import: reported, as sys.exit() is
                importlib.import_module(module)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # `sys.exit()` at import too: it is not ours to exit
            raise UserModuleError(
                f"cannot import {module!r} (WAYMARK_USER_MODULE): {import_failure(error)}"
            ) from error


def _die_with_parent() -> None:
    """Ask Linux to kill us when the runner dies, so no orphan keeps running attempts."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:
            os._exit(1)


def _keep_pipes_from_forks(*fds: int) -> None:
    """A process an action forks (`os.fork()`, `multiprocessing` with fork) gets copies of the
    runner's pipes: one that went on without exec would read requests meant for this worker
    (those attempts never ran nor answered), and one that outlives this worker would keep the
    runner from seeing it die. In a forked child they are replaced at once by the null device:
    its copy of the loop reads the end of its input, and so finishes and exits quietly."""

    def in_child() -> None:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in fds:
            os.dup2(null, fd)
        os.close(null)

    os.register_at_fork(after_in_child=in_child)


class _Outbox:
    """Replies finished in one loop iteration are written as one frame, each encoded on its
    own: a value that will not encode fails its own attempt, never the others of the frame.
    Each frame with a reply that is not a success, and each question, is followed by a byte on
    the urgent pipe: the runner may be leaving successes unread for a while, never those."""

    def __init__(
        self, writer: asyncio.StreamWriter, max_payload_bytes: int, urgent_fd: int | None
    ) -> None:
        self.writer = writer
        self.urgent_fd = urgent_fd
        self.urgent: list[bytes] = []  # replies that are not a success
        # Its own loop, not the running one: in a process an action forked, Python has no
        # running loop while the copied attempt ends.
        self.loop = asyncio.get_running_loop()
        self.max_payload_bytes = max_payload_bytes
        self.replies: list[bytes] = []

    def put(self, reply: Reply, action: str) -> None:
        try:
            encoded = dumps(reply)
            if len(encoded) > self.max_payload_bytes:  # escaped: never smaller than stored
                check_storable(reply["value"], self.max_payload_bytes)  # not sent if too big
            ok = reply["ok"]
        except Exception as error:  # the codec's output always encodes; this is a last guard
            value = error_json(unstorable(action, error, raised=not reply["ok"]))
            encoded = dumps({"id": reply["id"], "ok": False, "value": value})
            ok = False
        if not (self.replies or self.urgent):
            self.loop.call_soon(self.flush)
        (self.replies if ok else self.urgent).append(encoded)

    def ask(self, message: dict[str, Any]) -> None:
        """A question to the runner, written at once (`{"renew": [id, ...]}`)."""
        if not self.writer.is_closing():
            self.writer.write(encode(message))
            signal_urgent(self.urgent_fd)

    def flush(self) -> None:
        """The successes, then the other replies in frames of their own: one urgent byte per
        frame with a reply that is not a success, so the runner knows how many it still owes
        a read (`hush.Hush.owed`)."""
        replies, self.replies = self.replies, []
        urgent, self.urgent = self.urgent, []
        if self.writer.is_closing():
            return
        limit = frame_limit(self.max_payload_bytes)
        frames = frames_of(urgent, limit)
        self.writer.write(b"".join([*frames_of(replies, limit), *frames]))
        signal_urgent(self.urgent_fd, len(frames))


def _context(request: Request) -> AttemptContext | None:
    context = request.get("context")
    if context is None:
        return None
    instance_id, workflow, attempt, node, trace, site = context
    return AttemptContext(instance_id, workflow, request["action"], attempt, node, trace, site)


class _Attempts:
    """The requests of this worker: up to `slots` running, the rest waiting in order. An
    attempt's timeout runs from its start (`execute_action`), never while it waits."""

    def __init__(self, slots: float, outbox: _Outbox) -> None:
        self.slots = slots
        self.outbox = outbox
        self.running: set[asyncio.Task[None]] = set()
        self.waiting: deque[Request] = deque()
        self.renewing: set[int] = set()  # asked the runner for their lease's current deadline
        self.renewed: set[int] = set()  # answered: past their deadline now, they are skipped
        # Running `leased` requests by id, each with the future that stops it when set.
        self.leased: dict[int, tuple[Request, asyncio.Future[None]]] = {}

    def take(self, batch: list[Request]) -> None:
        self.waiting.extend(batch)
        self._start_waiting()

    def stop(self, ids: list[int]) -> None:
        """The runner let go of these running `leased` requests' claims: stop them now."""
        for request_id in set(ids) & set(self.leased):
            self._stop(request_id)

    def withdraw(self, ids: list[int]) -> None:
        """The runner let go of these requests' claims: those still waiting never start."""
        withdrawn = set(ids)
        kept = deque(r for r in self.waiting if r["id"] not in withdrawn)
        for request in self.waiting:
            if request["id"] in withdrawn:
                self._skip(request)
        self.waiting = kept
        self._start_waiting()  # one may have waited for a renewal in front of the others

    def renew(self, deadlines: list[list[float]]) -> None:
        """The runner's answer to `renew`: the current deadline of each request's lease (one
        already past when the lease is gone); then the waiting requests go on, in order."""
        by_id = {int(request_id): deadline for request_id, deadline in deadlines}
        for request_id, deadline in by_id.items():
            if request_id in self.leased:
                self.leased[request_id][0]["not_after"] = deadline
                if deadline <= time.monotonic():
                    self._stop(request_id)
        for request in self.waiting:
            if request["id"] in by_id:
                request["not_after"] = by_id[request["id"]]
                self.renewing.discard(request["id"])
                self.renewed.add(request["id"])
        self._start_waiting()

    async def finish(self) -> None:
        """Run what is left once the input has ended (a renewal can no longer be answered)."""
        self.withdraw(list(self.renewing))
        while self.running:
            await asyncio.wait(self.running)

    def _start_waiting(self) -> None:
        """Start waiting requests in the order sent. One whose `not_after` has passed (it
        waited here, or took that long to arrive: a large argument) is started only once the
        runner says its lease has been renewed meanwhile (`_ask_renewal`); the requests behind
        it wait for that answer, so they still start in order."""
        while self.waiting and len(self.running) < self.slots:
            request = self.waiting[0]
            if time.monotonic() >= _start_by(request):
                if request["id"] in self.renewing:
                    return
                if request["id"] not in self.renewed:
                    self._ask_renewal()
                    return
                self.waiting.popleft()  # the runner's lease ran out: it must not start
                self._skip(request)
                continue
            self.waiting.popleft()
            self.renewed.discard(request["id"])
            task = asyncio.create_task(self._run(request))
            self.running.add(task)
            task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        # Runs a loop iteration after the task's reply was put, so the reply that frees a slot
        # is written before the attempt that takes the slot runs (`slots.Slots.ended`).
        self.running.discard(task)
        self._start_waiting()

    def _ask_renewal(self) -> None:
        """Ask the runner for the current lease deadline of every waiting request past its
        `not_after` (a heartbeat may have extended it since the request was sent)."""
        now = time.monotonic()
        late = [r["id"] for r in self.waiting if now >= _start_by(r)
                and r["id"] not in self.renewing and r["id"] not in self.renewed]  # fmt: skip
        self.renewing.update(late)
        self.outbox.ask({"renew": late})

    def _stop(self, request_id: int) -> None:
        """Stop a running `leased` request: its claim is gone."""
        stop = self.leased[request_id][1]
        if not stop.done():
            stop.set_result(None)

    def _skip(self, request: Request) -> None:
        self.renewing.discard(request["id"])
        self.renewed.discard(request["id"])
        skipped: Reply = {"id": request["id"], "ok": False, "value": None, "skipped": True}
        self.outbox.put(skipped, request["action"])

    async def _run(self, request: Request) -> None:
        from waymark_runtime.execute import execute_action

        if time.monotonic() >= _start_by(request):  # the task starts late: the loop was busy
            self._skip(request)  # (another attempt's synchronous code, a stopped process)
            return
        started = time.monotonic()
        try:
            work = execute_action(request["action"], request["args"], request["kwargs"],
                                  timeout=request["timeout"], context=_context(request))  # fmt: skip
            outcome = await (self._while_leased(request, work) if request.get("leased") else work)
        except _LeaseLapsed:
            reply: Reply = {"id": request["id"], "ok": False, "value": None, "lost": True}
        except BaseException as error:  # a bug must still answer, or the attempt hangs
            reply = {"id": request["id"], "ok": False, "value": error_json(error)}
        else:
            reply = {"id": request["id"], "ok": bool(outcome.ok), "value": outcome.value,
                     "ran": time.monotonic() - started}  # fmt: skip
            if outcome.timed_out:
                reply["timed_out"] = True
        self.outbox.put(reply, request["action"])

    async def _while_leased(self, request: Request, work: Coroutine[Any, Any, _T]) -> _T:
        """Run `work` while its claim's lease holds. Halfway to the deadline it knows, the
        worker asks the runner for the current one (heartbeats move it on); when it comes
        within the request's `grace` of it unrenewed (the runner is paused or cut off from the
        database, and another runner may take the instance over and start the action again),
        or once the runner says the claim is gone (`stop`: a cancel, a reclaim), the attempt is
        cancelled and answered `lost`, so executions of a limited action never overlap past
        its limit. A stopped attempt has until the deadline to end (`STOP_GRACE` at most, its
        `grace` at least), which is before the lease lapses in the database; one still running
        then ends with this process."""
        task = asyncio.ensure_future(work)
        stop = asyncio.get_running_loop().create_future()
        self.leased[request["id"]] = (request, stop)
        try:
            while (left := _start_by(request) - time.monotonic()) > 0 and not stop.done():
                wait = min(left, max(left / 2, _ASK_EVERY))
                await asyncio.wait({task, stop}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                if task.done():
                    return task.result()
                if _start_by(request) - time.monotonic() < left / 2 + _ASK_EVERY:
                    self.outbox.ask({"renew": [request["id"]], "running": True})
            if task.done():
                return task.result()
            task.cancel()
            now = time.monotonic()
            end_by = min(now + STOP_GRACE, max(request["not_after"], now + request["grace"]))
            await asyncio.wait({task}, timeout=end_by - now)
            if not task.done():
                _exit_stubborn(request)
            raise _LeaseLapsed
        finally:
            self.leased.pop(request["id"], None)


def _start_by(request: Request) -> float:
    """Until when `request` may start, or a `leased` one go on running: its `not_after`, less
    the `grace` a stopped `leased` attempt has to end (one started later would only be stopped
    at once, and counted lost, rather than skipped)."""
    return request["not_after"] - request.get("grace", 0.0)


class _LeaseLapsed(Exception):
    """A `leased` attempt's lease passed unrenewed, or its claim is gone: it was stopped."""


def _exit_stubborn(request: Request) -> NoReturn:
    """A stopped `leased` attempt goes on (its action caught the cancellation): only the end of
    this process stops it, which the runner sees (its attempts here are lost and run again)
    even while it is frozen itself; else it would run on past its lease beside the next
    attempt of its action, over the action's limit."""
    sys.stderr.write(f"waymark worker {os.getpid()}: action {request['action']} did not stop "
                     "when its claim ended; the worker exits\n")  # fmt: skip
    sys.stderr.flush()
    os._exit(_STUBBORN_EXIT)


async def _serve(
    read_fd: int, write_fd: int, slots: float, max_payload_bytes: int, urgent_fd: int | None
) -> None:
    reader, writer, _ = await open_pipes(read_fd, write_fd)
    writer.write(encode({"hello": os.getpid()}))
    if urgent_fd is not None:
        os.set_blocking(urgent_fd, False)
    outbox = _Outbox(writer, max_payload_bytes, urgent_fd)
    attempts = _Attempts(slots, outbox)
    while (message := await read_frame(reader)) is not None:
        if isinstance(message, dict) and "renewed" in message:
            attempts.renew(message["renewed"])
        elif isinstance(message, dict) and "stop" in message:
            attempts.stop(message["stop"])
        elif isinstance(message, dict):
            attempts.withdraw(message["withdraw"])
        else:
            attempts.take(message)
    await attempts.finish()
    outbox.flush()
    with contextlib.suppress(ConnectionError):  # the runner may be gone already
        await writer.drain()
    writer.close()


if __name__ == "__main__":
    main()
