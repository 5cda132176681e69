"""Suggestions: recommenders propose spans; the analyst accepts or rejects them.

A recommender is a pure function `suggest(article, context) -> list[Suggestion]` with no SQL and
no Qt: the store gathers the `Context` (what is tagged already, what was rejected) and keeps the
results apart from the analyst's spans until they are accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import Article


@dataclass(frozen=True)
class Suggestion:
    """A proposed span. `speaker` is the range of the actor a quote is `said_by`, if known."""

    start: int
    end: int
    label: str
    source: str
    score: float
    attributes: Mapping[str, Any] = field(default_factory=dict)
    speaker: tuple[int, int] | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass(frozen=True)
class Known:
    """A span already in the project (the analyst's, or an accepted suggestion)."""

    start: int
    end: int
    label: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the recommenders may learn from.

    `spans`: this article's spans. `actors`: the project's actor mentions, surface text →
    (normalised name, type). `tagged`: (text, label) → (times tagged or accepted, times
    rejected) across the project. `model`: the learned recommender's trained model, if any.
    `pause`: called between the steps of a recommender's work; a window's background thread
    waits there while the window answers a gesture.
    """

    spans: tuple[Known, ...] = ()
    actors: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    tagged: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    model: Any = None
    pause: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class Recommender:
    name: str
    suggests: str
    suggest: Callable[[Article, Context], list[Suggestion]]


NAMES = ("quotes", "actors", "repeat", "learned")
"""The recommenders' names in the order they run, known without importing them (a command's
help and the window's start-up need only the names)."""


def registry() -> dict[str, Recommender]:
    """Every recommender by name, in the order they run (NAMES)."""
    from annotator.core.suggest import actors, learned, quotes, repeat

    return {
        r.name: r for r in (quotes.RECOMMENDER, actors.RECOMMENDER, repeat.RECOMMENDER, learned.RECOMMENDER)
    }


def run(
    article: Article,
    context: Context,
    names: Iterable[str] | None = None,
    rejected: Iterable[tuple[int, int, str]] = (),
) -> list[Suggestion]:
    """Suggestions of the named recommenders (all by default) for one article, without those that
    repeat a span already there, a rejected one, or an earlier recommender's (first one wins)."""
    recommenders = registry()
    chosen = list(recommenders) if names is None else list(names)
    unknown = [name for name in chosen if name not in recommenders]
    if unknown:
        raise ValueError(f"No recommender named {', '.join(unknown)}; known: {', '.join(recommenders)}.")
    taken = {(s.start, s.end, s.label) for s in context.spans} | set(rejected)
    result: list[Suggestion] = []
    for name in chosen:
        context.pause()
        for suggestion in recommenders[name].suggest(article, context):
            if suggestion.key not in taken:
                taken.add(suggestion.key)
                result.append(suggestion)
    return result
