"""The `learned` recommender: claim and framing sentences, from a linear model on hashed n-grams
trained on the project's own spans (scikit-learn, the optional `annotator[assist]` extra).

Nothing is downloaded: the model starts empty and learns only from what the analyst tagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from annotator.core.model import Article
from annotator.core.suggest import Context, Recommender, Suggestion

LABELS = ("claim", "framing")
NONE = "-"
MIN_EXAMPLES = 8
INSTALL_HINT = "The learned recommender needs scikit-learn: pip install 'annotator[assist]'."
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”»“’]?|$)")


def available() -> bool:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges (leading and trailing space left out)."""
    found = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= 10:
            found.append((start, end))
    return found


def target(label: str, attributes: dict[str, Any]) -> str:
    """The class a span teaches: "claim", or "framing|<dimension>"."""
    frame = attributes.get("frame") if label == "framing" else None
    return f"framing|{frame}" if frame else label


def train(examples: Iterable[tuple[str, str]]) -> Any:
    """A model from (sentence, class) pairs (class NONE for untagged sentences), or None when
    scikit-learn is missing or there is too little to learn from."""
    examples = list(examples)
    classes = {cls for _, cls in examples}
    if not available() or len(examples) < MIN_EXAMPLES or len(classes - {NONE}) < 1 or len(classes) < 2:
        return None
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        HashingVectorizer(ngram_range=(1, 2), n_features=2**18, alternate_sign=False, norm="l2"),
        LogisticRegression(max_iter=500, class_weight="balanced"),
    )
    model.fit([text for text, _ in examples], [cls for _, cls in examples])
    return model


def suggest(article: Article, context: Context) -> list[Suggestion]:
    if context.model is None:
        return []
    text = article.text
    ranges = [
        (start, end)
        for start, end in sentences(text)
        if not any(s.start < end and start < s.end and s.label in LABELS for s in context.spans)
    ]
    if not ranges:
        return []
    probabilities = context.model.predict_proba([text[start:end] for start, end in ranges])
    classes = list(context.model.classes_)
    result = []
    for (start, end), row in zip(ranges, probabilities, strict=True):
        best = max(range(len(classes)), key=lambda i: row[i])
        cls = classes[best]
        if cls == NONE or row[best] < 0.5:
            continue
        label, _, frame = cls.partition("|")
        attributes = {"frame": frame} if frame else {}
        result.append(Suggestion(start, end, label, "learned", round(float(row[best]), 3), attributes))
    return result


RECOMMENDER = Recommender("learned", "claim and framing sentences (a model trained on this project)", suggest)
