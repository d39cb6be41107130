"""The frames exchanged between the runner and a worker process over a pair of pipes.

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON. The runner
sends a list of `Request` dicts per frame, or `{"withdraw": [id, ...]}` for requests still
waiting in the worker whose claims it let go, `{"stop": [id, ...]}` for running `leased` ones
of such claims, or `{"renewed": [[id, deadline], ...]}`; a worker
answers with a `hello` frame once its user modules are imported, then lists of `Reply` dicts, and
`{"renew": [id, ...]}` for requests it holds past their `not_after`, whose leases' current
deadlines the runner answers with `renewed` (`{"renew": [...], "running": true}` asks it for
`leased` requests while they run).
Each item of a list is encoded on its own
(`dumps`, then `encode_list`), so one that will not encode is refused alone. A worker's frame
is at most `frame_limit` bytes (one reply whose value is as large as allowed always fits) and its
body arrives without a pause of `FRAME_STALL_SECONDS`: the runner reads a violation as a
malformed frame. This module only encodes and decodes.
"""

from __future__ import annotations

import asyncio
import json
import struct
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

if TYPE_CHECKING:
    from waymark_runtime.worker.executor import AttemptOrder

_HEADER = struct.Struct(">I")
_ESCAPED = 3  # JSON escaped to ASCII is at most three times its UTF-8 size (`\u00e9` for é)
_ENVELOPE = 1024 * 1024  # room for a reply's id and flags, and an error's type names
_CHUNK = 1024 * 1024
FRAME_STALL_SECONDS = 60.0  # the longest pause inside a frame's body before it counts as broken


def frame_limit(max_payload_bytes: int) -> int:
    """The largest frame a worker sends: one reply whose value is `max_payload_bytes` of JSON
    (`WAYMARK_MAX_PAYLOAD_BYTES`) as escaped ASCII, with room to spare; never more than the
    4-byte header can announce."""
    return min(_ESCAPED * max_payload_bytes + _ENVELOPE, 2**32 - 1)


class Request(TypedDict):
    """Run one attempt: `id` is the pool's handle for it, unique within one worker.

    `not_after` is the runner's lease deadline on `time.monotonic()` (one clock for every
    process of a host): a request due to start later (it arrived late, or waited in the worker
    behind running ones) starts only if the runner renews it (`renew`: heartbeats have moved
    the lease on meanwhile), else it is answered `skipped`.
    `context` is `[instance id, workflow, attempt, node, traceparent]`: the action's log records
    and tracing span carry it. A `leased` request runs only while the lease holds: the worker
    asks for its current deadline as it nears, and stops the attempt (answered `lost`) when
    it passes unrenewed (an action with a concurrency limit, whose slot another runner may take
    over once the lease is gone): `grace` seconds before it, so that an attempt slow to stop
    has that long to end and still ends before the lease lapses in the database.
    """

    id: int
    action: str
    args: list[Any]
    kwargs: dict[str, Any]
    timeout: float | None
    not_after: float
    context: NotRequired[list[Any]]
    leased: NotRequired[bool]
    grace: NotRequired[float]


class Reply(TypedDict):
    """The outcome of a request: `ok` with `value` as the JSON-shaped result or exception, or
    `skipped` when the request never started (past its `not_after`, or withdrawn);
    `timed_out` when `value` is the `ActionTimeout` of its deadline; `lost` when a `leased`
    request was stopped because its lease lapsed (it may have run in part); `ran`, the seconds
    an attempt that ended ran for in the worker (the runner's own reading of it includes its
    wait to read replies)."""

    id: int
    ok: bool
    value: Any
    ran: NotRequired[float]
    skipped: NotRequired[bool]
    timed_out: NotRequired[bool]
    lost: NotRequired[bool]


def request_of(request_id: int, order: AttemptOrder, grace: float) -> Request:
    """The request that runs `order`, under the pool's handle `request_id`; a `leased` one is
    stopped `grace` seconds before its `not_after` when its lease is not renewed."""
    request: Request = {
        "id": request_id,
        "action": order.action,
        "args": order.args,
        "kwargs": order.kwargs,
        "timeout": order.timeout,
        "not_after": order.lease.deadline,
    }
    if order.leased:
        request["leased"] = True
        request["grace"] = grace
    if order.context is not None:
        context = order.context
        request["context"] = [context.instance_id, context.workflow, context.attempt,
                              context.node, context.trace, context.site]  # fmt: skip
    return request


# Built once: `json.dumps` with options builds an encoder at every call.
_JSON = json.JSONEncoder(separators=(",", ":"))


def dumps(message: Any) -> bytes:
    """JSON as UTF-8 (ASCII, in fact: escaped surrogates cannot break the encoding)."""
    return _JSON.encode(message).encode("utf-8")


def encode(message: Any) -> bytes:
    return _frame(dumps(message))


def encode_list(items: list[bytes]) -> bytes:
    """One frame of a list whose items were each encoded with `dumps`."""
    return _frame(b"[" + b",".join(items) + b"]")


def encode_lists(items: list[bytes], limit: int) -> bytes:
    """Frames of the list `items` (each encoded with `dumps`), as few as fit under `limit`
    bytes each; an item over `limit` on its own still goes, alone (the reader refuses it)."""
    return b"".join(frames_of(items, limit))


def frames_of(items: list[bytes], limit: int) -> list[bytes]:
    """The frames `encode_lists` joins, one by one (none for no items)."""
    frames: list[bytes] = []
    batch: list[bytes] = []
    size = 2  # the brackets
    for item in items:
        if batch and size + len(item) + 1 > limit:
            frames.append(encode_list(batch))
            batch, size = [], 2
        batch.append(item)
        size += len(item) + 1
    if batch:
        frames.append(encode_list(batch))
    return frames


def _frame(body: bytes) -> bytes:
    return _HEADER.pack(len(body)) + body


async def read_frame(
    reader: asyncio.StreamReader, limit: int | None = None, stall: float | None = None
) -> Any:
    """The next message, or `None` at end of stream (the other side closed or died).

    Raises `ValueError` for a frame that is not JSON (or is JSON null), that announces more
    than `limit` bytes, or whose body pauses for `stall` seconds once its header has come."""
    try:
        header = await reader.readexactly(_HEADER.size)
        (size,) = _HEADER.unpack(header)
        if limit is not None and size > limit:
            raise ValueError(f"a frame announces {size:,} bytes, more than the {limit:,} allowed")
        body = await reader.readexactly(size) if stall is None else await _body(reader, size, stall)
    except asyncio.IncompleteReadError:
        return None
    message = json.loads(body)
    if message is None:  # never sent: `None` stands for the end of the stream
        raise ValueError("a frame of JSON null")
    return message


async def _body(reader: asyncio.StreamReader, size: int, stall: float) -> bytes:
    """`size` bytes, each chunk within `stall` seconds of the one before."""
    # A body that is in already (a small frame, which the pipe delivers with its header) has
    # no pause to bound: read it without the timer, which costs a frame more than the rest
    # of its reading. `_buffer` is StreamReader's own (CPython's since asyncio began).
    if len(getattr(reader, "_buffer", b"")) >= size:
        return await reader.readexactly(size)
    chunks: list[bytes] = []
    remaining = size
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(stall) as bound:
            while remaining:
                chunk = await reader.read(min(remaining, _CHUNK))
                if not chunk:
                    raise asyncio.IncompleteReadError(b"".join(chunks), size)
                chunks.append(chunk)
                remaining -= len(chunk)
                bound.reschedule(loop.time() + stall)
    except TimeoutError:
        raise ValueError(
            f"a frame's body stopped arriving ({size - remaining:,} of {size:,} bytes, "
            f"nothing more for {stall:g}s)"
        ) from None
    return b"".join(chunks)


async def open_pipes(
    read_fd: int, write_fd: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, asyncio.ReadTransport]:
    """Wrap raw pipe ends in asyncio streams on the running loop (and the reading end's
    transport, which can pause reading)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**31 - 1)
    # The transports own the files from here on and close them with themselves.
    read_file = open(read_fd, "rb", buffering=0)  # noqa: SIM115
    write_file = open(write_fd, "wb", buffering=0)  # noqa: SIM115
    reading, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), read_file
    )
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, write_file
    )
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    return reader, writer, reading
