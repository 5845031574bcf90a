"""Console side of the runner: a progress bar on a terminal, silence elsewhere."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from memslice.conformance.runner import CaseResult
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[CaseResult], None] | None]:
    """Yield a per-case callback that advances a bar on stderr, or None when stderr is no TTY."""
    if not sys.stderr.isatty() or total == 0:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[last]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total, last="")

        def advance(result: CaseResult) -> None:
            progress.update(task, advance=1, last=f"{result.status:<15} {result.id}")

        yield advance
