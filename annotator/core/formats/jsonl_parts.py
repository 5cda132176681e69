"""A big JSONL export written by worker processes, a range of articles each, joined in order.

Encoding a line is Python work that holds the GIL, so threads do not help; processes use every
core. Each worker opens the project read-only and writes its range of article ids (about the
same number of spans each) to a file in a temporary folder beside the output; the export copies
those files into the output in article order, so its bytes are what one process writes. The
workers are started with "spawn", not fork (the window exports from a thread, with Qt loaded);
the frozen app's entry point calls `multiprocessing.freeze_support` for that.

Each worker reads its own snapshot, so the export holds one itself (`held_snapshot`) before they
start, and takes a part only while nothing has been committed since; once something has, this
part and the rest are written here, from that snapshot. The export is the project at the moment
it began, whatever the window or another program commits while it runs.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from annotator.core.errors import StoreError
from annotator.core.formats import jsonl
from annotator.core.formats.common import ExportSummary, WriteOptions, byte_writer
from annotator.core.model import Status
from annotator.core.store.snapshot import held_snapshot

if TYPE_CHECKING:
    from annotator.core.store import Store

PARALLEL_FROM = 200_000  # spans in the project: below this, starting processes costs what they save
MAX_WORKERS = 4
PARTS_PER_WORKER = 4  # smaller parts even out ranges that filters thin more than others
Filters = tuple[tuple[Status, ...], tuple[str, ...], "str | None"]


def worth_it(store: Store, smallest: int = PARALLEL_FROM) -> bool:
    """Whether workers pay: two cores or more, a project with a file, `smallest` spans or more."""
    if min(os.cpu_count() or 1, MAX_WORKERS) < 2 or not Path(store.path).is_file():
        return False
    return store.span_total() >= max(smallest, 1)


def writer(
    store: Store, filters: Filters, folder: Path | None, prefix: str
) -> Callable[[Any, TextIO, WriteOptions], ExportSummary]:
    """A JSONL writer (its rows unused) that has workers write ranges of articles under `filters`
    to files in a temporary folder made in `folder` (None: the system's), and copies them to its
    output in order."""

    def write(_rows: Any, out: TextIO, options: WriteOptions) -> ExportSummary:
        put = byte_writer(out)
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        work = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
        articles = spans = 0
        # Not multiprocessing.Pool: it replaces a worker that dies for good (killed, or a script
        # without `if __name__ == "__main__":` whose workers run its export again) and waits forever.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            pool.submit(int)  # the workers start (a fraction of a second) while the ranges are counted
            with held_snapshot(store) as committed_since:
                ranges = store.article_ranges(workers * PARTS_PER_WORKER)
                jobs = [
                    (str(store.path), str(work / f"part-{number:05d}"), first_last, filters)
                    for number, first_last in enumerate(ranges)
                ]
                for number, (part, done, error) in enumerate(pool.map(_write_part, jobs)):
                    if committed_since():  # this part may hold it: this one and the rest from here
                        pool.shutdown(wait=False, cancel_futures=True)
                        status, labels, annotator = filters
                        rest = store.iter_records(
                            status, labels, annotator, ids=(ranges[number][0], ranges[-1][1])
                        )
                        done = jsonl.write_records(rest, out, options)
                        return ExportSummary(articles + done.articles, spans + done.spans)
                    if error is not None:
                        raise _rebuilt(*error)
                    with open(part, "rb") as written:
                        while chunk := written.read(1 << 20):
                            put(chunk)
                    os.unlink(part)
                    articles, spans = articles + done.articles, spans + done.spans
                    if options.progress is not None and done.spans:
                        options.progress(done.spans)
        except BrokenProcessPool:
            raise StoreError(
                "A worker process of the export stopped before its part was written; nothing was "
                "written. (A Python script that exports must run its code under "
                '`if __name__ == "__main__":`.)'
            ) from None
        finally:
            pool.shutdown(cancel_futures=True)  # waits for the parts being written, at most one each
            shutil.rmtree(work, ignore_errors=True)
        return ExportSummary(articles, spans)

    return write


def _write_part(
    job: tuple[str, str, tuple[int, int], Filters],
) -> tuple[str, ExportSummary | None, tuple[type, str] | None]:
    """In a worker: write one range of articles to the file `part`; what it wrote, or the error
    (its class and message: not every error can be pickled as it is)."""
    from annotator.core.store import Store

    project, part, ids, (status, labels, annotator) = job
    try:
        with (
            Store.open(project, read_only=True, alongside=True) as store,
            open(part, "w", encoding="utf-8", newline="") as out,
        ):
            records = store.iter_records(status, labels, annotator, ids=ids)
            return part, jsonl.write_records(records, out, WriteOptions()), None
    except Exception as error:  # noqa: BLE001 (handed to the parent, which raises it)
        return part, None, (type(error), str(error))


def _rebuilt(kind: type, message: str) -> Exception:
    """The worker's error again: same class, same message (a StoreError with its message when
    the class makes its message from more than that)."""
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    try:
        if str(error) == message:
            return error
    except Exception:  # noqa: BLE001, S110 (a message made from attributes it lacks)
        pass
    return StoreError(message)
