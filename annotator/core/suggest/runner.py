"""Runs recommenders over stored articles and keeps their suggestions: the glue between the pure
recommenders and the store (no SQL here, no Qt)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
        for start, end in learned.sentences(text):
            classes = [cls for s, e, cls in tagged if s < end and start < e]
            examples.append((text[start:end], classes[0] if classes else learned.NONE))
    return learned.train(examples)


def suggest_articles(
    store: Any,
    article_ids: Iterable[int],
    names: Iterable[str] | None = None,
    progress: Callable[[int], bool] | None = None,
    memory: Any = None,
    model: Any = None,
    batch: int = BATCH,
) -> dict[str, int]:
    """Compute and store suggestions for these articles; how many each recommender made.

    `progress(done)` is called after every `batch` articles; returning False stops the run (what
    was stored so far stays). `memory` and `model` can be given when the caller keeps them."""
    names = check_names(names)
    memory = memory or store.suggestion_memory()
    if model is None and "learned" in names:
        model = train_model(store)
    counts = dict.fromkeys(names, 0)
    pending: dict[int, list] = {}
    done = 0
    for article_id in article_ids:
        article = store.article(article_id)
        context = Context(store.known_spans(article_id), memory.actors, memory.tagged, model)
        found = run(article, context, names, rejected=store.rejected_keys(article_id))
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


def check_names(names: Iterable[str] | None) -> list[str]:
    """The recommenders asked for (all when None); ValueError naming any that does not exist."""
    known = registry()
    names = list(known) if names is None else list(names)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"No recommender named {', '.join(unknown)}; known: {', '.join(known)}.")
    return names
