"""Reads the hand-written gold set: [[mention|Normalised]] actors and {{Speaker|text}} quotes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
PARTS = ("dev", "heldout")


@dataclass(frozen=True)
class GoldArticle:
    part: str
    language: str
    title: str
    text: str
    actors: tuple[tuple[int, int, str], ...]  # start, end, normalised name
    quotes: tuple[tuple[int, int, str], ...]  # start, end, speaker's normalised name ("?" unknown)


def parse(markup: str) -> tuple[str, list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Plain text plus the actor and quote ranges of one article's markup."""
    text: list[str] = []
    open_marks: list[tuple[str, int, str]] = []  # kind, start, speaker
    actors: list[tuple[int, int, str]] = []
    quotes: list[tuple[int, int, str]] = []
    index = 0
    while index < len(markup):
        two = markup[index : index + 2]
        if two in ("[[", "{{"):
            bar = markup.index("|", index) if two == "{{" else index + 1
            open_marks.append(("actor" if two == "[[" else "quote", len(text), markup[index + 2 : bar]))
            index = bar + 1
        elif two in ("]]", "}}"):
            kind, start, speaker = open_marks.pop()
            mention = "".join(text[start:])
            (actors if kind == "actor" else quotes).append((start, len(text), speaker or mention))
            index += 2
        elif markup[index] == "|" and open_marks and open_marks[-1][0] == "actor":
            close = markup.index("]]", index)
            kind, start, _ = open_marks.pop()
            actors.append((start, len(text), markup[index + 1 : close]))
            index = close + 2
        else:
            text.append(markup[index])
            index += 1
    assert not open_marks, markup[:80]
    return "".join(text), actors, quotes


def _articles(part: str) -> list[GoldArticle]:
    found: list[GoldArticle] = []
    blocks: list[list[str]] = []
    for line in (HERE / f"{part}.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            blocks.append([line[4:]])
        elif line.strip() and not line.startswith("#"):
            blocks[-1].append(line)
    for header, *lines in blocks:
        language, _, title = header.partition(" ")
        text, actors, quotes = parse("\n".join(lines))
        found.append(GoldArticle(part, language, title, text, tuple(actors), tuple(quotes)))
    return found


def load(parts: tuple[str, ...] = PARTS) -> list[GoldArticle]:
    return [article for part in parts for article in _articles(part)]


@dataclass(frozen=True)
class SentenceArticle:
    """An article of the `learned` gold set: its sentences' ranges and classes ("claim",
    "framing|<frame>", or "-" for neither)."""

    language: str
    title: str
    text: str
    sentences: tuple[tuple[int, int, str], ...]


def load_sentences() -> list[SentenceArticle]:
    found: list[SentenceArticle] = []
    blocks: list[list[str]] = []
    for line in (HERE / "sentences.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            blocks.append([line[4:]])
        elif line.strip() and not line.startswith("#"):
            blocks[-1].append(line)
    for header, *lines in blocks:
        language, _, title = header.partition(" ")
        text, ranges = "", []
        for line in lines:
            mark, _, sentence = line.partition("| ")
            cls = "claim" if mark == "C" else f"framing|{mark[2:]}" if mark.startswith("F ") else "-"
            text += " " if text else ""
            ranges.append((len(text), len(text) + len(sentence), cls))
            text += sentence
        found.append(SentenceArticle(language, title, text, tuple(ranges)))
    return found
