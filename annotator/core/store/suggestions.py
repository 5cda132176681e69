"""The suggestions tables: pending suggestions, kept apart from spans, and rejections.

Suggestions are nobody's annotation: exports, agreement and merges read only `spans`. Accepting
one makes a normal span by the current annotator (and its `said_by` relation); rejecting one
records it so it is not offered again. Both are single transactions, undone by
`restore_suggestions`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from annotator.core.errors import NotFound
from annotator.core.model import Changes, Op, Span, StoredSuggestion
from annotator.core.scheme import rule_to, rules_from
from annotator.core.store import rows
from annotator.core.store.base import StorePart
from annotator.core.store.spans import check_range
from annotator.core.suggest import Known, Suggestion

SUGGESTION_SELECT = (
    'SELECT id, article_id, start, "end", label, attributes, source, score, speaker_span, '
    "speaker_suggestion, created FROM suggestions"
)
SUGGESTION_INSERT = (
    'INSERT OR REPLACE INTO suggestions (id, article_id, start, "end", label, attributes, source, score, '
    "speaker_span, speaker_suggestion, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
REPEAT_MAX_LENGTH = 100  # longer tagged strings (quotes, passages) do not recur word for word


def _suggestion(row: tuple) -> StoredSuggestion:
    return StoredSuggestion(
        row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7], row[8], row[9], row[10]
    )


def _values(s: StoredSuggestion) -> list:
    return [
        s.id or None,
        s.article_id,
        s.start,
        s.end,
        s.label,
        rows.to_json(s.attributes),
        s.source,
        s.score,
        s.speaker_span,
        s.speaker_suggestion,
        s.created,
    ]


@dataclass(frozen=True)
class SuggestionSnapshot:
    """Pending suggestions as they were before an accept or reject, for its undo: the ones it
    removes and the ones that named a removed one as their speaker."""

    removed: tuple[StoredSuggestion, ...]
    linked: tuple[StoredSuggestion, ...]


@dataclass(frozen=True)
class Memory:
    """What the project teaches the recommenders (see `suggest.Context`)."""

    actors: Mapping[str, tuple[str, str]]
    tagged: Mapping[tuple[str, str], tuple[int, int]]


class Suggestions(StorePart):
    """The `suggestions` and `suggestion_rejections` tables."""

    # ------------------------------------------------------------------- reads
    def suggestions(
        self,
        article_id: int | None = None,
        source: Iterable[str] = (),
        min_score: float | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[StoredSuggestion]:
        """Pending suggestions (of one article, some sources, a minimum score, or these ids),
        in text order."""
        where, args = self._suggestion_filter(article_id, source, min_score, ids)
        found = self.conn.execute(
            SUGGESTION_SELECT + where + ' ORDER BY article_id, start, "end" DESC, id', args
        )
        return [_suggestion(row) for row in rows.batches(found)]

    def suggestion(self, suggestion_id: int) -> StoredSuggestion:
        row = self.conn.execute(SUGGESTION_SELECT + " WHERE id = ?", [suggestion_id]).fetchone()
        if row is None:
            raise NotFound(f"Suggestion {suggestion_id}")
        return _suggestion(row)

    def suggestion_counts(self, article_id: int | None = None) -> dict[str, int]:
        """Pending suggestions per source (of one article, or of the project)."""
        where, args = self._suggestion_filter(article_id, (), None, None)
        found = self.conn.execute(f"SELECT source, count(*) FROM suggestions{where} GROUP BY source", args)
        return dict(found.fetchall())

    @staticmethod
    def _suggestion_filter(
        article_id: int | None, source: Iterable[str], min_score: float | None, ids: Iterable[int] | None
    ) -> tuple[str, list]:
        conditions: list[str] = []
        args: list = []
        if article_id is not None:
            conditions.append("article_id = ?")
            args.append(article_id)
        sources = list(source)
        if sources:
            conditions.append(f"source IN ({','.join('?' * len(sources))})")
            args += sources
        if min_score is not None:
            conditions.append("score >= ?")
            args.append(min_score)
        if ids is not None:
            ids = list(ids)
            conditions.append(f"id IN ({','.join('?' * len(ids))})")
            args += ids
        suggestion_where = " WHERE " + " AND ".join(conditions) if conditions else ""
        return suggestion_where, args

    def rejected_keys(self, article_id: int) -> set[tuple[int, int, str]]:
        """(start, end, label) of the article's rejected suggestions."""
        found = self.conn.execute(
            'SELECT start, "end", label FROM suggestion_rejections WHERE article_id = ?', [article_id]
        )
        return {tuple(row) for row in found}

    def known_spans(self, article_id: int) -> tuple[Known, ...]:
        """The article's spans as the recommenders see them."""
        return tuple(Known(s.start, s.end, s.label, s.attributes) for s in self.spans(article_id))

    def suggestion_memory(self, recent: int | None = None) -> Memory:
        """The project's actors (surface text → normalised name, type) and how often each short
        string was tagged with each label against how often it was rejected. `recent` limits it to
        the newest spans: the window rebuilds it as the analyst works, and reading every span of
        a million-span project takes seconds."""
        actors: dict[str, tuple[int, str, str]] = {}  # the oldest span's name wins, as tagged first
        tagged: dict[tuple[str, str], tuple[int, int]] = {}
        found = self.conn.execute(
            'SELECT s.id, s.article_id, s.start, s."end", l.name, s.attributes '
            "FROM (SELECT * FROM spans ORDER BY id DESC LIMIT ?) s JOIN labels l ON l.id = s.label_id "
            'WHERE s."end" - s.start <= ? ORDER BY s.article_id',
            [-1 if recent is None else recent, REPEAT_MAX_LENGTH],
        )
        # Each article's text is read once and sliced here: substr() in SQL reads the whole text
        # again for every span (a 5 MB article with 50,000 spans took a minute).
        article_id, article_text = None, ""
        for span_id, in_article, start, end, label, attributes in rows.batches(found):
            if in_article != article_id:
                article_id = in_article
                article_text = self.conn.execute(
                    "SELECT text FROM articles WHERE id = ?", [article_id]
                ).fetchone()[0]
            text = article_text[start:end]
            accepted, rejected = tagged.get((text, label), (0, 0))
            tagged[(text, label)] = (accepted + 1, rejected)
            if label == "actor" and (text not in actors or span_id < actors[text][0]):
                values = json.loads(attributes)
                name = str(values.get("normalised_name") or text)
                actors[text] = (span_id, name, str(values.get("type") or ""))
        for text, label, count in self.conn.execute(
            "SELECT text, label, count(*) FROM suggestion_rejections GROUP BY text, label"
        ):
            accepted, rejected = tagged.get((text, label), (0, 0))
            tagged[(text, label)] = (accepted, rejected + count)
        return Memory({text: (name, kind) for text, (_, name, kind) in actors.items()}, tagged)

    def learning_count(self) -> int:
        """How many claim and framing spans the project has (the learned recommender is trained
        again as this number moves)."""
        found = self.conn.execute(
            "SELECT count(*) FROM spans s JOIN labels l ON l.id = s.label_id "
            "WHERE l.name IN ('claim', 'framing')"
        )
        return found.fetchone()[0]

    def learning_examples(self) -> list[tuple[int, int, int, str, dict]]:
        """(article id, start, end, label, attributes) of every claim and framing span: what the
        learned recommender is trained on, with the other sentences of the same articles."""
        found = self.conn.execute(
            'SELECT s.article_id, s.start, s."end", l.name, s.attributes FROM spans s '
            "JOIN labels l ON l.id = s.label_id WHERE l.name IN ('claim', 'framing') ORDER BY s.article_id"
        )
        return [(row[0], row[1], row[2], row[3], json.loads(row[4])) for row in rows.batches(found)]

    # ------------------------------------------------------------------ writes
    def store_suggestions(self, batch: Mapping[int, list[Suggestion]], sources: Iterable[str]) -> Changes:
        """Replace the pending suggestions of `sources` in these articles with new ones (a
        recommender run); a suggestion already made a span or rejected is left out, and one
        suggested again keeps its id (an undo step may name it). Not undoable: it changes nobody's
        annotation."""
        sources = list(sources)
        stamp = rows.now()
        ids: set[int] = set()
        marks = ",".join("?" * len(sources))
        with self._write() as conn:
            for article_id, found in batch.items():
                length = self._text_length(article_id)
                fresh = {suggestion.key for suggestion in found}
                stale = [
                    row[0]
                    for row in conn.execute(
                        'SELECT id, start, "end", label FROM suggestions WHERE article_id = ? '
                        f"AND source IN ({marks})",
                        [article_id, *sources],
                    )
                    if tuple(row[1:]) not in fresh
                ]
                ids.update(stale)
                conn.executemany("DELETE FROM suggestions WHERE id = ?", [[i] for i in stale])
                skip = self.rejected_keys(article_id) | {
                    (s.start, s.end, s.label) for s in self.spans(article_id)
                }
                for suggestion in found:
                    check_range(suggestion.start, suggestion.end, length)
                    if suggestion.key in skip:
                        continue
                    skip.add(suggestion.key)
                    cursor = conn.execute(
                        'INSERT OR IGNORE INTO suggestions (article_id, start, "end", label, attributes, '
                        "source, score, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            article_id,
                            suggestion.start,
                            suggestion.end,
                            suggestion.label,
                            rows.to_json(dict(suggestion.attributes)),
                            suggestion.source,
                            suggestion.score,
                            stamp,
                        ],
                    )
                    if cursor.rowcount:
                        ids.add(cursor.lastrowid)
                    if suggestion.speaker:
                        self._link_speaker(conn, article_id, suggestion)
        return Changes(Op.STORE_SUGGESTIONS, articles=frozenset(batch), suggestions=frozenset(ids))

    def _link_speaker(self, conn: sqlite3.Connection, article_id: int, suggestion: Suggestion) -> None:
        start, end = suggestion.speaker
        span = conn.execute(
            "SELECT s.id FROM spans s JOIN labels l ON l.id = s.label_id WHERE s.article_id = ? "
            "AND s.start = ? AND s.\"end\" = ? AND l.name = 'actor' LIMIT 1",
            [article_id, start, end],
        ).fetchone()
        other = conn.execute(
            'SELECT id FROM suggestions WHERE article_id = ? AND start = ? AND "end" = ? AND label = ?',
            [article_id, start, end, "actor"],
        ).fetchone()
        conn.execute(
            "UPDATE suggestions SET speaker_span = ?, speaker_suggestion = ? "
            'WHERE article_id = ? AND start = ? AND "end" = ? AND label = ?',
            [
                span[0] if span else None,
                None if span or other is None else other[0],
                article_id,
                suggestion.start,
                suggestion.end,
                suggestion.label,
            ],
        )

    def suggestion_snapshot(self, ids: Iterable[int], with_speakers: bool = False) -> SuggestionSnapshot:
        """The suggestions an accept (`with_speakers`: their pending speakers too) or a reject of
        `ids` removes, and those linked to them, as they are now."""
        removed = {s.id: s for s in self.suggestions(ids=list(ids))}
        if with_speakers:
            speakers = [s.speaker_suggestion for s in removed.values() if s.speaker_suggestion]
            removed.update((s.id, s) for s in self.suggestions(ids=speakers))
        marks = ",".join("?" * len(removed))
        linked = self.conn.execute(
            SUGGESTION_SELECT + f" WHERE speaker_suggestion IN ({marks})", list(removed)
        ).fetchall()
        return SuggestionSnapshot(
            tuple(removed.values()),
            tuple(_suggestion(row) for row in linked if row[0] not in removed),
        )

    def accept_suggestions(self, ids: Iterable[int], label: str | None = None) -> Changes:
        """Make suggestions spans by the current annotator, with the `said_by` relation to the
        quote's speaker (a pending speaker is accepted with it). A span already there with the
        same range and label is used instead of a second one. `label` accepts the suggestions
        `ids` under another label (the analyst pressed that label's key), without attributes."""
        ids = list(ids)
        pending = self.suggestion_snapshot(ids, with_speakers=True).removed
        if label is not None:
            self.label(label)  # NotFound for a label the scheme lacks
            chosen = set(ids)
            pending = tuple(
                replace(s, label=label, attributes={}) if s.id in chosen and s.label != label else s
                for s in pending
            )
        by_id = {s.id: s for s in pending}
        made: dict[int, int] = {}
        new_spans: set[int] = set()
        relations: set[int] = set()
        stamp = rows.now()
        with self._write() as conn:
            order = sorted(by_id.values(), key=lambda s: s.speaker_suggestion is not None)
            for suggestion in order:
                made[suggestion.id] = self._span_for(conn, suggestion, stamp, new_spans)
                conn.execute(
                    "UPDATE suggestions SET speaker_span = ?, speaker_suggestion = NULL "
                    "WHERE speaker_suggestion = ?",
                    [made[suggestion.id], suggestion.id],
                )
            rules = self.relation_rules()
            for suggestion in order:
                speaker = made.get(suggestion.speaker_suggestion) or suggestion.speaker_span
                found = None if speaker is None else conn.execute(rows.LABEL_OF_SPAN, [speaker]).fetchone()
                # the link the scheme gives the quote's label to the speaker's (said_by by default)
                rule = found and rule_to(found[0], rules_from(suggestion.label, rules))
                if not rule:
                    continue
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO relations (from_span, to_span, type, annotator, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [made[suggestion.id], speaker, rule.type, self.annotator, stamp],
                )
                if cursor.rowcount:
                    relations.add(cursor.lastrowid)
            conn.executemany("DELETE FROM suggestions WHERE id = ?", [[i] for i in by_id])
        return Changes(
            Op.ACCEPT_SUGGESTIONS,
            articles=frozenset(s.article_id for s in pending),
            spans=frozenset(new_spans),
            relations=frozenset(relations),
            suggestions=frozenset(by_id),
        )

    def _span_for(
        self, conn: sqlite3.Connection, suggestion: StoredSuggestion, stamp: str, new: set[int]
    ) -> int:
        label_id = self._label_id(suggestion.label)
        existing = conn.execute(
            'SELECT id FROM spans WHERE article_id = ? AND start = ? AND "end" = ? AND label_id = ? LIMIT 1',
            [suggestion.article_id, suggestion.start, suggestion.end, label_id],
        ).fetchone()
        if existing:
            return existing[0]
        span = Span(
            0,
            suggestion.article_id,
            suggestion.start,
            suggestion.end,
            suggestion.label,
            dict(suggestion.attributes),
            "",
            self.annotator,
            stamp,
            stamp,
        )
        span_id = self._insert_span(conn, span)
        new.add(span_id)
        return span_id

    def reject_suggestions(self, ids: Iterable[int]) -> Changes:
        """Drop suggestions and remember them, so the same range and label is not offered again
        in that article (and `repeat` learns the string is not wanted)."""
        pending = self.suggestions(ids=list(ids))
        stamp = rows.now()
        with self._write() as conn:
            for s in pending:
                text = conn.execute(
                    "SELECT substr(text, ? + 1, ?) FROM articles WHERE id = ?",
                    [s.start, s.end - s.start, s.article_id],
                ).fetchone()[0]
                conn.execute(
                    'INSERT OR REPLACE INTO suggestion_rejections (article_id, start, "end", label, '
                    "text, source, annotator, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [s.article_id, s.start, s.end, s.label, text, s.source, self.annotator, stamp],
                )
                conn.execute("DELETE FROM suggestions WHERE id = ?", [s.id])
        return Changes(
            Op.REJECT_SUGGESTIONS,
            articles=frozenset(s.article_id for s in pending),
            suggestions=frozenset(s.id for s in pending),
        )

    def restore_suggestions(self, snapshot: SuggestionSnapshot, spans: Iterable[int] = ()) -> Changes:
        """Undo an accept or reject: delete the spans it made (their relations go with them),
        forget the rejections of the removed suggestions and put everything back as it was."""
        spans = list(spans)
        with self._write() as conn:
            conn.executemany("DELETE FROM spans WHERE id = ?", [[i] for i in spans])
            for s in snapshot.removed:
                conn.execute(
                    'DELETE FROM suggestion_rejections WHERE article_id = ? AND start = ? AND "end" = ? '
                    "AND label = ?",
                    [s.article_id, s.start, s.end, s.label],
                )
                conn.execute(
                    SUGGESTION_INSERT, _values(replace(s, speaker_span=None, speaker_suggestion=None))
                )
            for s in snapshot.removed + snapshot.linked:
                conn.execute(
                    "UPDATE suggestions SET speaker_span = ?, speaker_suggestion = ? WHERE id = ?",
                    [s.speaker_span, s.speaker_suggestion, s.id],
                )
        return Changes(
            Op.RESTORE_SUGGESTIONS,
            articles=frozenset(s.article_id for s in snapshot.removed),
            spans=frozenset(spans),
            suggestions=frozenset(s.id for s in snapshot.removed),
        )
