"""Suggestions in the window, driven by keys; every assertion is on what the store holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from annotator.core.model import NewArticle, Op
from annotator.core.store import Store
from annotator.gui.actions import ActionId

TEXT = 'Sergey Lavrov arrived in Ankara. "We are patient," Lavrov told reporters. Later Lavrov left.'
OTHER = "«Мы готовы», — сказал Сергей Лавров журналистам."
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        store.add_articles([NewArticle("One", TEXT), NewArticle("Two", OTHER)])
        yield store


def spans(store: Store, article_id: int = 1) -> set[tuple[str, str, str]]:
    text = store.article(article_id).text
    return {(text[s.start : s.end], s.label, s.annotator) for s in store.spans(article_id)}


def test_the_open_articles_suggestions_are_drawn_apart_and_counted(window, store):
    shown = {(TEXT[s:e], label) for s, e, label in window.text_view.suggestion_ranges()}
    assert shown == {("We are patient", "quote"), ("Lavrov", "actor")}
    assert window.suggester.status.text() == "2 suggestions (quotes 2)"
    assert store.spans(1) == [] and len(store.suggestions(1)) == 2  # nobody's annotation
    assert not window.actions[ActionId.ACCEPT_SUGGESTION].isEnabled()  # Return is free until Ctrl+J


def test_enter_accepts_the_quote_with_its_speaker_and_undo_takes_it_back(qtbot, window, store):
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_J, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert spans(store) == {("We are patient", "quote", "ana"), ("Lavrov", "actor", "ana")}
    (relation,) = store.relations(1)
    assert relation.type == "said_by"
    # what is left: the other mentions of the accepted actor (found on a thread after the edit)
    qtbot.waitUntil(lambda: not window.suggester.busy)
    assert [s.source for s in store.suggestions(1)] == ["actors", "actors"]
    assert window.suggester.status.text() == "2 suggestions (actors 2)"
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert store.spans(1) == [] and store.relations(1) == []
    assert [s.label for s in store.suggestions(1)] == ["quote", "actor"]
    window.undo_stack.redo()
    assert len(store.spans(1)) == 2 and len(store.relations(1)) == 1


def test_backspace_rejects_for_good_and_undo_offers_it_again(qtbot, window, store):
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_J, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_J, CTRL)  # the speaker, after the quote
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert store.rejected_keys(1) == {(TEXT.index("Lavrov told"), TEXT.index("Lavrov told") + 6, "actor")}
    assert [s.label for s in store.suggestions(1)] == ["quote"] and store.spans(1) == []
    window.open_article(2)
    window.open_article(1)  # suggested again on opening: the rejected one stays away
    assert [s.label for s in store.suggestions(1)] == ["quote"]
    window.undo_stack.undo()
    assert store.rejected_keys(1) == set() and len(store.suggestions(1)) == 2


def test_a_label_key_accepts_under_that_label(qtbot, window, store):
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_J, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_C)  # claim, not quote
    assert ("We are patient", "claim", "ana") in spans(store)


def test_one_key_accepts_every_suggestion_from_a_source(qtbot, window, store):
    qtbot.keyClick(window.text_view, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert spans(store) == {("We are patient", "quote", "ana"), ("Lavrov", "actor", "ana")}
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert store.spans(1) == []


def test_accepted_actors_bring_their_other_mentions_as_suggestions(qtbot, window, store):
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_J, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # quote and speaker "Lavrov" (normalised Sergey Lavrov)
    expected = {("Sergey Lavrov", "actor"), ("Lavrov", "actor")}
    qtbot.waitUntil(lambda: {(TEXT[s:e], label) for s, e, label in view.suggestion_ranges()} == expected)
    actor = next(s for s in store.spans(1) if s.label == "actor")
    assert actor.attributes == {"normalised_name": "Sergey Lavrov"}


def test_the_whole_corpus_is_suggested_in_the_background(qtbot, window, store):
    window.actions[ActionId.SUGGEST_CORPUS].trigger()
    assert window.suggester.progress is not None and window.suggester.progress.isVisible()
    qtbot.waitUntil(lambda: window.suggester.run is None, timeout=20000)
    assert {s.label for s in store.suggestions(2)} == {"quote", "actor"}
    assert store.spans(2) == []


def test_a_corpus_run_can_be_cancelled(qtbot, window, store):
    store.add_articles(NewArticle(f"N{n}", f'"We are patient {n}," Lavrov said.') for n in range(400))
    window.actions[ActionId.SUGGEST_CORPUS].trigger()
    button = window.suggester.progress.findChild(QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.suggester.run is None, timeout=20000)
    done = {s.article_id for s in store.suggestions()}
    assert 0 < len(done) < 402
    assert "Stopped" in window.statusBar().currentMessage()


def test_preferences_choose_recommenders_and_threshold(qtbot, window, store, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from annotator.gui.actions import ActionId
    from annotator.gui.preferences import PreferencesDialog

    def choose(quotes: bool):
        def run(dialog: PreferencesDialog) -> QDialog.DialogCode:
            dialog.sources["quotes"].setChecked(quotes)
            dialog.threshold.setValue(0.9)
            dialog.accept()
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(PreferencesDialog, "exec", run)
        window.actions[ActionId.PREFERENCES].trigger()

    choose(False)
    assert window.text_view.suggestion_ranges() == []
    assert window.suggester.status.text() == ""
    choose(True)
    shown = {(TEXT[s:e], label) for s, e, label in window.text_view.suggestion_ranges()}
    assert shown == {("We are patient", "quote")}  # the speaker (0.855) is under 0.9


def drive_tag_all(qtbot, monkeypatch, button: str, match_case: bool = False) -> list[str]:
    """Answer the real Tag All dialog: what it said at once and once counted, then `button`."""
    from annotator.gui.tag_all import TagAllDialog

    said = []

    def answer(dialog):
        said.append(dialog.counts.text())
        assert dialog.in_article.isEnabled() and not dialog.everywhere.isEnabled()
        dialog.match_case.setChecked(match_case)
        if button != "Cancel":
            qtbot.waitUntil(dialog.everywhere.isEnabled, timeout=20000)
            said.append(dialog.counts.text())
        clicked = {"Cancel": dialog.reject, "This Article": dialog.in_article.click}
        clicked.get(button, dialog.everywhere.click)()
        assert dialog.scan.isFinished()
        return dialog.result()

    monkeypatch.setattr(TagAllDialog, "exec", answer)
    return said


@pytest.fixture
def tag_all_window(window, store):
    """ "Lavrov" tagged once in article 1; more of it untagged there and in article 3."""
    start = TEXT.index("Lavrov told")
    store.add_span(1, start, start + 6, "actor")
    store.add_articles([NewArticle("Three", "Lavrov again. LAVROV. Lavrovsky is no match.")])
    window.open_article(1)
    window.text_view.set_selected_span(store.spans(1)[0].id)
    return window


def test_tag_all_occurrences_counts_the_corpus_in_the_background_and_is_one_undo_step(
    qtbot, tag_all_window, store, monkeypatch
):
    window = tag_all_window
    said = drive_tag_all(qtbot, monkeypatch, "All Articles")
    qtbot.keyClick(window.text_view, Qt.Key.Key_O, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert "untagged 2 more times in this article; counting in the other articles" in said[0]
    assert "untagged 2 more times in this article and 2 times in 1 other articles" in said[1]
    start = TEXT.index("Lavrov told")
    assert {(s.start, s.end) for s in store.spans(1)} == {(7, 13), (start, start + 6), (80, 86)}
    assert [store.article(3).text[s.start : s.end] for s in store.spans(3)] == ["Lavrov", "LAVROV"]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert len(store.spans(1)) == 1 and store.spans(3) == []


def test_tag_all_in_this_article_matching_case_or_cancelled(qtbot, tag_all_window, store, monkeypatch):
    window = tag_all_window
    drive_tag_all(qtbot, monkeypatch, "Cancel")
    window.actions[ActionId.TAG_ALL].trigger()
    assert len(store.spans(1)) == 1 and store.spans(3) == [] and window.undo_stack.count() == 0
    said = drive_tag_all(qtbot, monkeypatch, "All Articles", match_case=True)
    window.actions[ActionId.TAG_ALL].trigger()
    assert (
        "2 more times in this article and 1 times in 1 other articles (whole words, matching case)" in said[1]
    )
    assert [store.article(3).text[s.start : s.end] for s in store.spans(3)] == ["Lavrov"]
    window.undo_stack.undo()
    drive_tag_all(qtbot, monkeypatch, "This Article")
    window.actions[ActionId.TAG_ALL].trigger()
    assert len(store.spans(1)) == 3 and store.spans(3) == []


def test_a_book_length_article_is_left_to_the_background_run(qtbot, window, store, monkeypatch):
    """Suggesting on the window's thread as a 5 MB article opened (and after each edit in it)
    stalled the window for minutes."""
    from annotator.gui import suggestions

    monkeypatch.setattr(suggestions, "OPEN_ARTICLE_LIMIT", len(OTHER) - 1)
    window.open_article(2)
    assert store.suggestions(2) == []
    assert "too long to suggest for" in window.statusBar().currentMessage()
    monkeypatch.setattr(suggestions, "OPEN_ARTICLE_LIMIT", len(OTHER))
    window.open_article(1)
    window.open_article(2)
    assert store.suggestions(2) != []


def test_the_article_the_window_opens_with_is_suggested_for_once_it_is_painted(qtbot, store, tmp_path):
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    window = MainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window.article.id == 1 and store.suggestions(1) == []  # the window comes first
    window.show()
    qtbot.waitUntil(lambda: window.suggester.status.text() == "2 suggestions (quotes 2)")
    assert window.first_paint.painted and len(store.suggestions(1)) == 2


def test_the_span_list_shows_suggestions_apart_and_settles_them_by_key(qtbot, window, store):
    listed = window.span_list
    model, table = listed.model, listed.table
    rows = [[model.index(row, column).data() for column in range(5)] for row in range(model.rowCount())]
    assert rows == [
        ["quote", "We are patient", "kind: direct", "suggested: quotes 0.95", "said_by → actor"],
        ["actor", "Lavrov", "normalised name: Sergey Lavrov", "suggested: quotes 0.85", ""],
    ]
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).italic()
    assert listed.count.text() == "0 spans, 2 suggested"
    assert store.spans(1) == []
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(model.index(1, 1)).center()
    )
    assert window.suggester.current == store.suggestions(1)[1].id  # the speaker, made current
    qtbot.keyClick(table, Qt.Key.Key_Backspace)
    assert store.rejected_keys(1) and [s.label for s in store.suggestions(1)] == ["quote"]
    table.setCurrentIndex(model.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert spans(store) == {("We are patient", "quote", "ana")}
    span_rows = [model.index(row, 3).data() for row in range(model.rowCount())]
    assert span_rows == ["ana"] and listed.count.text() == "1 span"
    window.undo_stack.undo()
    assert store.spans(1) == [] and model.rowCount() == 1
    assert model.index(0, 3).data() == "suggested: quotes 0.95"


def test_the_learned_recommender_is_retrained_off_the_window_thread_as_claims_accumulate(
    qtbot, window, store, monkeypatch
):
    pytest.importorskip("sklearn")
    import threading

    from annotator.gui import suggestions
    from annotator.gui.commands import AddSpansCommand

    trained_on_threads = []
    real = suggestions.train_model

    def spy(project):
        trained_on_threads.append(threading.get_ident())
        return real(project)

    monkeypatch.setattr(suggestions, "train_model", spy)
    claims = [f"Unemployment rose by {n} percent last year." for n in range(13)]
    plain = [f"The weather in town number {n} was nice." for n in range(13)]
    first = " ".join(f"{c} {p}" for c, p in zip(claims[:8], plain[:8], strict=True))
    more = " ".join(f"{c} {p}" for c, p in zip(claims[8:], plain[8:], strict=True))
    later = "Unemployment rose by 99 percent last year. The weather in town number 99 was nice."
    articles = [NewArticle("First", first), NewArticle("More", more), NewArticle("Later", later)]
    first_id, more_id, later_id = store.add_articles(articles).article_ids
    controller = window.suggester

    def tag(article_id: int, sentences: list[str]) -> None:
        text = store.article(article_id).text
        items = [(article_id, text.index(c), text.index(c) + len(c), "claim") for c in sentences]
        window.undo_stack.push(AddSpansCommand(store, window.events, items))
        assert controller.retrain.isActive()
        controller.retrain.timeout.emit()  # the quiet time after the edit runs out
        qtbot.waitUntil(lambda: controller.training is None, timeout=20000)

    tag(first_id, claims[:8])
    assert controller.model is not None and controller.trained_on == 8
    assert trained_on_threads and threading.get_ident() not in trained_on_threads
    window.open_article(later_id)
    found = [(later[s.start : s.end], s.label) for s in store.suggestions(later_id) if s.source == "learned"]
    assert found == [("Unemployment rose by 99 percent last year.", "claim")]
    tag(more_id, claims[8:10])  # too few new ones to retrain for
    assert controller.trained_on == 8 and len(trained_on_threads) == 1
    tag(more_id, claims[10:13])
    assert controller.trained_on == 13 and len(trained_on_threads) == 2


def test_without_scikit_learn_preferences_say_how_to_have_the_learned_recommender(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QDialog, QLabel

    from annotator.core.suggest import learned
    from annotator.gui.preferences import PreferencesDialog

    monkeypatch.setattr(learned, "available", lambda: False)
    seen = {}

    def run(dialog: PreferencesDialog) -> QDialog.DialogCode:
        seen["hint"] = dialog.findChild(QLabel, "preferences_learned_missing").text()
        seen["can choose it"] = dialog.sources["learned"].isEnabled()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PreferencesDialog, "exec", run)
    window.actions[ActionId.PREFERENCES].trigger()
    assert "pip install 'annotator[assist]'" in seen["hint"] and not seen["can choose it"]
    window.suggester.train()
    assert window.suggester.training is None and window.suggester.model is None


def test_a_long_article_is_suggested_for_on_a_thread_of_its_own(qtbot, window, store, monkeypatch):
    from annotator.gui import suggestions

    monkeypatch.setattr(suggestions, "INLINE_LIMIT", len(OTHER) - 1)
    window.open_article(2)
    assert window.suggester.article_run is not None  # the window goes on meanwhile
    qtbot.waitUntil(lambda: window.suggester.article_run is None, timeout=20000)
    assert {s.label for s in store.suggestions(2)} == {"quote", "actor"} and store.spans(2) == []
    assert {label for _, _, label in window.text_view.suggestion_ranges()} == {"quote", "actor"}


def test_a_model_trained_for_a_project_closed_since_is_not_used(window, store, tmp_path):
    from annotator.gui.suggestions import Training

    with Store.open(tmp_path / "other.annotator", annotator="ana") as other:
        window.suggester.training = Training(other, -1)  # its result arrives after a project switch
    window.suggester._trained(object(), 10, "")
    assert window.suggester.model is None and window.suggester.trained_on == -1


def test_an_article_opened_in_a_hidden_window_after_its_first_paint_is_suggested_for(qtbot, window, store):
    window.hide()
    window.open_article(2)
    window.open_article(1)
    assert window.suggester.status.text() == "2 suggestions (quotes 2)"


def test_an_edit_never_waits_for_the_recommenders(qtbot, window, store, monkeypatch):
    """After an edit the recommenders run on a thread: a slow run (0.9 s per span in a project of
    100k tagged strings) must not hold the key press that made the span."""
    import threading

    from annotator.gui import suggestions

    release, entered = threading.Event(), threading.Event()
    real = suggestions.suggest_article

    def slow(*args, **kwargs):
        entered.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(suggestions, "suggest_article", slow)
    view = window.text_view
    view.select_range(TEXT.index("Ankara"), TEXT.index("Ankara") + 6)
    qtbot.keyClick(view, Qt.Key.Key_A)  # returns while the recommenders are still held
    assert ("Ankara", "actor", "ana") in spans(store)
    qtbot.waitUntil(entered.is_set)  # once the keys pause
    assert window.suggester.article_run is not None
    release.set()
    qtbot.waitUntil(lambda: window.suggester.article_run is None)


def test_spans_made_key_after_key_are_suggested_for_once_when_the_keys_pause(
    qtbot, window, store, monkeypatch
):
    """No recommender run competes with the keys: the article is suggested for again once, after."""
    from annotator.gui import suggestions

    runs = []
    real = suggestions.suggest_article
    monkeypatch.setattr(suggestions, "suggest_article", lambda *a, **k: runs.append(a[1]) or real(*a, **k))
    view = window.text_view
    for word in ("Ankara", "reporters", "Sergey Lavrov"):
        view.select_range(TEXT.index(word), TEXT.index(word) + len(word))
        qtbot.keyClick(view, Qt.Key.Key_A)
    assert {text for text, _, _ in spans(store)} == {"Ankara", "reporters", "Sergey Lavrov"}
    assert runs == [] and window.suggester.busy
    qtbot.waitUntil(lambda: not window.suggester.busy)
    assert runs == [1]
    mentions = {TEXT[s.start : s.end] for s in store.suggestions(1) if s.source == "actors"}
    assert mentions == {"Lavrov"}
    assert "Lavrov" in {TEXT[s:e] for s, e, _ in view.suggestion_ranges()}  # shown as well


def test_a_run_after_an_edit_is_stored_by_the_window_not_taken_for_another_programs_commit(
    qtbot, window, store
):
    """The thread only computes: stored on its own connection, the window's look for other
    programs' commits announced the run as one (every view refreshed, the memory was read again)."""
    seen = []
    window.events.changed.connect(lambda changes, initiator: seen.append(changes.op))
    view = window.text_view
    assert store.suggestions(1, source=["actors"]) == []
    view.select_range(TEXT.index("Sergey Lavrov"), TEXT.index("Sergey Lavrov") + 13)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not window.suggester.busy)
    assert {TEXT[s.start : s.end] for s in store.suggestions(1, source=["actors"])} == {"Lavrov"}
    assert ("Lavrov", "actor") in {(TEXT[s:e], label) for s, e, label in view.suggestion_ranges()}
    window.events.poll()
    assert Op.EXTERNAL not in seen and window.suggester.memory is not None


def test_an_article_edited_while_its_run_goes_on_is_suggested_for_again_off_the_window_thread(
    qtbot, window, store, monkeypatch
):
    import threading

    from annotator.gui import suggestions

    release = threading.Event()
    threads, inline = [], []
    real = suggestions.suggest_article

    def held(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(suggestions, "suggest_article", held)
    monkeypatch.setattr(suggestions, "suggest_articles", lambda *a, **k: inline.append(a[1]))
    view = window.text_view
    view.select_range(TEXT.index("Ankara"), TEXT.index("Ankara") + 6)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: threads == [False])  # the first run, held
    view.select_range(TEXT.index("Sergey Lavrov"), TEXT.index("Sergey Lavrov") + 13)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.suggester.article_again)  # the keys paused while it ran
    release.set()
    qtbot.waitUntil(lambda: not window.suggester.busy and len(threads) == 2)
    assert threads == [False, False] and inline == []
    mentions = {TEXT[s.start : s.end] for s in store.suggestions(1) if s.source == "actors"}
    assert mentions == {"Lavrov"}  # found by the second run, after both edits


def test_after_a_run_the_window_lists_what_is_stored_with_the_speaker_tagged_since(qtbot, window, store):
    """A run reads back only the suggestions it changed, and the quotes whose speaker it linked."""
    view = window.text_view
    speaker = TEXT.index("Lavrov told")
    view.select_range(speaker, speaker + 6)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not window.suggester.busy)
    (span,) = store.spans(1)
    (quote,) = [s for s in window.suggester.items if s.label == "quote"]
    assert quote.speaker_span == span.id and quote.speaker_suggestion is None
    assert window.suggester.items == store.suggestions(1)
    assert window.span_list.model.suggested == store.suggestions(1)


def test_a_model_of_many_claims_is_retrained_after_a_share_of_them_not_every_five(
    qtbot, window, store, monkeypatch
):
    """Training takes longer as the claims grow (10 s for 8,000, holding the interpreter): a
    model of 500 is trained again after 10 more, not after every 5."""
    pytest.importorskip("sklearn")
    from annotator.gui import suggestions
    from annotator.gui.commands import AddSpansCommand

    trained = []
    real = suggestions.train_model
    monkeypatch.setattr(suggestions, "train_model", lambda project: trained.append(1) or real(project))
    sentences = [f"Prices rose by {n} percent. The town {n} was calm." for n in range(520)]
    (article_id,) = store.add_articles([NewArticle("Many", " ".join(sentences))]).article_ids
    text = store.article(article_id).text
    claims = [f"Prices rose by {n} percent." for n in range(520)]
    controller = window.suggester

    def tag(chosen: list[str]) -> None:
        items = [(article_id, text.index(c), text.index(c) + len(c), "claim") for c in chosen]
        window.undo_stack.push(AddSpansCommand(store, window.events, items))
        controller.retrain.timeout.emit()  # the quiet time after the edit runs out
        qtbot.waitUntil(lambda: controller.training is None, timeout=30000)

    tag(claims[:500])
    assert controller.trained_on == 500 and len(trained) == 1
    tag(claims[500:505])  # five more: a model of 500 is kept
    assert controller.trained_on == 500 and len(trained) == 1
    tag(claims[505:510])
    assert controller.trained_on == 510 and len(trained) == 2
    assert len(store.spans(article_id)) == 510


def test_a_run_steps_aside_while_the_window_answers_a_key(qtbot, window, store, monkeypatch):
    """A thread running the recommenders shares the interpreter with the window: after a key it
    goes on only once the window has been quiet for a moment, and the window never waits."""
    import threading
    import time

    from annotator.gui import suggestions, window_quiet

    monkeypatch.setattr(window_quiet, "QUIET_S", 0.5)
    release, steps = threading.Event(), []
    real_run, real_step = suggestions.suggest_article, window_quiet.step_aside

    def held(*args, **kwargs):
        release.wait(10)
        return real_run(*args, **kwargs)

    def step():
        real_step()
        steps.append((threading.current_thread() is threading.main_thread(), time.monotonic()))

    monkeypatch.setattr(suggestions, "suggest_article", held)
    monkeypatch.setattr(suggestions, "step_aside", step)
    view = window.text_view
    view.select_range(TEXT.index("Sergey Lavrov"), TEXT.index("Sergey Lavrov") + 13)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.suggester.article_run is not None)  # held before its work
    view.select_range(TEXT.index("Ankara"), TEXT.index("Ankara") + 6)
    qtbot.keyClick(view, Qt.Key.Key_A)
    keyed = time.monotonic()
    release.set()
    qtbot.waitUntil(lambda: not window.suggester.busy)
    assert {("Sergey Lavrov", "actor", "ana"), ("Ankara", "actor", "ana")} <= spans(store)
    assert {TEXT[s.start : s.end] for s in store.suggestions(1, source=["actors"])} == {"Lavrov"}
    assert steps and not any(on_window for on_window, _ in steps)  # stepped aside on its thread
    assert min(at for _, at in steps) >= keyed + 0.4  # not before the window was quiet after the key


def test_a_recommender_pauses_between_its_steps():
    """`Context.pause` is called before each recommender and inside the long ones' loops."""
    from annotator.core.model import Article
    from annotator.core.suggest import Context, run

    calls = []
    article = Article(1, "One", 'Lavrov said: "Yes." Lavrov left. Ankara.')
    context = Context(
        actors={"Lavrov": ("Sergey Lavrov", "person")},
        tagged={("Ankara", "actor"): (2, 0)},
        pause=lambda: calls.append(1),
    )
    found = run(article, context, ["quotes", "actors", "repeat"])
    assert {("Lavrov", "actors"), ("Ankara", "repeat")} <= {
        (article.text[s.start : s.end], s.source) for s in found
    }
    assert len(calls) >= 3 + 1 + 1  # one per recommender, then per actor and per tagged string
