"""Suggestions against a hand-written gold set (benchmarks/suggest_gold), and their speed.

Prints, per part of the gold set (dev: written before the rules; heldout: written after them,
never tuned against) and for both together: precision and recall of the `quotes` recommender
(exact ranges and overlapping ranges), speaker accuracy, precision and recall of the `actors`
and `repeat` recommenders, and the time per article and per 1,000 articles; then the `learned`
recommender's precision and recall, k-fold on its own gold set of claim and framing sentences
(benchmarks/suggest_learned.py; needs scikit-learn, the `assist` extra).

With --gestures it also counts the key presses and clicks it takes to code the gold set fully in
the real window without and with suggestions, and times opening an article with its suggestions
(benchmarks/suggest_gestures.py; offscreen Qt).

    PYTHONPATH=. python benchmarks/suggest.py [--show-errors] [--gestures]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.model import Article  # noqa: E402
from annotator.core.suggest import Context, Known, actors, quotes, repeat, run  # noqa: E402
from benchmarks import suggest_learned  # noqa: E402
from benchmarks.suggest_gold.gold import PARTS, GoldArticle, load  # noqa: E402

GOALS = "goals: quotes P,R >= 0.95; speaker accuracy >= 0.9; actors P,R >= 0.85"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class Score:
    def __init__(self) -> None:
        self.predicted = self.gold = self.exact_tp = self.overlap_tp_p = self.overlap_tp_r = 0

    def add(self, predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> None:
        self.predicted += len(predicted)
        self.gold += len(gold)
        self.exact_tp += len(set(predicted) & set(gold))
        self.overlap_tp_p += sum(any(overlaps(p, g) for g in gold) for p in predicted)
        self.overlap_tp_r += sum(any(overlaps(p, g) for p in predicted) for g in gold)

    def line(self, name: str) -> str:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:.3f}" if b else "  -  "

        return (
            f"  {name:<8} exact P {ratio(self.exact_tp, self.predicted)} R {ratio(self.exact_tp, self.gold)}"
            f"   overlap P {ratio(self.overlap_tp_p, self.predicted)} R {ratio(self.overlap_tp_r, self.gold)}"
            f"   ({self.predicted} suggested, {self.gold} in gold)"
        )


def seeds(article: GoldArticle) -> tuple[list[Known], list[tuple[int, int, str]]]:
    """What the analyst has tagged before the `actors` recommender runs: the first mention of each
    actor in the article. The rest are what it should find."""
    seen: set[str] = set()
    tagged: list[Known] = []
    targets: list[tuple[int, int, str]] = []
    for start, end, name in sorted(article.actors):
        if name in seen:
            targets.append((start, end, name))
        else:
            seen.add(name)
            tagged.append(Known(start, end, "actor", {"normalised_name": name}))
    return tagged, targets


def project_actors(articles: list[GoldArticle], but: GoldArticle) -> dict[str, tuple[str, str]]:
    """Actors tagged in the rest of the project: surface text → (normalised name, type)."""
    return {
        other.text[s:e]: (name, "") for other in articles if other is not but for s, e, name in other.actors
    }


def evaluate(articles: list[GoldArticle], everything: list[GoldArticle], show: bool) -> list[str]:
    quote_score, actor_score, repeat_score = Score(), Score(), Score()
    speakers_right = speakers_total = names_right = names_total = 0
    errors: list[str] = []
    for gold in articles:
        article = Article(0, gold.title, gold.text)
        found = quotes.suggest(article, Context())
        predicted = [s for s in found if s.label == "quote"]
        actor_at = {(s.start, s.end): s for s in found if s.label == "actor"}
        quote_score.add([(s.start, s.end) for s in predicted], [(s, e) for s, e, _ in gold.quotes])
        for start, end, speaker in gold.quotes:
            match = next((p for p in predicted if overlaps((p.start, p.end), (start, end))), None)
            if speaker == "?" or match is None:
                if match is None:
                    errors.append(f"missed quote {gold.text[start:end][:60]!r}")
                continue
            speakers_total += 1
            said = _speaker_name(gold, match, actor_at)
            if said.casefold() == speaker.casefold():
                speakers_right += 1
            else:
                errors.append(f"speaker {said!r} instead of {speaker!r}: {gold.text[start:end][:50]!r}")
        for p in predicted:
            if not any(overlaps((p.start, p.end), (s, e)) for s, e, _ in gold.quotes):
                errors.append(f"not a quote: {gold.text[p.start : p.end][:60]!r}")

        tagged, targets = seeds(gold)
        context = Context(spans=tuple(tagged), actors=project_actors(everything, gold))
        mentions = actors.suggest(article, context)
        actor_score.add([(s.start, s.end) for s in mentions], [(s, e) for s, e, _ in targets])
        for s in mentions:
            gold_name = next((n for a, b, n in targets if overlaps((a, b), (s.start, s.end))), None)
            if gold_name is None:
                errors.append(f"not an actor: {gold.text[s.start : s.end]!r} in {gold.title}")
                continue
            names_total += 1
            names_right += s.attributes.get("normalised_name") == gold_name
        for a, b, n in targets:
            if not any(overlaps((a, b), (s.start, s.end)) for s in mentions):
                errors.append(f"missed actor {gold.text[a:b]!r} ({n}) in {gold.title}")

        memory = {(gold.text[k.start : k.end], "actor"): (1, 0) for k in tagged}
        for other in everything:
            if other is not gold:
                for s, e, _ in other.actors:
                    memory[(other.text[s:e], "actor")] = (1, 0)
        repeats = repeat.suggest(article, Context(spans=tuple(tagged), tagged=memory))
        repeat_score.add([(s.start, s.end) for s in repeats], [(s, e) for s, e, _ in targets])

    lines = [
        quote_score.line("quotes"),
        f"  speaker accuracy {speakers_right / max(speakers_total, 1):.3f} "
        f"({speakers_right} of {speakers_total} matched quotes with a named speaker)",
        actor_score.line("actors"),
        f"  actors' normalised_name right {names_right} of {names_total}",
        repeat_score.line("repeat"),
    ]
    if show:
        lines += ["  errors:"] + [f"    {e}" for e in errors]
    return lines


def _speaker_name(gold: GoldArticle, quote, actor_at) -> str:
    if quote.speaker is None:
        return "(none)"
    for start, end, name in gold.actors:
        if overlaps((start, end), quote.speaker):
            return name
    suggestion = actor_at.get(quote.speaker)
    if suggestion is not None:
        return str(suggestion.attributes.get("normalised_name", ""))
    return gold.text[quote.speaker[0] : quote.speaker[1]]


def timing(everything: list[GoldArticle]) -> list[str]:
    corpus = [Article(i, g.title, g.text) for i, g in enumerate(everything)]
    contexts = []
    for gold in everything:
        tagged, _ = seeds(gold)
        contexts.append(Context(spans=tuple(tagged), actors=project_actors(everything, gold)))
    count = 1000
    began = time.perf_counter()
    for index in range(count):
        run(corpus[index % len(corpus)], contexts[index % len(corpus)], ["quotes", "actors", "repeat"])
    elapsed = time.perf_counter() - began
    began = time.perf_counter()
    for index in range(count):
        re.findall(r"\w+", corpus[index % len(corpus)].text)
    reference = time.perf_counter() - began
    size = sum(len(a.text) for a in corpus) / len(corpus)
    return [
        f"time: quotes+actors+repeat {elapsed / count * 1000:.2f} ms per article "
        f"(mean {size:.0f} characters), {elapsed:.2f} s per 1,000 articles",
        f"  same-run reference: splitting the same 1,000 articles into words {reference:.3f} s",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--part", choices=PARTS, action="append")
    parser.add_argument("--gestures", action="store_true", help="also count gestures in the window")
    args = parser.parse_args()
    everything = load()
    print(
        f"gold set: {len(everything)} articles, "
        f"{sum(g.text.count(chr(10)) + 1 for g in everything)} paragraphs, "
        f"{sum(len(g.quotes) for g in everything)} quotes, {sum(len(g.actors) for g in everything)} "
        f"actor mentions; {GOALS}"
    )
    for part in args.part or PARTS:
        chosen = [g for g in everything if g.part == part]
        print(f"{part}: {len(chosen)} articles, {sum(g.text.count(chr(10)) + 1 for g in chosen)} paragraphs")
        print("\n".join(evaluate(chosen, everything, args.show_errors)))
    if not args.part:
        print("all:")
        print("\n".join(evaluate(everything, everything, False)))
        print("\n".join(timing(everything)))
        print("\n".join(suggest_learned.figures()))
    if args.gestures:
        from benchmarks import suggest_gestures

        print("\n".join(suggest_gestures.count(everything)))
        print("\n".join(suggest_gestures.open_times(everything)))


if __name__ == "__main__":
    main()
