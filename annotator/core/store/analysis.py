"""The SQL behind the analysis tables: SQLite aggregates, Python only shapes the few result rows.

Each query takes the same `AnalysisFilter`: conditions over the article (status, outlet, date
range) and over the span counted (annotator, label). An article's month is the first seven
characters of a `published` value that starts with YYYY-MM; anything else counts as no date.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import AnalysisFilter, SpanHit
from annotator.core.store.base import StorePart

MONTH = (
    "(CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr(a.published, 1, 7) "
    "ELSE '' END)"
)
DIMENSIONS = {"outlet": "a.outlet", "month": MONTH}
HITS_LIMIT = 1000
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
    """Where the scheme keeps what the tables are about (the default scheme's names)."""

    frame_label: str = "framing"
    frame_attribute: str = "frame"
    quote_label: str = "quote"
    quote_kind: str = "kind"
    actor_label: str = "actor"
    actor_name: str = "normalised_name"
    said_by: str = "said_by"


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


def _sums(count: int) -> str:
    """For per-article columns c0…: their sums and the number of articles where each is > 0."""
    return ", ".join(f"sum(p.c{int(i)}), sum(p.c{int(i)} > 0)" for i in range(count)) or "0"


def _pivot(rows: list[tuple], count: int) -> list[tuple[str, int, list[int], list[int]]]:
    return [
        (
            d,
            articles,
            [values[2 * i] or 0 for i in range(count)],
            [values[2 * i + 1] or 0 for i in range(count)],
        )
        for d, articles, *values in rows
    ]


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


def _words(codes: list[Code]) -> int:
    return max(1, -(-len(codes) // MASK_BITS))


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

    # ------------------------------------------------------------------ counts
    def counts_per_label(
        self, f: AnalysisFilter, dimension: str, label_ids: list[int]
    ) -> list[tuple[str, int, list[int], list[int]]]:
        """Per outlet or month: (value, articles, spans of each label, articles with each label).
        Spans are summed per article first, in the order of the (article, start…) index, so SQLite
        never sorts the spans themselves."""
        span_terms, span_args = _span_terms(f)
        columns = ", ".join(f"sum(s.label_id = ?) AS c{int(i)}" for i in range(len(label_ids))) or "0"
        per_article = f"SELECT s.article_id, {columns} FROM spans s WHERE {span_terms} GROUP BY s.article_id"
        return self._per_article_counts(f, dimension, per_article, [*label_ids, *span_args], len(label_ids))

    def counts_per_value(
        self, f: AnalysisFilter, dimension: str, label: str, attribute: str, values: list[str]
    ) -> list[tuple[str, int, list[int], list[int]]]:
        """Per outlet or month: (value, articles, spans with each attribute value, articles with
        each). Values outside `values` (the scheme's choices) are left out."""
        dim = DIMENSIONS[dimension]
        article_terms, article_args = _article_terms(f)
        span_terms, span_args = _span_terms(f)
        rows = self.conn.execute(
            f"SELECT {dim}, p.v, sum(p.n), count(*) FROM (SELECT s.article_id, "
            "json_extract(s.attributes, ?) AS v, count(*) AS n FROM spans s "
            f"WHERE s.label_id = ? AND {span_terms} GROUP BY 1, 2) p "
            f"JOIN articles a ON a.id = p.article_id WHERE {article_terms} GROUP BY 1, 2",
            [_path(attribute), self._known_label_id(label), *span_args, *article_args],
        )
        position = {value: i for i, value in enumerate(values)}
        found: dict[str, list[int]] = {}
        for d, value, spans, articles in rows:
            if value in position:
                cells = found.setdefault(d, [0] * 2 * len(values))
                cells[2 * position[value]], cells[2 * position[value] + 1] = spans, articles
        totals = self._totals(f, dim)
        return _pivot([(d, total, *found.get(d, [0] * 2 * len(values))) for d, total in totals], len(values))

    def _totals(self, f: AnalysisFilter, dim: str) -> list[tuple[str, int]]:
        """Articles passing the filter per outlet or month, from the small facets index."""
        article_terms, article_args = _article_terms(f)
        return self.conn.execute(
            f"SELECT {dim}, count(*) FROM articles a WHERE {article_terms} GROUP BY 1", article_args
        ).fetchall()

    def _per_article_counts(
        self, f: AnalysisFilter, dimension: str, per_article: str, args: list, count: int
    ) -> list[tuple[str, int, list[int], list[int]]]:
        """Sum the columns c0… of `per_article` (one row per article) per outlet or month. The
        articles are looked up by id (not a join a planner might run as a scan per row), and their
        totals are read apart, from the small facets index."""
        dim = DIMENSIONS[dimension]
        article_terms, article_args = _article_terms(f)
        sums = _sums(count)
        rows = self.conn.execute(
            f"SELECT {dim}, {sums} FROM ({per_article}) p JOIN articles a ON a.id = p.article_id "
            f"WHERE {article_terms} GROUP BY 1",
            [*args, *article_args],
        )
        found = {d: values for d, *values in rows}
        return _pivot(
            [(d, total, *found.get(d, [0] * 2 * count)) for d, total in self._totals(f, dim)], count
        )

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
            roles.said_by,
            self._known_label_id(roles.actor_label),
            self._known_label_id(roles.quote_label),
            *span_args,
        ]
        return sql, args

    def quotes_per_actor(
        self, f: AnalysisFilter, roles: Roles
    ) -> list[tuple[str, str, str, int, int, int, int]]:
        """(key, name, outlet, quotes, direct, indirect, articles) per actor and outlet."""
        quotes, args = self._quotes_cte(f, roles)
        rows = self.conn.execute(
            f"WITH {quotes} SELECT key, min(name), outlet, count(*), sum(kind = 'direct'), "
            "sum(kind = 'indirect'), count(DISTINCT article_id) FROM q GROUP BY key, outlet",
            args,
        )
        return rows.fetchall()

    def actors_quoted_together(self, f: AnalysisFilter, roles: Roles) -> list[tuple[str, str, str, str, int]]:
        """(key, name, other key, other name, articles) for actors quoted in the same articles."""
        quotes, args = self._quotes_cte(f, roles)
        rows = self.conn.execute(
            f"WITH {quotes}, names AS (SELECT key, min(name) AS name FROM q GROUP BY key), "
            "present AS (SELECT DISTINCT article_id, key FROM q) "
            "SELECT x.key, nx.name, y.key, ny.name, count(*) FROM present x "
            "JOIN present y ON y.article_id = x.article_id AND y.key > x.key "
            "JOIN names nx ON nx.key = x.key JOIN names ny ON ny.key = y.key GROUP BY x.key, y.key",
            args,
        )
        return rows.fetchall()

    # ------------------------------------------------------------------ co-occurrence
    def code_sets(self, f: AnalysisFilter, codes: list[Code]) -> list[tuple]:
        """(mask word…, articles): how many articles carry exactly each set of codes (see
        `_code_bits`). One pass over the spans in article order, no sort of the spans."""
        facets, facet_args = _facets(f)
        span_terms, span_args = _span_terms(f)
        parts, mask_args = [], []
        for word in range(_words(codes)):
            sql, args = _code_bits(codes, word, "s", per_article=True)
            parts.append(f"{sql} AS w{int(word)}")
            mask_args += args
        masks = ", ".join(parts)
        groups = ", ".join(f"w{int(word)}" for word in range(_words(codes)))
        rows = self.conn.execute(
            f"WITH {facets} SELECT {groups}, count(*) FROM (SELECT s.article_id, {masks} FROM spans s "
            f"WHERE s.article_id IN (SELECT id FROM fa) AND {span_terms} GROUP BY s.article_id) "
            f"GROUP BY {groups}",
            [*facet_args, *mask_args, *span_args],
        )
        return rows.fetchall()

    def code_overlaps(self, f: AnalysisFilter, codes: list[Code]) -> list[tuple]:
        """(mask word of x…, mask word of y…, pairs) over pairs of overlapping spans x, y. Each
        pair is found once, from the span that starts first (or has the lower id), through the
        (article, start) index."""
        facets, facet_args = _facets(f)
        x_terms, x_args = _span_terms(f, "x")
        y_terms, y_args = _span_terms(f, "y")
        parts, mask_args = [], []
        for alias in ("x", "y"):
            for word in range(_words(codes)):
                sql, args = _code_bits(codes, word, alias, per_article=False)
                parts.append(sql)
                mask_args += args
        masks = ", ".join(parts)
        groups = ", ".join(str(int(n)) for n in range(1, len(parts) + 1))
        rows = self.conn.execute(
            f"WITH {facets} SELECT {masks}, count(*) FROM fa JOIN spans x ON x.article_id = fa.id "
            'JOIN spans y ON y.article_id = x.article_id AND y.start >= x.start AND y.start < x."end" '
            f"AND (y.start > x.start OR y.id > x.id) WHERE {x_terms} AND {y_terms} GROUP BY {groups}",
            [*facet_args, *mask_args, *x_args, *y_args],
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
