"""The `quotes` recommender: direct quotations, their speakers and the `said_by` link.

Pairs quotation marks of every common style (“ ” „ “ « » » « ‹ › " 「 」 『 』 ‘ ’ ‚ ‘ '), follows
a quotation over paragraphs that reopen it, splits a French/Spanish incise ("…, a lancé X. …"), and
keeps only pairs that read as speech: a speech-verb frame after or before them, a colon, an
"according to", or a sentence of their own. Scare quotes and titles stay out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from annotator.core.model import Article
from annotator.core.suggest import Context, Recommender, Suggestion
from annotator.core.suggest.lexicon import (
    ATTRIBUTION_CUES,
    CUE_AFTER_NAME,
    JA_TITLES,
    JA_VERBS,
    PRONOUNS,
    SPEECH_VERBS,
    TITLE_CUES,
)
from annotator.core.suggest.text import Name, People, Token, canonical, names, sentence_bounds, tokens

SPACE = " \t\u00a0\u202f\u2009"
CLOSERS = {
    "„": "“”",
    "“": "”",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
    "「": "」",
    "『": "』",
    '"': '"',
    "‘": "’",
    "‚": "‘’",
    "'": "'",
}
MARKS = re.compile("[\n" + re.escape("".join(set(CLOSERS) | set("".join(CLOSERS.values())))) + "]")
THAT = frozenset("that que dass что".split())


@dataclass(frozen=True)
class Pair:
    """An opening mark at `open` and its closing mark at `close` (content between them)."""

    open: int
    close: int


def pairs(text: str) -> list[Pair]:
    """Outermost matched quotation marks; a quotation left open at a paragraph's end continues
    when the next paragraph starts with the same mark (the news style for long quotes)."""
    stack: list[tuple[str, int]] = []
    found: list[Pair] = []
    skip = -1
    for mark in MARKS.finditer(text):
        index, char = mark.start(), mark.group()
        if index == skip:
            continue
        if char == "\n":
            if stack:
                follower = len(text) - len(text[index + 1 :].lstrip(SPACE))
                if follower < len(text) and text[follower] == stack[0][0]:
                    del stack[1:]
                    skip = follower
                else:
                    stack.clear()
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in "’'" and before.isalnum() and after.isalnum():
            continue  # an apostrophe inside a word
        opener = next((i for i in range(len(stack) - 1, -1, -1) if char in CLOSERS[stack[i][0]]), None)
        if opener is not None and not (char in "’'‘" and before in SPACE):
            start = stack[opener][1]
            del stack[opener:]
            found.append(Pair(start, index))
            continue
        if char in CLOSERS and not (char in "’'‘" and not (before in SPACE or before in "([—–-\n")):
            stack.append((char, index))
    found.sort(key=lambda p: (p.open, -p.close))
    outer: list[Pair] = []
    for pair in found:
        if outer and pair.open < outer[-1].close:
            continue
        outer.append(pair)
    return outer


def _parts(token: Token) -> list[str]:
    return token.lower.split("-")


def _is_verb(token: Token) -> bool:
    return any(part in SPEECH_VERBS for part in _parts(token))


def _is_pronoun(token: Token) -> bool:
    return any(part in PRONOUNS for part in _parts(token))


@dataclass(frozen=True)
class Frame:
    """How a quotation is introduced: its score and who speaks (a name, or a pronoun to resolve)."""

    score: float
    speaker: Name | None = None
    pronoun: bool = False


def _subject(text: str, window: tuple[int, int], verb: Token, people: People) -> tuple[Name | None, bool]:
    """Who the speech verb belongs to: a name or pronoun right before it ("Lavrov told", "he
    said"), else a pronoun or name right after it ("said Lavrov", "dit-il", "добавила она"), a
    person's name preferred to an office ("aseguró el ministro de Economía, Carlos Cuerpo")."""
    start, end = window
    if _is_pronoun(verb):
        return None, True
    words = tokens(text, start, verb.start)
    before = names(text, start, verb.start)
    last_word = words[-1] if words else None
    if before and last_word and before[-1].end >= last_word.end:
        return before[-1], False
    if last_word is not None and _is_pronoun(last_word):
        return None, True
    after_words = tokens(text, verb.end, end)[:3]
    following = names(text, verb.end, end)[:2]
    pronoun = next((w for w in after_words if _is_pronoun(w)), None)
    if pronoun and (not following or pronoun.start < following[0].start):
        return None, True
    if following:
        return next((n for n in following if n in people), following[0]), False
    if before:
        return before[-1], False
    return None, False


def _after_frame(text: str, close: int, people: People) -> Frame | None:
    """ ", he said." / "," Lavrov told…" / "», — сказал Лавров." / "」と述べた"."""
    rest = text[close + 1 : close + 200]
    lead = re.match(r"[\s\u00a0\u202f]*([,—–]|-\s)?", rest)
    punct = bool(lead and lead.group(1)) or text[close - 1 : close] in (",", "?", "!")
    if rest.startswith("と") and any(rest[1:].startswith(verb) for verb in JA_VERBS):
        return Frame(0.95)
    _, end = sentence_bounds(text, close + 1)
    words = tokens(text, close + 1, end)[:7]
    if not words or not (punct or _is_pronoun(words[0]) or _is_verb(words[0])):
        return None
    verb = next((w for w in words if _is_verb(w)), None)
    if verb is None:
        return None
    speaker, pronoun = _subject(text, (close + 1, end), verb, people)
    return Frame(0.95, speaker, pronoun)


def _cue(words: list[Token]) -> int | None:
    """Index of the word after an attribution cue ("according to", "selon"), if any."""
    lowered = [w.lower for w in words]
    for cue in ATTRIBUTION_CUES:
        for index in range(len(lowered) - len(cue) + 1):
            if tuple(lowered[index : index + len(cue)]) == cue:
                return index + len(cue)
    return None


def _before_frame(text: str, open_: int, length: int, people: People) -> Frame | None:
    """ "X said: “…" / "According to X, “…" / "X zufolge ist „…" / "X は「…"."""
    start, _ = sentence_bounds(text, open_)
    before = text[start:open_]
    words = tokens(text, start, open_)
    ja = re.search(r"([\u3040-\u30ff\u3400-\u9fff]+)は[^「」。]*$", before)
    if ja:
        topic = ja.group(1).split("の")[-1]
        for title in JA_TITLES:
            if topic.endswith(title) and len(topic) > len(title):
                topic = topic[: -len(title)]
        begin = start + ja.start(1) + ja.group(1).rfind(topic)
        return Frame(0.9, Name(begin, begin + len(topic), (topic,)))
    cue = _cue(words)
    if cue is not None and length >= 3:
        after_cue = names(text, words[cue].start, open_) if cue < len(words) else []
        return Frame(0.9, after_cue[0] if after_cue else None)
    for word in words:
        if word.lower in CUE_AFTER_NAME and length >= 3:
            previous = names(text, start, word.start)
            return Frame(0.9, previous[-1] if previous else None)
    verbs = [w for w in words if _is_verb(w) and w.lower not in {"so", "asked"}]
    ends_verb = bool(words) and (
        _is_verb(words[-1]) or (words[-1].lower in THAT and len(words) > 1 and _is_verb(words[-2]))
    )
    if before.rstrip(SPACE).endswith(":") or (verbs and ends_verb):
        if verbs:
            speaker, pronoun = _subject(text, (start, open_), verbs[-1], people)
            return Frame(0.9, speaker, pronoun)
        return Frame(0.85)
    return None


def _title(text: str, pair: Pair, content: str) -> bool:
    """A title or a name in quotation marks: after "titled", "the film", "so-called"…, or in
    Title Case without the punctuation speech carries ("Tight Margins, Hard Choices")."""
    words = tokens(text, max(0, pair.open - 40), pair.open)
    if words and (words[-1].lower in TITLE_CUES or words[-1].lower.endswith("so-called")):
        return True
    inner = tokens(content)
    title_case = bool(inner) and all(w.capitalised or len(w.text) <= 3 for w in inner)
    return title_case and text[pair.close - 1 : pair.close] not in (",", ".", "!", "?")


def _standalone(text: str, pair: Pair, content: str) -> bool:
    """A quotation that is a sentence of its own."""
    start, _ = sentence_bounds(text, pair.open)
    if text[start : pair.open].strip(SPACE + "\"“”«»„'’‘") != "":
        return False
    return len(tokens(content)) >= 2 or content.rstrip().endswith(("!", "?", "."))


def _content(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in SPACE + "\n":
        start += 1
    while end > start and text[end - 1] in SPACE + ",\n":
        end -= 1
    return start, end


_INCISE = re.compile(r",[\s\u00a0]+(?:(?:a|ha|hat)\s+)?(\w+(?:-\w+)*)")


def _incise(text: str, start: int, end: int) -> tuple[tuple[int, int], Token, tuple[int, int]] | None:
    """ "Nous devons agir, a lancé Macron à Bruxelles. Nous ne pouvons…": the two quoted parts
    and the verb of the attribution between them."""
    for match in _INCISE.finditer(text, start, end):
        word = Token(match.start(1), match.end(1), match.group(1))
        if not _is_verb(word):
            continue
        stop = re.compile(r"[.,;](?=[\s\u00a0])").search(text, word.end, end)
        if stop is None:
            return None
        second = _content(text, stop.end(), end)
        if second[1] - second[0] < 2:
            return None
        return (start, match.start()), word, second
    return None


@dataclass
class _Quote:
    start: int
    end: int
    open: int
    score: float
    frame: Frame | None


def find_quotes(text: str, people: People) -> list[_Quote]:
    """The quotations of `text` with the frame that makes each one speech."""
    found: list[_Quote] = []
    for pair in pairs(text):
        start, end = _content(text, pair.open + 1, pair.close)
        if end <= start:
            continue
        content = text[start:end]
        if _title(text, pair, content):
            continue
        length = len(tokens(content))
        continued = "\n" in content
        after = _after_frame(text, pair.close, people)
        before = _before_frame(text, pair.open, length, people)
        frame = after or before
        if after and after.speaker is None and not after.pronoun and before:
            frame = Frame(after.score, before.speaker, before.pronoun)
        if frame:
            score = frame.score
        elif continued or _standalone(text, pair, content):
            score = 0.9 if continued else 0.75
        else:
            continue
        incise = _incise(text, start, end)
        if incise:
            first, verb, second = incise
            inner = Frame(0.9, *_subject(text, (verb.start, second[0]), verb, people))
            found.append(_Quote(first[0], first[1], pair.open, score, inner))
            found.append(_Quote(second[0], second[1], second[0], score, inner))
        else:
            found.append(_Quote(start, end, pair.open, score, frame))
    return found


def _inside(position: int, quotes: list[_Quote]) -> bool:
    """Whether `position` lies in one of the quotations (in text order, none overlapping)."""
    index = bisect_right(quotes, position, key=lambda q: q.start) - 1
    return index >= 0 and position < quotes[index].end


def _antecedent(text: str, position: int, quotes: list[_Quote], people: People) -> Name | None:
    """The nearest person named before `position` outside quotations (for "he said",
    "añadió"), else the nearest name."""
    window = max(0, position - 1500)
    candidates = [n for n in names(text, window, position) if not _inside(n.start, quotes)]
    persons = [n for n in candidates if n in people]
    return (persons or candidates or [None])[-1]


def _previous_speaker(text: str, quote: _Quote, people: People) -> Name | None:
    """For a quotation without a frame: the subject of a speech verb in the sentence before."""
    start, _ = sentence_bounds(text, quote.open)
    if start == 0:
        return None
    previous_start, _ = sentence_bounds(text, start - 1)
    words = tokens(text, previous_start, start)
    verb = next((w for w in words if _is_verb(w)), None)
    if verb is None:
        return None
    speaker, _ = _subject(text, (previous_start, start), verb, people)
    return speaker


def suggest(article: Article, context: Context) -> list[Suggestion]:
    text = article.text
    people = People([n.words for n in names(text)])
    quotes = find_quotes(text, people)
    known = [s for s in context.spans if s.label == "actor"]
    result: list[Suggestion] = []
    speakers: list[Name | None] = []
    for index, quote in enumerate(quotes):
        context.pause()
        frame = quote.frame
        speaker = frame.speaker if frame else None
        if frame and (frame.pronoun or not speaker):
            speaker = _antecedent(text, quote.open, quotes, people)
        elif frame is None:
            near = index > 0 and text.count("\n", quotes[index - 1].end, quote.open) <= 1
            speaker = (speakers[-1] if near else None) or _previous_speaker(text, quote, people)
            speaker = speaker or _antecedent(text, quote.open, quotes, people)
        speakers.append(speaker)
        speaker_range = None
        if speaker is not None:
            tagged = next((s for s in known if s.start < speaker.end and speaker.start < s.end), None)
            if tagged:
                speaker_range = (tagged.start, tagged.end)
            else:
                speaker_range = (speaker.start, speaker.end)
                full = " ".join(canonical(speaker.words, people.ending_like(speaker.words)))
                score = round(quote.score * 0.9, 3)
                result.append(
                    Suggestion(
                        speaker.start, speaker.end, "actor", "quotes", score, {"normalised_name": full}
                    )
                )
        result.append(
            Suggestion(
                quote.start, quote.end, "quote", "quotes", quote.score, {"kind": "direct"}, speaker_range
            )
        )
    return _unique(result)


def _unique(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen: set[tuple[int, int, str]] = set()
    result = []
    for suggestion in suggestions:
        if suggestion.key not in seen:
            seen.add(suggestion.key)
            result.append(suggestion)
    return result


RECOMMENDER = Recommender("quotes", "direct quotations, their speakers (actor) and said_by", suggest)
