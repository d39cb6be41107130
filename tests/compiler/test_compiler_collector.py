"""While a module compiles the cycle collector runs less often; its settings are put back
after, also when compiling fails, and when compilations overlap in threads or nest."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from waymark_compiler import collector
from waymark_compiler.api import compile_source

SOURCE = """\
from waymark import Workflow, workflow

@workflow
class Sum(Workflow):
    async def run(self, n: int) -> int:
        return n + 1
"""


@pytest.fixture
def threshold() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_raised_while_compiling_and_put_back(threshold: tuple[int, int, int]) -> None:
    seen: list[tuple[int, int, int]] = []
    with collector.fewer_collections():
        seen.append(gc.get_threshold())
        result = compile_source(SOURCE, "sum.py", "sum")  # nested: stays raised after it
        seen.append(gc.get_threshold())
    assert [d.code for d in result.diagnostics] == []
    assert seen == [(collector.THRESHOLD, 10, 10)] * 2
    assert gc.get_threshold() == threshold


def test_put_back_after_a_refused_source(threshold: tuple[int, int, int]) -> None:
    result = compile_source("def broken(:\n", "broken.py", "broken")
    assert [d.code for d in result.diagnostics] == ["WM100"]
    assert gc.get_threshold() == threshold


def test_put_back_after_an_error_inside(threshold: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError), collector.fewer_collections():
        raise ValueError("inside")
    assert gc.get_threshold() == threshold


def test_a_higher_threshold_is_kept() -> None:
    saved = gc.get_threshold()
    try:
        gc.set_threshold(collector.THRESHOLD * 2, 5, 5)
        with collector.fewer_collections():
            assert gc.get_threshold() == (collector.THRESHOLD * 2, 5, 5)
        assert gc.get_threshold() == (collector.THRESHOLD * 2, 5, 5)
    finally:
        gc.set_threshold(*saved)


def test_overlapping_threads_put_it_back_once(threshold: tuple[int, int, int]) -> None:
    entered, release = threading.Barrier(3), threading.Event()
    during: list[tuple[int, int, int]] = []

    def compiling() -> None:
        with collector.fewer_collections():
            entered.wait()
            release.wait()
        during.append(gc.get_threshold())

    threads = [threading.Thread(target=compiling) for _ in range(2)]
    for thread in threads:
        thread.start()
    entered.wait()
    assert gc.get_threshold()[0] == collector.THRESHOLD
    release.set()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == threshold
    assert len(during) == 2
