"""An ordered hash lane: one running hash fed on its own thread while the writer goes on.

The writer keeps two BLAKE3 hashes of a capture's bytes: each block's own (its successor's
PrevHash, needed before the next block header can be written) and the running FileHash of the
whole file (needed only at the End-of-Capture). The block hash is waited for block by block;
the running hash need not be: its updates go through this lane, in order, on one worker
thread, so it keeps hashing while the caller prepares and writes the next block.

The caller decides how far the lane may lag: :meth:`HashLane.wait` returns once every update
up to a mark (a file offset) is done, and :meth:`HashLane.done_through` says how far it got
without waiting, e.g. before the bytes behind an update are unmapped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class HashLane:
    """Run hash updates one after another on a worker thread, in the order they were submitted.

    Args:
        name: Name of the worker thread.
    """

    def __init__(self, name: str = "msl-running-hash") -> None:
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[tuple[Future[object], int]] = deque()
        self._done_mark = 0

    @property
    def busy(self) -> bool:
        """An update is still queued or running."""
        if not self._pending:
            return False
        self._reap()
        return bool(self._pending)

    def submit(self, update: Callable[[Any], object], data: Any, mark: int) -> None:
        """Run ``update(data)`` after every earlier submission.

        Args:
            update: The hasher's ``update``.
            data: Bytes that stay unchanged until the update is done (an own copy or a view of
                the file's mapping; a view is released once hashed).
            mark: The file offset just past these bytes.
        """
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        self._reap()
        if not self._pending:
            self._done_mark = mark - len(data)  # everything before these bytes was hashed already
        self._pending.append((self._pool.submit(_run, update, data), mark))

    def done_through(self, default: int) -> int:
        """The mark of the last finished update, or ``default`` when nothing is pending."""
        self._reap()
        return self._done_mark if self._pending else default

    def wait(self, mark: int | None = None) -> None:
        """Return once every update with a mark up to ``mark`` (every update, if None) is done.

        Raises:
            Exception: What an update raised.
        """
        while self._pending and (mark is None or self._pending[0][1] <= mark):
            future, done = self._pending.popleft()
            future.result()
            self._done_mark = done

    def close(self) -> None:
        """Wait for every update and stop the worker (errors of updates are dropped here)."""
        while self._pending:
            future, done = self._pending.popleft()
            future.exception()
            self._done_mark = done
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _reap(self) -> None:
        while self._pending and self._pending[0][0].done():
            future, done = self._pending.popleft()
            future.result()
            self._done_mark = done


def _run(update: Callable[[Any], object], data: Any) -> None:
    try:
        update(data)
    finally:
        if isinstance(data, memoryview):
            data.release()
