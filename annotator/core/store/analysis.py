"""The SQL behind the analysis tables: SQLite groups the spans that count (by label and
attribute values, one pass over an index, no sort) and hands each group's ids over as text for
`tally.py` to count; the spans behind a cell are plain queries.

Each query takes the same `AnalysisFilter`: conditions over the article (status, outlet, date
range) and over the span counted (annotator, label). An article's month is the first seven
characters of a `published` value that starts with YYYY-MM; anything else counts as no date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from annotator.core.model import AnalysisFilter, SpanHit
from annotator.core.scheme import QUOTE_RELATION
from annotator.core.store.base import StorePart

MONTH = (
    "(CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr(a.published, 1, 7) "
    "ELSE '' END)"
)
DIMENSIONS = {"outlet": "a.outlet", "month": MONTH}
HITS_LIMIT = 1000
GROUP_COLUMNS = {"id": "s.id", "article": "s.article_id", "start": "s.start", "end": 's."end"'}
# A code of the co-occurrence table: (label id, None, None) or (label id, attribute, value).
Code = tuple[int, "str | None", "str | None"]
MASK_BITS = 62  # codes per mask word: bit i % 62 of word i // 62
_HIT_SELECT = (
    'SELECT s.id, s.article_id, s.start, s."end", l.name, s.annotator, a.title, '
    'substr(a.text, max(s.start - 59, 1), s."end" - max(s.start - 59, 1) + 61), max(s.start - 60, 0) '
    "FROM spans s JOIN labels l ON l.id = s.label_id JOIN articles a ON a.id = s.article_id "
)


@dataclass(frozen=True)
class Roles:
    """Where the scheme keeps what the tables are about (the default scheme's names). `said_by`
    empty: the relation type of the scheme's rule from the quote label to the actor label."""

    frame_label: str = "framing"
    frame_attribute: str = "frame"
    quote_label: str = "quote"
    quote_kind: str = "kind"
    actor_label: str = "actor"
    actor_name: str = "normalised_name"
    said_by: str = ""


def _article_terms(f: AnalysisFilter) -> tuple[str, list]:
    """Conditions over articles `a`, joined with AND."""
    terms, args = ["1"], []
    if f.statuses:
        terms.append(f"a.status IN ({','.join('?' * len(f.statuses))})")
        args += [str(s) for s in f.statuses]
    if f.outlets:
        terms.append(f"a.outlet IN ({','.join('?' * len(f.outlets))})")
        args += list(f.outlets)
    for bound, operator in ((f.since, ">="), (f.until, "<=")):
        if bound:
            terms.append(
                "a.published GLOB '[0-9][0-9][0-9][0-9]*' AND substr(a.published, 1, length(?)) "
                + operator
                + " ?"
            )
            args += [bound, bound]
    return " AND ".join(terms), args


def _span_terms(f: AnalysisFilter, alias: str = "s") -> tuple[str, list]:
    """Conditions over the spans `s` (or another alias) that count."""
    if not alias.isidentifier():
        raise ValueError(alias)
    terms, args = ["1"], []
    if f.annotators:
        terms.append(alias + f".annotator IN ({','.join('?' * len(f.annotators))})")
        args += list(f.annotators)
    if f.labels:
        terms.append(
            alias + f".label_id IN (SELECT id FROM labels WHERE name IN ({','.join('?' * len(f.labels))}))"
        )
        args += list(f.labels)
    return " AND ".join(terms), args


def _path(attribute: str) -> str:
    """A JSON path naming one key, whatever characters the attribute name has."""
    return '$."' + attribute.replace('"', '\\"') + '"'


def _facets(f: AnalysisFilter, dimension: str = "outlet") -> tuple[str, list]:
    """`fa(id, d)`: the articles that count with their outlet or month, read from the small
    `articles_facets` index rather than the article rows (which hold the text)."""
    dim = DIMENSIONS[dimension]
    article_terms, args = _article_terms(f)
    return f"fa AS MATERIALIZED (SELECT a.id, {dim} AS d FROM articles a WHERE {article_terms})", args


def _code_bits(codes: list[Code], word: int, alias: str, per_article: bool) -> tuple[str, list]:
    """SQL for word `word` of the code mask of a span (`alias`), or of all spans of an article
    (`per_article`, in a GROUP BY article): code i is bit i % MASK_BITS of word i // MASK_BITS.
    A span has one label and one value per attribute, so within a span the bits just add up;
    over an article, a label's bit is a max() and an attribute's value bits a sum(DISTINCT)."""
    if not alias.isidentifier():
        raise ValueError(alias)
    terms, args = [], []
    groups: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for index, (label_id, attribute, value) in enumerate(codes):
        if index // MASK_BITS != word:
            continue
        bit = 1 << (index % MASK_BITS)
        if attribute is None:
            terms.append(
                f"max({alias}.label_id = ?) * {int(bit)}"
                if per_article
                else f"(CASE WHEN {alias}.label_id = ? THEN {int(bit)} ELSE 0 END)"
            )
            args.append(label_id)
        else:
            groups.setdefault((label_id, attribute), []).append((value, bit))
    for (label_id, attribute), values in groups.items():
        whens = " ".join(f"WHEN ? THEN {int(bit)}" for _, bit in values)
        term = (
            f"CASE WHEN {alias}.label_id = ? THEN "
            f"CASE json_extract({alias}.attributes, ?) {whens} ELSE 0 END "
            "ELSE 0 END"
        )
        terms.append(f"sum(DISTINCT {term})" if per_article else f"({term})")
        args += [label_id, _path(attribute), *(value for value, _ in values)]
    return " + ".join(terms) or "0", args


def _hits(rows: list[tuple]) -> list[SpanHit]:
    return [
        SpanHit(span, article, start, end, label, annotator, title, context, start - offset, end - offset)
        for span, article, start, end, label, annotator, title, context, offset in rows
    ]


class AnalysisReads(StorePart):
    """The analysis tables' queries (read-only)."""

    def _known_label_id(self, name: str) -> int:
        """The id of the label `name`, or -1 (which matches no span) if there is none."""
        row = self.conn.execute("SELECT id FROM labels WHERE name = ?", [name]).fetchone()
        return row[0] if row else -1

    def speaker_relation(self, roles: Roles) -> str:
        """The relation type by which a quote names its actor: `roles.said_by` if given, else the
        type of the scheme's rule from the quote label to the actor label (said_by first if there
        are several), else said_by (a project without such a rule)."""
        if roles.said_by:
            return roles.said_by
        row = self.conn.execute(
            "SELECT type FROM relation_rules WHERE source_label = ? AND target_label = ? "
            "ORDER BY type <> ?, type LIMIT 1",
            [
                self._known_label_id(roles.quote_label),
                self._known_label_id(roles.actor_label),
                QUOTE_RELATION,
            ],
        ).fetchone()
        return row[0] if row else QUOTE_RELATION

    # ------------------------------------------------------------------ quotes

    def _quotes_cte(self, f: AnalysisFilter, roles: Roles) -> tuple[str, list]:
        """`q(quote, article_id, outlet, kind, name, key)`: every attributed quote that counts, with
        its actor's normalised name (or, when that is empty, the actor span's own text)."""
        facets, facet_args = _facets(f)
        span_terms, span_args = _span_terms(f)
        sql = (
            f"{facets}, q AS (SELECT quote, article_id, outlet, kind, name, lower(name) AS key FROM ("
            "SELECT s.id AS quote, s.article_id, fa.d AS outlet, json_extract(s.attributes, ?) AS kind, "
            "coalesce(nullif(trim(json_extract(x.attributes, ?)), ''), "
            '(SELECT trim(substr(t.text, x.start + 1, x."end" - x.start)) FROM articles t '
            "WHERE t.id = x.article_id)) AS name "
            "FROM fa JOIN spans s ON s.article_id = fa.id "
            "JOIN relations r ON r.from_span = s.id AND r.type = ? "
            f"JOIN spans x ON x.id = r.to_span AND x.label_id = ? WHERE s.label_id = ? AND {span_terms}))"
        )
        args = [
            *facet_args,
            _path(roles.quote_kind),
            _path(roles.actor_name),
            self.speaker_relation(roles),
            self._known_label_id(roles.actor_label),
            self._known_label_id(roles.quote_label),
            *span_args,
        ]
        return sql, args

    # ------------------------------------------------------------------ groups of ids (see tally.py)
    def article_groups(self, f: AnalysisFilter, dimension: str) -> list[tuple[str, str]]:
        """(outlet or month, its articles' ids) for the articles that count."""
        dim = DIMENSIONS[dimension]
        article_terms, args = _article_terms(f)
        rows = self.conn.execute(
            f"SELECT {dim}, group_concat(a.id) FROM articles a WHERE {article_terms} GROUP BY 1", args
        )
        return rows.fetchall()

    def span_groups(
        self, f: AnalysisFilter, label_ids: list[int], columns: tuple[str, ...], *, filtered: bool = True
    ) -> list[tuple]:
        """(label id, attributes, then one group_concat per column of GROUP_COLUMNS) for each label
        and attribute set among the spans of `label_ids` that count (all of them with `filtered`
        False), in one pass over the spans_codes index (m009), in which each group is one run.
        The article filter is left to the caller."""
        span_terms, span_args = _span_terms(f) if filtered else ("1", [])
        marks = ",".join("?" * len(label_ids))
        lists = ", ".join(f"group_concat({GROUP_COLUMNS[column]})" for column in columns)
        rows = self.conn.execute(
            f"SELECT s.label_id, s.attributes, {lists} FROM spans s INDEXED BY spans_codes "
            f"WHERE s.label_id IN ({marks}) AND {span_terms} GROUP BY s.label_id, s.attributes",
            [*label_ids, *span_args],
        )
        return rows.fetchall()

    def relation_pairs(self, relation_type: str) -> tuple[str, str]:
        """(from spans, to spans) of every relation of a type, as group_concat text."""
        return self.conn.execute(
            "SELECT group_concat(from_span), group_concat(to_span) FROM relations WHERE type = ?",
            [relation_type],
        ).fetchone()

    def span_texts(self, span_ids: list[int]) -> list[tuple[int, str]]:
        """(span id, its text with spaces trimmed) for a list of spans."""
        rows = self.conn.execute(
            'SELECT s.id, trim(substr(a.text, s.start + 1, s."end" - s.start)) FROM spans s '
            "JOIN articles a ON a.id = s.article_id WHERE s.id IN (SELECT value FROM json_each(?))",
            [json.dumps(span_ids)],
        )
        return rows.fetchall()

    # ------------------------------------------------------------------ spans behind a cell

    def hits_by_label(self, f: AnalysisFilter, label: str, dimension: str, value: str) -> list[SpanHit]:
        """The spans counted in one (label, outlet or month) cell."""
        dim = DIMENSIONS[dimension]
        article_terms, article_args = _article_terms(f)
        span_terms, span_args = _span_terms(f)
        rows = self.conn.execute(
            _HIT_SELECT + f"WHERE s.label_id = ? AND {dim} = ? AND {article_terms} AND {span_terms} "
            f"ORDER BY s.article_id, s.start LIMIT {int(HITS_LIMIT)}",
            [self._known_label_id(label), value, *article_args, *span_args],
        )
        return _hits(rows.fetchall())

    def hits_by_attribute(
        self,
        f: AnalysisFilter,
        label: str,
        attribute: str,
        choice: str,
        dimension: str,
        value: str,
    ) -> list[SpanHit]:
        """The spans counted in one (attribute value, outlet or month) cell."""
        dim = DIMENSIONS[dimension]
        article_terms, article_args = _article_terms(f)
        span_terms, span_args = _span_terms(f)
        rows = self.conn.execute(
            _HIT_SELECT + f"WHERE s.label_id = ? AND json_extract(s.attributes, ?) = ? AND {dim} = ? "
            f"AND {article_terms} AND {span_terms} ORDER BY s.article_id, s.start LIMIT {int(HITS_LIMIT)}",
            [self._known_label_id(label), _path(attribute), choice, value, *article_args, *span_args],
        )
        return _hits(rows.fetchall())

    def hits_by_actors(self, f: AnalysisFilter, roles: Roles, names: list[str]) -> list[SpanHit]:
        """The quotes of one actor, or of two actors in the articles quoting both (names as shown)."""
        quotes, args = self._quotes_cte(f, roles)
        lowered = ",".join(["lower(?)"] * len(names))
        rows = self.conn.execute(
            f"WITH {quotes} "
            + _HIT_SELECT
            + f"WHERE s.id IN (SELECT quote FROM q WHERE key IN ({lowered}) AND article_id IN "
            f"(SELECT article_id FROM q WHERE key IN ({lowered}) GROUP BY article_id "
            f"HAVING count(DISTINCT key) = {int(len(set(names)))})) "
            f"ORDER BY s.article_id, s.start LIMIT {int(HITS_LIMIT)}",
            [*args, *names, *names],
        )
        return _hits(rows.fetchall())

    def hits_by_codes(self, f: AnalysisFilter, codes: list[Code], pair: tuple[int, int]) -> list[SpanHit]:
        """The spans of two codes in the articles where both occur."""
        facets, facet_args = _facets(f)
        span_terms, span_args = _span_terms(f)
        chosen = [codes[pair[0]], codes[pair[1]]]
        span_bits, span_bit_args = _code_bits(chosen, 0, "s", per_article=False)
        article_bits, article_bit_args = _code_bits(chosen, 0, "s", per_article=True)
        rows = self.conn.execute(
            f"WITH {facets}, both_codes AS (SELECT s.article_id FROM spans s WHERE s.article_id IN "
            f"(SELECT id FROM fa) AND {span_terms} GROUP BY s.article_id HAVING {article_bits} = 3) "
            + _HIT_SELECT
            + f"WHERE s.article_id IN (SELECT article_id FROM both_codes) AND {span_terms} "
            f"AND {span_bits} > 0 "
            f"ORDER BY s.article_id, s.start LIMIT {int(HITS_LIMIT)}",
            [*facet_args, *span_args, *article_bit_args, *span_args, *span_bit_args],
        )
        return _hits(rows.fetchall())

    def label_examples(self, label: str, limit: int) -> list[SpanHit]:
        """Up to `limit` spans of `label` for the codebook, each from another article (done
        articles first), with a little context."""
        rows = self.conn.execute(
            _HIT_SELECT
            + "WHERE s.id IN (SELECT min(x.id) FROM spans x JOIN articles y ON y.id = x.article_id "
            "WHERE x.label_id = ? GROUP BY x.article_id "
            "ORDER BY y.status = 'done' DESC, x.article_id LIMIT ?) "
            "ORDER BY s.article_id",
            [self._known_label_id(label), limit],
        )
        return _hits(rows.fetchall())

    def outlets(self) -> list[str]:
        """Every outlet named by an article, in order (for the Analysis window's filter)."""
        rows = self.conn.execute("SELECT DISTINCT outlet FROM articles WHERE outlet != '' ORDER BY outlet")
        return [row[0] for row in rows]
