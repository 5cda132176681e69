"""Undoable commands: a refusal is announced, a bug is not disguised as one."""

from __future__ import annotations

import pytest

from annotator.core.model import Changes, NewArticle, Span
from annotator.core.store import Store
from annotator.gui.commands import DeleteSpanCommand, StoreCommand
from annotator.gui.events import StoreEvents


def test_a_refusal_is_announced_and_the_command_dropped(qapp, tmp_path):
    with Store.open(tmp_path / "p.annotator", "ana") as store:
        store.add_articles([NewArticle("A", "Some text.")])
        events = StoreEvents(store)
        failures: list[str] = []
        events.failed.connect(failures.append)
        command = DeleteSpanCommand(store, events, Span(99, 1, 0, 4, "claim"))
        command.redo()
    assert failures == ["Span 99 is not in the project (it may have been deleted)."]
    assert command.isObsolete()


def test_a_bug_in_a_command_is_not_turned_into_a_message(qapp, tmp_path):
    class Broken(StoreCommand):
        def apply(self) -> Changes:
            return {}["missing"]  # a KeyError that is a bug, not a refusal

    with Store.open(tmp_path / "p.annotator", "ana") as store:
        events = StoreEvents(store)
        failures: list[str] = []
        events.failed.connect(failures.append)
        with pytest.raises(KeyError):
            Broken(store, events, "broken").redo()
    assert failures == []
