"""A plausible coded news project: outlets, months, frames, claims, and quotes attributed to actors.

Used by benchmarks/analysis.py (100,000 articles, ~1M spans) and docs/make_analysis_screenshots.py
(a few hundred). Every span covers the words it is about, so the article view and the reports
read like real coding.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from annotator.core.model import NewArticle, NewRelation, NewSpan, Status
from annotator.core.scheme import FRAME_DIMENSIONS
from annotator.core.store import Store

OUTLETS = ("The Herald", "Daily Courier", "Wire Service", "Morning Post", "Evening Standard")
# (name as written, normalised name, type)
ACTORS = (
    ("Foreign Minister Sergey Lavrov", "Sergey Lavrov", "person"),
    ("Lavrov", "Sergey Lavrov", "person"),
    ("Commission President Ursula von der Leyen", "Ursula von der Leyen", "person"),
    ("von der Leyen", "Ursula von der Leyen", "person"),
    ("Chancellor Olaf Scholz", "Olaf Scholz", "person"),
    ("President Emmanuel Macron", "Emmanuel Macron", "person"),
    ("NATO", "NATO", "organisation"),
    ("a NATO spokesperson", "NATO", "organisation"),
    ("the European Commission", "European Commission", "organisation"),
    ("Greenpeace", "Greenpeace", "group"),
    ("the Ministry of Defence", "Ministry of Defence", "state"),
    ("the central bank", "Central Bank", "organisation"),
    ("farmers' union leader Anna Kowalski", "Anna Kowalski", "person"),
    ("UN Secretary-General António Guterres", "António Guterres", "person"),
)
STATEMENTS = (
    "the sanctions are hurting ordinary families more than anyone else",
    "we will not accept any threat to the security of our member states",
    "energy prices must come down before the winter",
    "the agreement respects international law in every respect",
    "farmers cannot survive another year of falling prices",
    "this decision was taken without consulting the people it affects",
    "our troops are ready to defend every inch of allied territory",
    "the budget leaves hospitals without the staff they need",
    "there is no evidence that the new rules will reduce emissions",
    "the talks were constructive and will continue next month",
)
FRAME_SENTENCES = {
    "Economic": "The costs for households and businesses have risen sharply since the spring.",
    "Capacity and resources": "Officials admit there are not enough inspectors to enforce the rules.",
    "Morality": "Critics called the plan a betrayal of the values the union was built on.",
    "Fairness and equality": "Rural regions say they carry a burden that cities never see.",
    "Legality, constitutionality and jurisprudence": "Lawyers expect the measure to be challenged in court.",
    "Policy prescription and evaluation": "The programme has missed every target it set itself so far.",
    "Crime and punishment": "Police arrested three men suspected of smuggling fuel across the border.",
    "Security and defense": "The troop build-up near the border has alarmed neighbouring capitals.",
    "Health and safety": "Doctors warn that the heat wave puts older people at serious risk.",
    "Quality of life": "Residents describe long queues and empty shelves in the local shops.",
    "Cultural identity": "For many villagers the harvest festival is what holds the region together.",
    "Public opinion": "A new poll shows most voters oppose the plan.",
    "Political": "The coalition is divided and an early election is no longer ruled out.",
    "External regulation and reputation": "Allies abroad have questioned whether the country can be trusted.",
    "Other": "The ceremony ended with a minute of silence.",
}
FILLER = (
    "The meeting lasted well into the evening.",
    "Reporters waited outside the building for hours.",
    "Details of the plan have not been published.",
    "The debate continues in parliament next week.",
    "Several delegations left before the final session.",
    "The figures will be revised at the end of the quarter.",
    "Talks are expected to resume after the holiday.",
    "Local officials declined to comment.",
)
TOPICS = ("energy prices", "the border crisis", "farm subsidies", "the climate summit", "the defence budget")
# Outlets lean towards some frames, and security grows over time: the charts have something to show.
OUTLET_FRAMES = {
    "The Herald": ("Security and defense", "Political"),
    "Daily Courier": ("Economic", "Quality of life"),
    "Wire Service": ("Policy prescription and evaluation", "Political"),
    "Morning Post": ("Economic", "Legality, constitutionality and jurisprudence"),
    "Evening Standard": ("Crime and punishment", "Health and safety"),
}
ANNOTATORS = ("ana", "bob")


def articles(count: int, seed: int = 14, months: int = 24, paragraphs: int = 5) -> Iterator[NewArticle]:
    """`count` articles with ~10 spans each (3 quotes and their actors, 2 frames, 2 claims)."""
    rng = random.Random(seed)
    for number in range(count):
        outlet = rng.choice(OUTLETS)
        month = rng.randrange(months)
        year, month_of_year = 2024 + month // 12, month % 12 + 1
        published = f"{year}-{month_of_year:02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.04:
            outlet = ""
        if rng.random() < 0.04:
            published = ""
        builder = _Builder()
        topic = rng.choice(TOPICS)
        for paragraph in range(paragraphs):
            for _ in range(rng.randint(2, 5)):
                builder.add(rng.choice(FILLER) + " ")
            if paragraph < 3:
                _quote(builder, rng)
            if paragraph in (1, 3):
                frame = _frame(rng, outlet, month, months)
                builder.add(FRAME_SENTENCES[frame], "framing", {"frame": frame})
                builder.add(" ")
            if paragraph in (2, 4):
                claim = f"Inflation reached {rng.randint(2, 12)} percent in {rng.choice(TOPICS[:3])} sectors."
                builder.add(claim, "claim", {"check_worthy": rng.choice(("yes", "yes", "no"))})
                builder.add(" ")
            builder.add("\n\n")
        status = Status.DONE if rng.random() < 0.8 else rng.choice((Status.IN_PROGRESS, Status.NEW))
        annotator = ANNOTATORS[number % len(ANNOTATORS)]
        yield NewArticle(
            title=f"{topic.capitalize()}: report {number + 1}",
            text=builder.text().rstrip() + "\n",
            outlet=outlet,
            published=published,
            status=status,
            spans=tuple(
                NewSpan(start, end, label, attributes, annotator=annotator)
                for start, end, label, attributes in builder.spans
            ),
            relations=tuple(NewRelation(quote, actor, "said_by") for quote, actor in builder.relations),
        )


def _frame(rng: random.Random, outlet: str, month: int, months: int) -> str:
    if rng.random() < month / months * 0.4:
        return "Security and defense"
    if outlet in OUTLET_FRAMES and rng.random() < 0.5:
        return rng.choice(OUTLET_FRAMES[outlet])
    return rng.choice(FRAME_DIMENSIONS)


def _quote(builder: _Builder, rng: random.Random) -> None:
    """`Actor said: “…”` (direct) or `Actor said that …` (indirect), attributed to the actor."""
    written, normalised, kind = rng.choice(ACTORS[:9] if rng.random() < 0.7 else ACTORS)
    statement = rng.choice(STATEMENTS)
    start = builder.length
    actor = builder.add(
        written[0].upper() + written[1:], "actor", {"type": kind, "normalised_name": normalised}
    )
    if rng.random() < 0.6:
        builder.add(" said: ")
        quote = builder.add(f"“{statement[0].upper()}{statement[1:]}.”", "quote", {"kind": "direct"})
    else:
        builder.add(" said ")
        quote = builder.add(f"that {statement}.", "quote", {"kind": "indirect"})
    if rng.random() < 0.25:  # the whole statement frames the story: spans overlap
        frame = rng.choice(FRAME_DIMENSIONS)
        builder.spans.append((start, builder.length, "framing", {"frame": frame}))
    builder.add(" ")
    builder.relations.append((quote, actor))


class _Builder:
    """Text grown piece by piece; a labelled piece becomes a span over exactly its characters."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, str, dict]] = []
        self.relations: list[tuple[int, int]] = []

    def add(self, piece: str, label: str = "", attributes: dict | None = None) -> int:
        if label:
            self.spans.append((self.length, self.length + len(piece), label, attributes or {}))
        self.pieces.append(piece)
        self.length += len(piece)
        return len(self.spans) - 1

    def text(self) -> str:
        return "".join(self.pieces)


def build(path: Path, count: int, seed: int = 14) -> Store:
    """A new project at `path` holding `count` generated articles."""
    store = Store.open(path, annotator="lead")
    batch: list[NewArticle] = []
    for article in articles(count, seed):
        batch.append(article)
        if len(batch) == 5000:
            store.add_articles(batch)
            batch.clear()
    store.add_articles(batch)
    return store
