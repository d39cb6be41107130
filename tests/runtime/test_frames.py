"""The worker protocol's framing against a peer that breaks it: an announced size past the
limit, a body that stops arriving, and replies split into frames under the limit."""

from __future__ import annotations

import asyncio
import json

import pytest

from waymark_runtime.worker import protocol


def _reader(data: bytes, eof: bool = True) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return reader


async def _frames(data: bytes, limit: int) -> list[object]:
    reader = _reader(data)
    frames = []
    while (message := await protocol.read_frame(reader, limit, 5.0)) is not None:
        frames.append(message)
    return frames


async def test_a_frame_announcing_more_than_the_limit_is_malformed() -> None:
    reader = _reader((2**32 - 1).to_bytes(4, "big"), eof=False)
    with pytest.raises(ValueError, match="announces 4,294,967,295 bytes, more than"):
        await protocol.read_frame(reader, protocol.frame_limit(1024), 5.0)


async def test_a_body_that_stops_arriving_is_malformed() -> None:
    reader = _reader((100).to_bytes(4, "big") + b"[1,", eof=False)
    with pytest.raises(ValueError, match=r"stopped arriving \(3 of 100 bytes"):
        await protocol.read_frame(reader, 1000, 0.05)


async def test_a_body_that_is_in_already_is_read_without_a_timer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The usual reply: the whole frame came at once, so nothing can stall (no timer is
    armed); a body still on its way is bounded as above."""

    def no_timer(delay: float) -> None:
        raise AssertionError("a timer was armed for a body that was in")

    monkeypatch.setattr(protocol.asyncio, "timeout", no_timer)
    reader = _reader(protocol.encode([{"id": 1, "ok": True, "value": 7}]), eof=False)
    assert await protocol.read_frame(reader, 1000, 5.0) == [{"id": 1, "ok": True, "value": 7}]
    monkeypatch.undo()
    reader = _reader((100).to_bytes(4, "big") + b"[1,", eof=False)
    with pytest.raises(ValueError, match="stopped arriving"):
        await protocol.read_frame(reader, 1000, 0.05)


async def test_a_body_cut_short_by_the_end_of_the_stream_ends_it() -> None:
    assert await protocol.read_frame(_reader((100).to_bytes(4, "big") + b"[1,"), 1000, 5) is None


async def test_replies_are_split_into_frames_under_the_limit() -> None:
    replies = [protocol.dumps({"id": i, "ok": True, "value": "x" * 40}) for i in range(10)]
    limit = 3 * len(replies[0])
    frames = await _frames(protocol.encode_lists(replies, limit), limit)
    assert len(frames) == 5
    assert [reply for frame in frames for reply in frame] == [json.loads(r) for r in replies]


async def test_one_reply_as_large_as_allowed_fits_one_frame() -> None:
    payload = 1000
    value = "é" * (payload // 2 - 1)  # two bytes a character stored, six escaped
    reply = protocol.dumps({"id": 1, "ok": True, "value": value})
    limit = protocol.frame_limit(payload)
    assert await _frames(protocol.encode_lists([reply], limit), limit) == [[json.loads(reply)]]
