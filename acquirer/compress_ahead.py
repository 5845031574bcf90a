"""Prepare the next Memory Regions on worker threads while the current one is written.

After a copy-first freeze every chunk already lies in the copy, so the costly part of a
compressed capture (zstd or lz4 over every page) need not wait for the write before it:
:func:`prepared_in_order` hands the next chunks to worker threads, each of which checks,
encodes and compresses one chunk into blocks
(:meth:`~memslice.writer.MslWriter.prepare_memory_region`: no writer state is touched), and
yields the prepared blocks in the copy's order, for the caller to append to the hash chain.
zstandard and lz4 release the GIL while they compress, so the workers use every core while
the caller hashes and writes.

At most ``depth`` chunks are in flight, so the memory held is bounded by ``depth``
compressed chunks whatever the target's size. With ``workers=0`` every chunk is prepared in
the caller's thread, just before it is yielded (``-c none``: nothing to compress).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from memslice.acquirer.copy_first import CopiedChunk

from memslice.writer import PreparedBlock

Prepare = Callable[[CopiedChunk, memoryview], list[PreparedBlock]]
"""Turns one copied chunk and a view of its bytes into the blocks to write."""

View = Callable[[CopiedChunk], memoryview]
"""A view of a copied chunk's bytes (released by :func:`prepared_in_order` when done)."""


def prepared_in_order(chunks: Sequence[CopiedChunk], prepare: Prepare, view: View, *, workers: int,
                      depth: int) -> Iterator[tuple[CopiedChunk, list[PreparedBlock]]]:
    """Yield ``(chunk, blocks)`` for every chunk, in order, preparing up to ``depth`` ahead.

    A chunk's view is released once the caller asks for the next item (the blocks of an
    uncompressed chunk still point into it until then). Closing the generator early (the
    caller stops) cancels what has not started, waits for what has and releases every view.

    Args:
        chunks: The copied chunks, in file order.
        prepare: Checks, encodes and compresses one chunk.
        view: The bytes of one chunk.
        workers: Threads that prepare (0: the caller's thread).
        depth: Most chunks prepared ahead of the one being written (at least ``workers``).

    Raises:
        Whatever ``prepare`` raises, when the caller reaches that chunk.
    """
    if workers <= 0:
        for chunk in chunks:
            data = view(chunk)
            try:
                yield chunk, prepare(chunk, data)
            finally:
                data.release()
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="msl-compress")
    pending: deque[tuple[CopiedChunk, memoryview, Future[list[PreparedBlock]]]] = deque()
    upcoming = iter(chunks)

    def submit_next() -> None:
        chunk = next(upcoming, None)
        if chunk is not None:
            data = view(chunk)
            pending.append((chunk, data, pool.submit(prepare, chunk, data)))

    try:
        for _ in range(max(depth, workers)):
            submit_next()
        while pending:
            chunk, data, job = pending.popleft()
            try:
                yield chunk, job.result()
            finally:
                data.release()
            submit_next()
    finally:
        for _, _, job in pending:
            job.cancel()
        pool.shutdown(wait=True)
        for _, data, _ in pending:
            data.release()
