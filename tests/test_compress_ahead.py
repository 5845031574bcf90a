"""compress_ahead.prepared_in_order: order kept, memory bounded, every view released, errors surface."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from memslice.acquirer.compress_ahead import prepared_in_order


class _Views:
    """Hands out views of small buffers and remembers them, to check every one is released."""

    def __init__(self) -> None:
        self.made: list[memoryview] = []

    def __call__(self, chunk: int) -> memoryview:
        view = memoryview(bytes([chunk % 256]) * 64)
        self.made.append(view)
        return view

    def all_released(self) -> bool:
        return all(_released(v) for v in self.made)


def _released(view: memoryview) -> bool:
    try:
        len(view)
    except ValueError:
        return True
    return False


def _slow_prepare(chunk: int, data: memoryview) -> list[Any]:
    time.sleep(0.002 * (chunk % 3))  # later chunks may finish first on another worker
    return [(chunk, bytes(data[:1]))]


@pytest.mark.parametrize("workers", [0, 1, 2, 4])
def test_blocks_come_in_copy_order_and_every_view_is_released(workers: int) -> None:
    views = _Views()
    out = list(prepared_in_order(list(range(40)), _slow_prepare, views, workers=workers, depth=4))
    assert [chunk for chunk, _ in out] == list(range(40))
    assert [blocks[0] for _, blocks in out] == [(i, bytes([i])) for i in range(40)]
    assert len(views.made) == 40 and views.all_released()


def test_at_most_depth_chunks_are_in_flight() -> None:
    live = 0
    peak = 0
    lock = threading.Lock()
    views = _Views()

    def view(chunk: int) -> memoryview:
        nonlocal live, peak
        with lock:
            live += 1
            peak = max(peak, live)
        return views(chunk)

    for _chunk, _blocks in prepared_in_order(list(range(30)), _slow_prepare, view, workers=2, depth=3):
        with lock:
            live -= 1
    assert peak <= 3 + 1  # the one being written and the ones prepared ahead
    assert views.all_released()


def test_stopping_early_cancels_the_rest_and_releases_every_view() -> None:
    views = _Views()
    started: list[int] = []

    def prepare(chunk: int, data: memoryview) -> list[Any]:
        started.append(chunk)
        return _slow_prepare(chunk, data)

    gen = prepared_in_order(list(range(100)), prepare, views, workers=2, depth=4)
    for chunk, _ in gen:
        if chunk == 5:
            break
    gen.close()
    assert len(started) <= 6 + 4 + 1
    assert views.all_released()


def test_an_error_reaches_the_caller_at_its_chunk_after_the_earlier_ones() -> None:
    views = _Views()

    def prepare(chunk: int, data: memoryview) -> list[Any]:
        if chunk == 7:
            raise ValueError("chunk 7 does not compress")
        return _slow_prepare(chunk, data)

    seen: list[int] = []
    with pytest.raises(ValueError, match="chunk 7"):
        for chunk, _ in prepared_in_order(list(range(20)), prepare, views, workers=2, depth=4):
            seen.append(chunk)
    assert seen == list(range(7))
    assert views.all_released()
