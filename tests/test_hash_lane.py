"""The ordered hash lane the writer feeds the running FileHash through (memslice/hash_lane.py).

Expectations come from the blake3 library hashing the same bytes in one call.
"""

from __future__ import annotations

import os
import threading

import blake3
import pytest

from memslice.hash_lane import HashLane


def test_updates_run_in_submission_order() -> None:
    pieces = [os.urandom(n) for n in (1, 4096, 3 << 20, 7, 1 << 20, 100, 2 << 20)]
    hasher = blake3.blake3(max_threads=1)
    lane = HashLane()
    mark = 0
    for piece in pieces:
        mark += len(piece)
        lane.submit(hasher.update, piece, mark)
    lane.wait()
    lane.close()
    assert hasher.digest() == blake3.blake3(b"".join(pieces)).digest()


def test_wait_up_to_a_mark_leaves_later_updates_running() -> None:
    gate = threading.Event()
    seen: list[bytes] = []
    lane = HashLane()
    lane.submit(seen.append, b"a" * 10, 10)
    lane.submit(lambda data: (gate.wait(5), seen.append(data)), b"b" * 5, 15)
    lane.wait(10)  # the first is done; the second is held by the gate
    assert seen == [b"a" * 10]
    assert lane.busy and lane.done_through(15) == 10
    gate.set()
    lane.wait()
    assert seen == [b"a" * 10, b"b" * 5]
    assert not lane.busy and lane.done_through(15) == 15
    lane.close()


def test_done_through_starts_where_the_first_queued_bytes_start() -> None:
    gate = threading.Event()
    lane = HashLane()
    lane.submit(lambda data: gate.wait(5), b"x" * 100, 1000)  # bytes 900..1000; 0..900 hashed before
    assert lane.done_through(1000) == 900
    gate.set()
    lane.wait()
    assert lane.done_through(1000) == 1000
    lane.close()


def test_a_view_is_released_once_hashed_and_errors_reach_the_caller() -> None:
    buf = bytearray(b"z" * 64)
    view = memoryview(buf)
    lane = HashLane()
    lane.submit(lambda data: None, view, 64)
    lane.wait()
    buf.extend(b"more")  # would raise BufferError while a view is still exported

    def fail(data: bytes) -> None:
        raise ValueError("hasher broke")

    lane.submit(fail, b"q", 65)
    with pytest.raises(ValueError, match="hasher broke"):
        lane.wait()
    lane.close()
