"""The `learned` recommender: claim and framing sentences (with their frame), from linear models
on hashed character n-grams trained on the project's own spans (scikit-learn, the optional
`annotator[assist]` extra).

Nothing is downloaded: the model starts empty and learns only from what the analyst tagged.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.core.model import Article
from annotator.core.suggest import Context, Recommender, Suggestion

LABELS = ("claim", "framing")
NONE = "-"
MIN_EXAMPLES = 8  # tagged sentences before a model is trained
MIN_SCORE = 0.5
FRAME_MIN_SCORE = 0.7  # a frame is given only when the model is this sure of it
INSTALL_HINT = "The learned recommender needs scikit-learn: pip install 'annotator[assist]'."
# A sentence ends at . ! ? … before a space or the end (not inside "5.2" or "e.g.x"), or at a line end.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”»“’']?(?=\s|$)|\n")


def available() -> bool:
    """scikit-learn is installed: looked up, not imported (importing it takes seconds, and the
    window asks on its own thread)."""
    if "sklearn" in sys.modules:
        return sys.modules["sklearn"] is not None
    return importlib.util.find_spec("sklearn") is not None


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges (leading and trailing space left out)."""
    found = []
    bounds = [0, *(match.end() for match in _SENTENCE_END.finditer(text)), len(text)]
    for start, end in zip(bounds, bounds[1:], strict=False):
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


@dataclass(frozen=True)
class Model:
    """Two classifiers: a sentence's label (claim, framing or neither), and a framing sentence's
    frame (None until two frames have examples). `examples`: the tagged sentences it learned from."""

    labels: Any
    frames: Any
    examples: int


def _classifier() -> Any:
    """Character n-grams within words (they carry over inflections and the numbers of claims)
    hashed into a fixed space, and a linear model fitted by stochastic gradient descent (a
    second on a project's worth of sentences, where an exact solver took minutes)."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**18, alternate_sign=False),
        SGDClassifier(
            loss="log_loss", alpha=1e-4, class_weight="balanced", max_iter=50, tol=None, random_state=0
        ),
    )


def train(examples: Iterable[tuple[str, str]]) -> Model | None:
    """A model from (sentence, class) pairs, the class being `target`'s or NONE for an untagged
    sentence; None when scikit-learn is missing or there is too little to learn from."""
    examples = list(examples)
    classes = [cls.partition("|")[0] for _, cls in examples]
    tagged = sum(cls != NONE for cls in classes)
    if not available() or tagged < MIN_EXAMPLES or len(set(classes)) < 2:
        return None
    labels = _classifier().fit([text for text, _ in examples], classes)
    framed = [(text, cls.partition("|")[2]) for text, cls in examples if cls.partition("|")[2]]
    frames = None
    if len({frame for _, frame in framed}) >= 2:
        frames = _classifier().fit([text for text, _ in framed], [frame for _, frame in framed])
    return Model(labels, frames, tagged)


def suggest(article: Article, context: Context) -> list[Suggestion]:
    model = context.model
    if model is None:
        return []
    text = article.text
    ranges = [
        (start, end)
        for start, end in sentences(text)
        if not any(s.start < end and start < s.end and s.label in LABELS for s in context.spans)
    ]
    if not ranges:
        return []
    probabilities = model.labels.predict_proba([text[start:end] for start, end in ranges])
    classes = list(model.labels.classes_)
    result = []
    for (start, end), row in zip(ranges, probabilities, strict=True):
        best = max(range(len(classes)), key=lambda i: row[i])
        if classes[best] == NONE or row[best] < MIN_SCORE:
            continue
        attributes = {}
        if classes[best] == "framing" and model.frames is not None:
            frame_row = model.frames.predict_proba([text[start:end]])[0]
            chosen = max(range(len(frame_row)), key=lambda i: frame_row[i])
            if frame_row[chosen] >= FRAME_MIN_SCORE:  # a doubtful frame is left for the analyst
                attributes["frame"] = str(model.frames.classes_[chosen])
        result.append(
            Suggestion(start, end, classes[best], "learned", round(float(row[best]), 3), attributes)
        )
    return result


RECOMMENDER = Recommender("learned", "claim and framing sentences (a model trained on this project)", suggest)
