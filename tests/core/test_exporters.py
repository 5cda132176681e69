from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.formats import EXPORT_FORMATS, csv_table, export, jsonl
from annotator.core.formats.common import ExportSummary, WriteOptions, neutralise_formula, restore_formula
from annotator.core.model import Article, NewArticle, NewSpan, Relation, Span, Status
from annotator.core.offsets import normalise_newlines
from annotator.core.store import Store

JSONL_KEYS = {"id", "title", "text", "status", "meta", "spans", "relations"}
SPAN_KEYS = {"id", "start", "end", "label", "text", "attributes", "note", "annotator"}

CRLF_SOURCE = "First line\r\nSecond \u201cquote\u201d line\r\nThird"
CRLF_TEXT, _ = normalise_newlines(CRLF_SOURCE)

# (text, the substring to tag): each entry stresses a different way code points differ from
# what an editor shows or what UTF-16 counts.
TRICKY = [
    ("Smile 😀 then the claim 😀😀 ends.", "the claim 😀😀"),
    ("Flags 🇺🇦 and 🇷🇺 next to each other: 🇺🇦🇷🇺!", "🇺🇦🇷🇺"),
    ("Combining: cafe\u0301 and n\u0303 and Z\u0351\u0324a\u0300lgo.", "cafe\u0301"),
    ("Arabic: قال الوزير إن العقوبات فشلت.", "الوزير إن العقوبات"),
    ("Hebrew: \u05d4\u05e9\u05e8 \u05d0\u05de\u05e8 mixed with 123 digits.", "\u05d0\u05de\u05e8 mixed"),
    (CRLF_TEXT, "\u201cquote\u201d line\nThird"),
    ("Separators\u2028inside\u2029and\x85here.", "\u2028inside\u2029and\x85"),
]


def open_store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "p.db", annotator="tester")


def tag(text: str, part: str, label: str = "claim", **extra) -> NewSpan:
    start = text.index(part)
    return NewSpan(start, start + len(part), label, **extra)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(tmp_path)
    articles = [
        NewArticle(
            title=f"Article {i}",
            text=text,
            outlet="Daily",
            url=f"https://example.org/{i}",
            meta={"lang": "x", "outlet": "overridden"},
            spans=(tag(text, part), NewSpan(0, 1, "actor", {"type": "person"}, note="first")),
            status=Status.DONE if i % 2 else Status.IN_PROGRESS,
        )
        for i, (text, part) in enumerate(TRICKY)
    ]
    store.add_articles(articles)
    first = store.spans(store.article_ids()[0])
    store.add_relation(first[0].id, first[1].id, "said_by")
    yield store
    store.close()


def export_jsonl(store: Store, **filters) -> tuple[list[dict], ExportSummary]:
    out = io.StringIO()
    summary = export(store, "jsonl", out, **filters)
    lines = out.getvalue().split("\n")
    assert lines[-1] == ""
    return [json.loads(line) for line in lines[:-1]], summary


def export_csv(store: Store, **options) -> tuple[list[dict], ExportSummary]:
    out = io.StringIO(newline="")
    summary = export(store, "csv", out, **options)
    reader = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    assert tuple(reader.fieldnames or ()) == csv_table.COLUMNS
    return list(reader), summary


def test_formats_are_jsonl_and_csv_first():
    assert EXPORT_FORMATS[:2] == ("jsonl", "csv")


def test_unknown_format_is_refused(store: Store):
    with pytest.raises(ValueError, match="xml"):
        export(store, "xml", io.StringIO())


def test_jsonl_has_exactly_the_documented_keys(store: Store):
    records, summary = export_jsonl(store)
    assert summary == ExportSummary(articles=len(TRICKY), spans=2 * len(TRICKY))
    assert len(records) == len(TRICKY)
    for record in records:
        assert set(record) == JSONL_KEYS
        assert record["status"] in {"done", "in_progress"}
        for span in record["spans"]:
            assert set(span) == SPAN_KEYS
            assert span["annotator"] == "tester"
        for relation in record["relations"]:
            assert set(relation) == {"from", "to", "type"}
    first = records[0]
    assert first["meta"] == {"lang": "x", "outlet": "Daily", "url": "https://example.org/0"}
    assert first["relations"] == [
        {"from": first["spans"][0]["id"], "to": first["spans"][1]["id"], "type": "said_by"}
    ]
    actor = next(span for span in first["spans"] if span["label"] == "actor")
    assert actor["attributes"] == {"type": "person"} and actor["note"] == "first"


def test_jsonl_is_one_line_per_article_and_not_ascii_escaped(store: Store):
    out = io.StringIO()
    export(store, "jsonl", out)
    value = out.getvalue()
    assert value.count("\n") == len(TRICKY)
    assert len(value.splitlines()) == len(TRICKY)  # U+2028, U+2029 and U+0085 are escaped
    assert "😀" in value and "العقوبات" in value and "\\ud83d" not in value


def test_every_jsonl_span_text_is_the_slice_of_the_article_text(store: Store):
    records, _ = export_jsonl(store)
    tagged = {text: part for text, part in TRICKY}
    for record in records:
        text = record["text"]
        for span in record["spans"]:
            assert span["text"] == text[span["start"] : span["end"]]
        assert tagged[text] in {span["text"] for span in record["spans"]}


def test_crlf_text_is_exported_canonical(store: Store):
    records, _ = export_jsonl(store)
    crlf = next(record for record in records if record["text"].startswith("First line"))
    assert "\r" not in crlf["text"]
    assert crlf["text"] == CRLF_SOURCE.replace("\r\n", "\n")


def test_csv_reads_back_raw_when_the_guard_is_off(store: Store):
    rows, summary = export_csv(store, neutralise_formulas=False)
    assert summary == ExportSummary(len(TRICKY), 2 * len(TRICKY), csv_table.LEFT_OUT)
    texts = {record["id"]: record["text"] for record in export_jsonl(store)[0]}
    assert len(rows) == 2 * len(TRICKY)
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert row["text"] == texts[int(row["article_id"])][start:end]
        assert json.loads(row["attributes"]) in ({}, {"type": "person"})
        assert row["annotator"] == "tester"


def test_csv_has_no_bom_and_unquoted_int_columns(store: Store):
    out = io.StringIO(newline="")
    export(store, "csv", out)
    value = out.getvalue()
    assert value.startswith(",".join(csv_table.COLUMNS) + "\n")
    assert not value.startswith("\ufeff")
    assert "\r\n" not in value


def hostile_store(tmp_path: Path) -> Store:
    store = open_store(tmp_path)
    text = "=SUM(A1:A9) +1 -2 @cmd\tx\nnext '=already plain"
    spans = (
        tag(text, "=SUM(A1:A9)", note='=HYPERLINK("http://evil")'),
        tag(text, "+1", label="quote"),
        tag(text, "-2 @cmd", label="actor"),
        tag(text, "@cmd"),
        tag(text, "\tx"),
        tag(text, "\nnext"),
        tag(text, "'=already"),
        tag(text, "plain", label="-minus"),
    )
    store.add_articles([NewArticle(title="=1+1", text=text, spans=spans)])
    return store


def test_csv_neutralises_formula_cells(tmp_path: Path):
    with hostile_store(tmp_path) as store:
        article = store.article(store.article_ids()[0])
        rows, _ = export_csv(store)
    assert all(row["article_title"] == "'=1+1" for row in rows)
    for row in rows:
        raw = article.text[int(row["start"]) : int(row["end"])]
        if raw.lstrip("'")[:1] in {"=", "+", "-", "@", "\t", "\r", "\n"}:
            assert row["text"] == "'" + raw
        else:
            assert row["text"] == raw
        assert restore_formula(row["text"]) == raw
        for column in ("label", "note", "annotator", "attributes", "article_title"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert {row["label"] for row in rows} >= {"'-minus", "claim"}
    assert '\'=HYPERLINK("http://evil")' in {row["note"] for row in rows}
    assert all(row[column].isdigit() for row in rows for column in ("article_id", "span_id", "start", "end"))


def test_csv_without_guard_writes_raw_cells(tmp_path: Path):
    with hostile_store(tmp_path) as store:
        article = store.article(store.article_ids()[0])
        rows, _ = export_csv(store, neutralise_formulas=False)
    assert rows[0]["article_title"] == "=1+1"
    for row in rows:
        assert row["text"] == article.text[int(row["start"]) : int(row["end"])]


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("", ""),
        ("plain", "plain"),
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("'=x", "''=x"),
        ("''-x", "'''-x"),
        ("'quoted'", "'quoted'"),
        ("'", "'"),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_formula_is_reversible(raw: str, cell: str):
    assert neutralise_formula(raw) == cell
    assert restore_formula(cell) == raw


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r\nab ")))
def test_restore_formula_inverts_neutralise_formula(raw: str):
    assert restore_formula(neutralise_formula(raw)) == raw
    assert not neutralise_formula(raw).startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_csv_quotes_a_row_holding_a_carriage_return():
    article = Article(1, "Title\rwith CR", "a\rb\nc")
    spans = [Span(1, 1, 0, 5, "claim", note="note\r"), Span(2, 1, 1, 4, "quote")]
    out = io.StringIO(newline="")
    csv_table.write([(article, spans, [])], out, WriteOptions(neutralise_formulas=False))
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[1][1] == "Title\rwith CR" and rows[1][6] == "a\rb\nc" and rows[1][8] == "note\r"
    assert rows[2][6] == "\rb\n"
    assert len(rows) == 3


def test_label_filter_keeps_only_those_spans_and_drops_broken_relations(store: Store):
    records, summary = export_jsonl(store, labels=["claim"])
    assert summary.spans == len(TRICKY)
    assert all(span["label"] == "claim" for record in records for span in record["spans"])
    assert all(record["relations"] == [] for record in records)
    rows, _ = export_csv(store, labels=["actor"])
    assert {row["label"] for row in rows} == {"actor"}


def test_status_filter_keeps_only_those_articles(store: Store):
    records, summary = export_jsonl(store, status=[Status.DONE])
    assert records and all(record["status"] == "done" for record in records)
    assert summary.articles == len(records) == store.status_counts()["done"]
    assert summary.spans == store.count_spans(status=[Status.DONE])
    rows, summary = export_csv(store, status=[Status.IN_PROGRESS], labels=["claim"])
    assert len(rows) == summary.spans == store.count_spans(status=[Status.IN_PROGRESS], labels=["claim"])


def test_writers_drop_relations_whose_ends_are_not_exported():
    article = Article(1, "t", "abcdef")
    spans = [Span(1, 1, 0, 2, "quote"), Span(2, 1, 2, 4, "actor")]
    relations = [Relation(1, 1, 2, "said_by"), Relation(2, 1, 99, "said_by")]
    out = io.StringIO()
    jsonl.write([(article, spans, relations)], out, WriteOptions())
    assert json.loads(out.getvalue())["relations"] == [{"from": 1, "to": 2, "type": "said_by"}]


def test_articles_without_spans_are_a_jsonl_line_but_no_csv_row():
    rows = [
        (Article(1, "empty", "no spans"), [], []),
        (Article(2, "one", "xy"), [Span(1, 2, 0, 1, "claim")], []),
    ]
    lines, table = io.StringIO(), io.StringIO(newline="")
    assert jsonl.write(rows, lines, WriteOptions()) == ExportSummary(2, 1)
    assert csv_table.write(rows, table, WriteOptions()) == ExportSummary(1, 1, csv_table.LEFT_OUT)
    assert json.loads(lines.getvalue().split("\n")[0])["spans"] == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_progress_reports_every_span_once_in_batches(fmt: str):
    rows = [
        (Article(i, "t", "abc"), [Span(3 * i + k, i, k, k + 1, "claim") for k in range(3)], [])
        for i in range(1000)
    ]
    calls: list[int] = []
    out = io.StringIO(newline="")
    writer = jsonl.write if fmt == "jsonl" else csv_table.write
    summary = writer(rows, out, WriteOptions(progress=calls.append))
    assert sum(calls) == summary.spans == 3000
    assert 1 < len(calls) < 10


def test_export_of_an_empty_project_writes_only_the_csv_header(tmp_path: Path):
    with open_store(tmp_path) as store:
        assert export_jsonl(store) == ([], ExportSummary(0, 0))
        out = io.StringIO(newline="")
        assert export(store, "csv", out) == ExportSummary(0, 0, csv_table.LEFT_OUT)
    assert out.getvalue() == ",".join(csv_table.COLUMNS) + "\n"


PIECES = st.sampled_from(
    [
        "a",
        "Z",
        " ",
        "\n",
        "😀",
        "🇺🇦",
        "👩\u200d👩\u200d👧",
        "e\u0301",
        "\u0351",
        "ق",
        "ال",
        "\u05e9\u05c1",
        "\u202e",
        "\u2028",
        '"',
        ",",
    ]
)
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map("".join)


@st.composite
def annotated(draw: st.DrawFn) -> list[NewArticle]:
    articles = []
    for text in draw(st.lists(TEXTS, min_size=1, max_size=4, unique=True)):
        bounds = st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text)))
        pairs = draw(st.lists(bounds.filter(lambda b: b[0] < b[1]), max_size=6))
        labels = st.sampled_from(["claim", "quote", "actor", "framing"])
        spans = tuple(NewSpan(start, end, draw(labels)) for start, end in pairs)
        articles.append(NewArticle(title=text[:5], text=text, spans=spans))
    return articles


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles=annotated())
def test_exported_span_texts_are_slices_for_any_text(tmp_path_factory: pytest.TempPathFactory, articles):
    with open_store(tmp_path_factory.mktemp("h")) as store:
        store.add_articles(articles)
        records, summary = export_jsonl(store)
        rows, _ = export_csv(store, neutralise_formulas=False)
    assert summary.spans == sum(len(article.spans) for article in articles) == len(rows)
    by_text = {article.text: article for article in articles}
    texts = {}
    for record in records:
        texts[record["id"]] = record["text"]
        expected = sorted((span.start, span.end) for span in by_text[record["text"]].spans)
        assert sorted((span["start"], span["end"]) for span in record["spans"]) == expected
        for span in record["spans"]:
            assert span["text"] == record["text"][span["start"] : span["end"]]
    for row in rows:
        assert row["text"] == texts[int(row["article_id"])][int(row["start"]) : int(row["end"])]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize(
    "filters",
    [{}, {"status": [Status.DONE]}, {"labels": ["actor"]}, {"annotator": "tester"}, {"annotator": "nobody"}],
)
def test_the_fast_export_writes_what_the_row_objects_give(store: Store, tmp_path: Path, fmt: str, filters):
    """JSONL and CSV export from `Store.iter_records` (spans gathered by SQLite, bytes written
    straight to the file): byte for byte what the writers make of `iter_annotated`'s objects."""
    article_id = store.article_ids()[0]
    for start, end in ((0, 3), (0, 5), (0, 5), (2, 4)):  # equal starts: end descending, then id
        store.add_span(article_id, start, end, "claim", {"n": start, "big": 10**30}, note="n\u2028x")
    writer = jsonl.write if fmt == "jsonl" else csv_table.write
    expected = io.StringIO(newline="")
    writer(store.iter_annotated(**filters), expected, WriteOptions())
    streamed = io.StringIO(newline="")
    export(store, fmt, streamed, **filters)
    export(store, fmt, tmp_path / f"out.{fmt}", **filters)
    assert streamed.getvalue() == expected.getvalue()
    assert (tmp_path / f"out.{fmt}").read_bytes() == expected.getvalue().encode()
    if fmt == "jsonl" and not filters:
        assert "\\u2028" in expected.getvalue() and "\u2028" not in expected.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1"])
def test_jsonl_written_to_a_text_stream_of_any_encoding_reads_back(store: Store, encoding: str):
    """JSONL lines go to a UTF-8 stream's bytes directly; any other stream gets them as text."""
    expected = io.StringIO(newline="")
    jsonl.write(store.iter_annotated(), expected, WriteOptions())
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    stream.write("")  # a stream another writer already used
    export(store, "jsonl", stream)
    stream.flush()
    wanted = expected.getvalue().encode(encoding, errors="replace")
    assert raw.getvalue().removeprefix(b"\xff\xfe") == wanted.removeprefix(b"\xff\xfe")
