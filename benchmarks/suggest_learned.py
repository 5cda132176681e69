"""The `learned` recommender against its gold set (benchmarks/suggest_gold/sentences.txt), k-fold
by article: the articles of k-1 folds are stored in a project with their claim and framing spans,
the model is trained from that project as the window trains it (`runner.train_model`), and the
held-out articles are suggested for. Precision and recall per label at two score thresholds, how
often a found framing sentence has the right frame, and the training time.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from annotator.core.model import Article, NewArticle, NewSpan
from annotator.core.store import Store
from annotator.core.suggest import Context, learned
from annotator.core.suggest.runner import train_model
from benchmarks.suggest_gold.gold import SentenceArticle, load_sentences

FOLDS = 5
THRESHOLDS = (0.5, 0.7)


def _spans(article: SentenceArticle) -> tuple[NewSpan, ...]:
    spans = []
    for start, end, cls in article.sentences:
        if cls != learned.NONE:
            label, _, frame = cls.partition("|")
            spans.append(NewSpan(start, end, label, {"frame": frame} if frame else {}))
    return tuple(spans)


def _train(articles: list[SentenceArticle], folder: Path) -> tuple[object, float]:
    with Store.open(folder / "train.annotator", "bench") as store:
        store.add_articles([NewArticle(a.title, a.text, spans=_spans(a)) for a in articles])
        began = time.perf_counter()
        model = train_model(store)
        return model, time.perf_counter() - began


def figures() -> list[str]:
    if not learned.available():
        return [f"learned: not measured. {learned.INSTALL_HINT}"]
    articles = load_sentences()
    for a in articles:
        assert learned.sentences(a.text) == [(s, e) for s, e, _ in a.sentences], a.title
    counts = {t: {label: [0, 0, 0] for label in learned.LABELS} for t in THRESHOLDS}  # found, right, gold
    frames = {t: [0, 0, 0] for t in THRESHOLDS}  # found framing sentences, with a frame, right
    training = []
    for fold in range(FOLDS):
        test = [a for i, a in enumerate(articles) if i % FOLDS == fold]
        train = [a for i, a in enumerate(articles) if i % FOLDS != fold]
        with tempfile.TemporaryDirectory() as folder:
            model, seconds = _train(train, Path(folder))
        training.append(seconds)
        for article in test:
            found = learned.suggest(Article(0, article.title, article.text), Context(model=model))
            gold = {(s, e): cls for s, e, cls in article.sentences if cls != learned.NONE}
            for threshold in THRESHOLDS:
                for label in learned.LABELS:
                    counts[threshold][label][2] += sum(c.partition("|")[0] == label for c in gold.values())
                for s in found:
                    if s.score < threshold:
                        continue
                    tally = counts[threshold][s.label]
                    tally[0] += 1
                    truth = gold.get((s.start, s.end), learned.NONE)
                    if truth.partition("|")[0] == s.label:
                        tally[1] += 1
                        if s.label == "framing":
                            frames[threshold][0] += 1
                            frames[threshold][1] += "frame" in s.attributes
                            frames[threshold][2] += truth == f"framing|{s.attributes.get('frame')}"
    sentences = sum(len(a.sentences) for a in articles)
    languages = sorted({a.language for a in articles})
    lines = [
        f"learned: {len(articles)} articles, {sentences} sentences in {', '.join(languages)}; "
        f"{FOLDS}-fold by article (trained on {FOLDS - 1} folds from a stored project, tested on the "
        f"fifth); training {sum(training) / len(training) * 1000:.0f} ms per fold"
    ]
    for threshold in THRESHOLDS:
        parts = []
        for label in learned.LABELS:
            found, right, gold = counts[threshold][label]
            precision = f"{right / found:.3f}" if found else "  -  "
            parts.append(f"{label} P {precision} R {right / gold:.3f} ({found} suggested, {gold} in gold)")
        found, given, right = frames[threshold]
        lines.append(
            f"  score >= {threshold}: " + "; ".join(parts) + f"; of {found} framing sentences found, "
            f"{given} given a frame, {right} the right one"
        )
    return lines
