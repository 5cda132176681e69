"""What every command of the command line shares: the group's options (`Context`, handed to each
command by `pass_context`) and a progress bar that stays silent when output is piped."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from annotator.core.project import open_project
from annotator.core.store import Store


class Context:
    """What the group's options say, handed to every command."""

    def __init__(self, db: Path | None, annotator: str | None):
        self.db = db
        self.annotator = annotator

    def open(self, read_only: bool = False) -> Store:
        """The project; `read_only` for commands that only read it (see `Store.open`)."""
        return open_project(self.db, self.annotator, read_only=read_only)


pass_context = click.make_pass_decorator(Context)


@contextlib.contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent when output is piped or redirected."""
    if not sys.stderr.isatty() or length == 0:
        yield lambda n: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update
