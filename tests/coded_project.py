"""The small coded project that tests/core/test_analysis.py counts by hand (shared by the CLI and
GUI tests of the analysis)."""

from __future__ import annotations

from annotator.core.model import NewArticle, Status
from annotator.core.store import Store


def build_coded_project(path, speaker_relation="said_by"):
    """A small coded project counted by hand in tests/core/test_analysis.py: two outlets and an
    article without outlet or date, two annotators, direct, indirect and unattributed quotes,
    overlapping spans, and an actor without a normalised name; quotes link to their actor by
    `speaker_relation`. Returns (store, span ids by name)."""
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
        store.add_relation(ids[quote], ids[actor], speaker_relation)
    store.set_annotator("ana")
    return store, ids
