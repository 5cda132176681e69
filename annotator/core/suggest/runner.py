"""Runs recommenders over stored articles and keeps their suggestions: the glue between the pure
recommenders and the store (no SQL here, no Qt)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from annotator.core.suggest import Context, learned, registry, run

BATCH = 200


def train_model(store: Any) -> Any:
    """The learned recommender's model from the project's claim and framing spans (None when
    scikit-learn is missing or there is too little to learn from)."""
    examples: list[tuple[str, str]] = []
    by_article: dict[int, list[tuple[int, int, str]]] = {}
    for article_id, start, end, label, attributes in store.learning_examples():
        by_article.setdefault(article_id, []).append((start, end, learned.target(label, attributes)))
    for article_id, tagged in by_article.items():
        text = store.article(article_id).text
        bounds = learned.sentences(text)
        classes = _first_class(bounds, tagged)
        examples += [(text[start:end], cls) for (start, end), cls in zip(bounds, classes, strict=True)]
    return learned.train(examples)


def _first_class(sentences: list[tuple[int, int]], tagged: list[tuple[int, int, str]]) -> list[str]:
    """Per sentence (sorted, apart), the class of the first of `tagged` meeting it, else NONE. Each
    span finds its sentences by bisection: testing every span against every sentence took minutes
    on a thread of the window (holding the interpreter) for a long article with many spans."""
    ends = [end for _, end in sentences]
    first = [len(tagged)] * len(sentences)
    for index, (start, end, _cls) in enumerate(tagged):
        i = bisect_right(ends, start)
        while i < len(sentences) and sentences[i][0] < end:
            first[i] = min(first[i], index)
            i += 1
    return [tagged[index][2] if index < len(tagged) else learned.NONE for index in first]


def suggest_articles(
    store: Any,
    article_ids: Iterable[int],
    names: Iterable[str] | None = None,
    progress: Callable[[int], bool] | None = None,
    memory: Any = None,
    model: Any = None,
    batch: int = BATCH,
    pause: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Compute and store suggestions for these articles; how many each recommender made.

    `progress(done)` is called after every `batch` articles; returning False stops the run (what
    was stored so far stays). `memory` and `model` can be given when the caller keeps them;
    `pause` as in `suggest_article`."""
    names = check_names(names)
    memory = memory or store.suggestion_memory()
    if model is None and "learned" in names:
        model = train_model(store)
    counts = dict.fromkeys(names, 0)
    pending: dict[int, list] = {}
    done = 0
    for article_id in article_ids:
        found = suggest_article(store, article_id, names, memory, model, pause)
        pending[article_id] = found
        for suggestion in found:
            counts[suggestion.source] = counts.get(suggestion.source, 0) + 1
        done += 1
        if len(pending) >= batch:
            store.store_suggestions(pending, names)
            pending = {}
            if progress is not None and progress(done) is False:
                return counts
    if pending:
        store.store_suggestions(pending, names)
    if progress is not None:
        progress(done)
    return counts


def suggest_article(
    store: Any,
    article_id: int,
    names: list[str],
    memory: Any,
    model: Any = None,
    pause: Callable[[], None] | None = None,
) -> list:
    """One article's suggestions from the named recommenders, not stored. `pause` is called
    between the steps of the work (a window's thread waits there while the window works)."""
    context = Context(store.known_spans(article_id), memory.actors, memory.tagged, model)
    if pause is not None:
        context = replace(context, pause=pause)
    return run(store.article(article_id), context, names, rejected=store.rejected_keys(article_id))


def check_names(names: Iterable[str] | None) -> list[str]:
    """The recommenders asked for (all when None); ValueError naming any that does not exist."""
    known = registry()
    names = list(known) if names is None else list(names)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"No recommender named {', '.join(unknown)}; known: {', '.join(known)}.")
    return names
