from __future__ import annotations

import contextlib
import os
import subprocess

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user data directory and name the analyst."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("ANNOTATOR_NAME", "tester")
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@contextlib.contextmanager
def _read_only(path):
    """Make a file or folder unwritable. Permission bits do not bind root, so as root the
    immutable attribute is used (the test is skipped where the file system has none)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (no chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture
def read_only():
    """`with read_only(path):` the file or folder cannot be written."""
    return _read_only


def build_coded_project(path):
    """A small coded project counted by hand in tests/core/test_analysis.py: two outlets and an
    article without outlet or date, two annotators, direct, indirect and unattributed quotes,
    overlapping spans, and an actor without a normalised name. Returns (store, span ids by name)."""
    from annotator.core.model import NewArticle, Status
    from annotator.core.store import Store

    store = Store.open(path, annotator="ana")
    texts = {
        "A1": "Sergey Lavrov said: “We warn you.” Prices rise. Lavrov added that talks continue. "
        "The costs are high.",
        "A2": "NATO said: “Troops are ready.” The border is tense.",
        "A3": "Scholz said the plan works. Lavrov said: “No.”",
        "A4": "Greenpeace said the sea is rising. It is.",
        "A5": "Nothing is coded here.",
    }
    meta = {
        "A1": ("Herald", "2024-01-15", Status.DONE),
        "A2": ("Herald", "2024-02-03T08:00:00Z", Status.DONE),
        "A3": ("Courier", "2024-01-20", Status.IN_PROGRESS),
        "A4": ("", "", Status.DONE),
        "A5": ("Courier", "March 2024", Status.NEW),
    }
    outcome = store.add_articles(
        NewArticle(title=key, text=text, outlet=meta[key][0], published=meta[key][1], status=meta[key][2])
        for key, text in texts.items()
    )
    article = dict(zip(texts, outcome.article_ids, strict=True))
    ids = {}

    def span(name, key, piece, label, attributes=None, after=""):
        text = texts[key]
        start = text.index(piece, text.index(after) if after else 0)
        changes = store.add_span(article[key], start, start + len(piece), label, attributes)
        ids[name] = next(iter(changes.spans))

    span("x1", "A1", "Sergey Lavrov", "actor", {"type": "person", "normalised_name": "Sergey Lavrov"})
    span("q1", "A1", "“We warn you.”", "quote", {"kind": "direct"})
    span("x2", "A1", "Lavrov", "actor", {"type": "person", "normalised_name": "sergey lavrov"}, after="rise")
    span("q2", "A1", "that talks continue", "quote", {"kind": "indirect"})
    span("f1", "A1", "Prices rise. Lavrov added that talks continue.", "framing", {"frame": "Economic"})
    span("f2", "A1", "The costs are high.", "framing", {"frame": "Economic"})
    span("x3", "A2", "NATO", "actor", {"type": "organisation", "normalised_name": "NATO"})
    span("q4", "A2", "“Troops are ready.”", "quote", {"kind": "direct"})
    span("f4", "A2", "The border is tense.", "framing", {"frame": "Security and defense"})
    span("c1", "A2", "The border is tense.", "claim", {"check_worthy": "yes"})
    span("x6", "A4", "Greenpeace", "actor", {"type": "group"})
    span("q7", "A4", "the sea is rising", "quote", {"kind": "indirect"})
    span("c2", "A4", "the sea is rising", "claim", {"check_worthy": "no"})
    store.set_annotator("bob")
    span("q3", "A1", "“We warn you.”", "quote", {"kind": "direct"})
    span("f3", "A1", "Prices rise.", "framing", {"frame": "Security and defense"})
    span("x4", "A3", "Scholz", "actor", {"type": "person", "normalised_name": "Olaf Scholz"})
    span("q5", "A3", "the plan works", "quote", {"kind": "indirect"})
    span("x5", "A3", "Lavrov", "actor", {"type": "person", "normalised_name": "Sergey Lavrov"})
    span("q6", "A3", "“No.”", "quote", {"kind": "direct"})
    span("f5", "A3", "Scholz said the plan works.", "framing", {"frame": "Economic"})
    for quote, actor in (("q1", "x1"), ("q2", "x2"), ("q4", "x3"), ("q5", "x4"), ("q6", "x5"), ("q7", "x6")):
        store.add_relation(ids[quote], ids[actor], "said_by")
    store.set_annotator("ana")
    return store, ids


@pytest.fixture
def coded_project(tmp_path):
    """(store, span ids) of `build_coded_project`; the store is closed afterwards."""
    store, ids = build_coded_project(tmp_path / "coded.annotator")
    yield store, ids
    store.close()
