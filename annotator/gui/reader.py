"""Reading the project off the GUI thread: a `Reader` runs one piece of work at a time on a thread
of its own, over a read-only connection of its own (an SQLite connection belongs to one thread,
and reading never waits for the window's writes), and hands back only the newest request's
result, on the GUI thread. The Analysis window computes its tables and the spans behind a cell
this way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.errors import StoreError
from annotator.core.store import Store


class Job(QRunnable):
    """`work(store)` on the pool's thread; its result (or why it failed) goes to `reader`."""

    def __init__(self, reader: Reader, request: int, work: Callable[[Store], object]):
        super().__init__()
        self.setAutoDelete(False)  # the reader holds it until it reports, to cancel it
        self.reader, self.request, self.work = reader, request, work
        self._store: Store | None = None
        self._lock = threading.Lock()

    def run(self) -> None:
        try:
            store = Store.open(self.reader.path, read_only=True)
        except StoreError as error:
            self.reader.arrived.emit(self.request, str(error))
            return
        with self._lock:
            self._store = store
        try:
            result = self.work(store)
        except (StoreError, ValueError) as error:  # the store's errors include an interrupt
            result = str(error)
        finally:
            with self._lock:
                self._store = None
            store.close()
        self.reader.arrived.emit(self.request, result)  # queued to the GUI thread

    def cancel(self) -> None:
        """Stop the query under way, if any (SQLite's interrupt may come from another thread)."""
        with self._lock:
            if self._store is not None:
                self._store.interrupt()


class Reader(QObject):
    """One request at a time: `start(tag, work)` drops whatever runs, and `done(tag, result)`
    comes for the newest request only. A result is what `work` returned, or a str saying why
    it failed."""

    done = Signal(object, object)
    arrived = Signal(int, object)  # from the worker thread: (request, result)

    def __init__(self, parent: QObject, path: Path):
        super().__init__(parent)
        self.path = path
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.request = 0
        self.jobs: dict[int, tuple[Job, object]] = {}  # by request, until each reports back
        self.arrived.connect(self._arrived)

    def start(self, tag: object, work: Callable[[Store], object]) -> None:
        self.stop()
        job = Job(self, self.request, work)
        self.jobs[self.request] = (job, tag)
        self.pool.start(job)

    def busy(self) -> bool:
        return self.request in self.jobs

    def stop(self) -> None:
        """Drop what runs or waits: a newer request, a change or closing makes it stale."""
        self.request += 1
        for request in [r for r, (job, _) in self.jobs.items() if self.pool.tryTake(job)]:
            del self.jobs[request]  # never started
        for job, _ in self.jobs.values():
            job.cancel()

    def close(self) -> None:
        self.stop()
        self.pool.waitForDone()  # an interrupted query stops at once

    def _arrived(self, request: int, result: object) -> None:
        _, tag = self.jobs.pop(request, (None, None))
        if request == self.request:
            self.done.emit(tag, result)
