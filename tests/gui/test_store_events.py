"""One change channel: a merge from the Team menu and a commit by another program reach every view,
the Adjudicate window included (its list went stale: 1 candidate shown where the store held 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import NewArticle, Status
from annotator.core.store import Store
from annotator.gui.actions import ActionId
from annotator.gui.curation import CurationDialog

TEXT = "Lavrov said the alliance is a threat. Stoltenberg disagreed."


def tag(store: Store, article_id: int, piece: str, label: str) -> None:
    start = TEXT.index(piece)
    store.add_span(article_id, start, start + len(piece), label)


@pytest.fixture
def store(tmp_path):
    """Ana and Bob both tagged "Lavrov" as an actor and marked the article done."""
    store = Store.open(tmp_path / "lead.annotator", annotator="ana")
    [article_id] = store.add_articles([NewArticle("One", TEXT)]).article_ids
    for name in ("ana", "bob"):
        store.set_annotator(name)
        tag(store, article_id, "Lavrov", "actor")
        store.set_status(article_id, Status.DONE)
    store.set_annotator("ana")
    yield store
    store.close()


@pytest.fixture
def colleague(tmp_path) -> Path:
    """Bob's own copy, where he has tagged a claim too."""
    path = tmp_path / "bob.annotator"
    with Store.open(path, annotator="bob") as other:
        [article_id] = other.add_articles([NewArticle("One", TEXT)]).article_ids
        tag(other, article_id, "Lavrov", "actor")
        tag(other, article_id, "the alliance is a threat", "claim")
        other.set_status(article_id, Status.DONE)
    return path


def another_program_commits(path: Path, *more: str) -> None:
    """Bob's command line imports article "Two" into the project, then runs `more` statements."""
    program = "\n".join(
        [
            "import sys",
            "from annotator.core.model import NewArticle",
            "from annotator.core.store import Store",
            "with Store.open(sys.argv[1], annotator='bob') as store:",
            "    store.add_articles([NewArticle('Two', 'Imported by the command line.')])",
            *(f"    {line}" for line in more),
        ]
    )
    subprocess.run([sys.executable, "-c", program, str(path)], check=True, timeout=60)


def adjudicate(qtbot, window) -> CurationDialog:
    window.actions[ActionId.ADJUDICATE].trigger()
    dialog = window.findChild(CurationDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_a_merge_from_the_team_menu_shows_in_an_open_adjudicate_window(
    qtbot, window, store, colleague, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    dialog = adjudicate(qtbot, window)
    assert (dialog.a, dialog.b, dialog.list.count()) == ("ana", "bob", 1)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args: ([str(colleague)], ""))
    window.actions[ActionId.MERGE].trigger()
    assert [(item.label, item.kind) for item in dialog.items] == [("actor", "agreed"), ("claim", "only B")]
    assert dialog.list.count() == 2
    dialog.close()


def test_a_commit_by_another_program_refreshes_every_view(qtbot, window, store):
    dialog = adjudicate(qtbot, window)
    window.events.watch.setInterval(20)
    article_id = window.article.id
    another_program_commits(
        store.path,
        f"store.add_span({article_id}, 38, 49, 'actor')",
        "store.add_label('place', '#123456', 'p')",
    )
    qtbot.waitUntil(lambda: len(window.article_model.ids) == 2, timeout=10_000)
    assert sorted(span.label for span in window.text_view.spans) == ["actor", "actor", "actor"]
    assert window.span_list.model.rowCount() == 3
    assert window.palette.buttons["actor"].text().endswith("3") and "place" in window.palette.buttons
    assert "place" in [window.details.label.itemText(i) for i in range(window.details.label.count())]
    assert any(action.objectName() == "annotator:label:place" for action in window.label_actions)
    assert window.position_label.text().startswith("Article 1 of 2 · done · 3 spans")
    assert [(item.label, item.kind) for item in dialog.items] == [("actor", "agreed"), ("actor", "only B")]
    dialog.close()


def test_a_commit_by_another_program_before_one_of_ours_is_still_shown(qtbot, window, store):
    window.events.watch.stop()  # the other program commits between two looks
    another_program_commits(store.path)
    view = window.text_view
    start = TEXT.index("Stoltenberg")
    view.select_range(start, start + len("Stoltenberg"))
    qtbot.keyClick(view, Qt.Key.Key_A)  # our own commit, after theirs
    assert ("Stoltenberg", "actor") in [
        (TEXT[span.start : span.end], span.label) for span in store.spans(window.article.id)
    ]
    window.events.poll()
    assert len(window.article_model.ids) == 2  # their article is listed
