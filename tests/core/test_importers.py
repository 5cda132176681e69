from __future__ import annotations

import itertools
import json
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core import importers
from annotator.core.formats import BY_SUFFIX, import_paths, read_file
from annotator.core.importers import ImportRefused, find_files, read_ahead
from annotator.core.model import NewArticle, Status
from annotator.core.store import Store, StoreError

RUSSIAN = (
    "Министр иностранных дел заявил в среду, что переговоры о прекращении огня зашли в тупик. "
    "По его словам, стороны не смогли договориться о гарантиях безопасности, а международные "
    "наблюдатели так и не получили доступа к зоне конфликта. Эксперты считают, что в ближайшие "
    "недели ситуация вряд ли изменится, поскольку ни одна из сторон не готова пойти на уступки. "
    "Тем временем гуманитарная обстановка в регионе продолжает ухудшаться."
)
FRENCH = (
    "Le gouvernement français a annoncé mercredi une série de mesures destinées à réduire la "
    "dépendance énergétique du pays. Selon le ministre, ces décisions étaient nécessaires après un "
    "hiver très difficile. « Nous devons agir maintenant », a-t-il déclaré devant l'Assemblée. "
    "Les élus de l'opposition ont critiqué un plan qu'ils jugent trop timide et coûteux."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def jsonl(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return write(path, "\n".join(lines) + "\n")


def refusal(path: Path) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_file(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.db") as opened:
        yield opened


def stored(store: Store) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    result = []
    for article_id in store.article_ids():
        article = store.article(article_id)
        spans = [(s.start, s.end, s.label) for s in store.spans(article_id)]
        result.append((article.title, article.text, spans))
    return result


# ------------------------------------------------------------------------------------ txt
def test_txt_reads_title_text_and_source(tmp_path):
    path = write(tmp_path / "a.txt", "\n\n  First line  \nSecond line\n")
    [article] = read_file(path)
    assert article.title == "First line"
    assert article.text == "\n\n  First line  \nSecond line\n"
    assert article.source == str(path)
    assert article.spans == ()


def test_txt_long_first_line_gives_a_short_title(tmp_path):
    [article] = read_file(write(tmp_path / "a.txt", "x" * 500))
    assert article.title == "x" * 200


@pytest.mark.parametrize(("text", "encoding"), [(RUSSIAN, "cp1251"), (FRENCH, "latin-1")])
def test_txt_legacy_encodings_decode(tmp_path, text, encoding):
    [article] = read_file(write(tmp_path / "a.txt", text, encoding))
    assert article.text == text


# Byte-level detection took each of these for another Latin code page: "déjà" came in as "déjŕ",
# "año" as "ańo", "mercoledì" with a combining accent (cp1258), Czech "řekl" as "ųekl" (cp1257).
SHORT_LEGACY = [
    ("Café naïve résumé déjà vu", "latin-1"),
    ("Le président a déclaré à la presse que la réunion était terminée.", "cp1252"),
    ("El ministro dijo que la situación económica había mejorado mucho este año.", "latin-1"),
    ("O presidente afirmou que a situação não é tão grave como se diz.", "cp1252"),
    ("Il ministro degli Esteri ha dichiarato mercoledì che la città è più sicura di prima.", "cp1252"),
    ("Han sa att för många människor är det svårt att förstå.", "latin-1"),
    ("Ministr řekl, že se schůzka konala v Praze.", "cp1250"),
    ("Zażółć gęślą jaźń, powiedział minister.", "cp1250"),
    ("Ministar je rekao da će se sastanak održati u četvrtak.", "cp1250"),
    ("Ministrul a declarat că situaţia economică s-a îmbunătăţit.", "cp1250"),
    ("Ministras pasakė, kad derybos įstrigo ir šalys nesutarė.", "cp1257"),
    ("Bakan, müzakerelerin çıkmaza girdiğini söyledi ve ağır konuştu.", "cp1254"),
    ("Министр заявил, что переговоры зашли в тупик.", "cp1251"),
]


@pytest.mark.parametrize(("text", "encoding"), SHORT_LEGACY, ids=lambda v: v[:12])
@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_a_short_text_in_a_legacy_latin_code_page_keeps_its_letters(tmp_path, text, encoding, suffix):
    content = json.dumps({"text": text}, ensure_ascii=False) if suffix == ".jsonl" else text
    [article] = read_file(write(tmp_path / f"a{suffix}", content + "\n", encoding))
    assert article.text.strip() == text


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbfHello\r\nworld\r\n",
        "\ufeffHello\r\nworld\r\n".encode("utf-16-le"),
        "\ufeffHello\r\nworld\r\n".encode("utf-16-be"),
        "\ufeffHello\r\nworld\r\n".encode("utf-32-le"),
        b"Hello\rworld\r",
    ],
)
def test_txt_boms_are_stripped_and_line_ends_normalised(tmp_path, raw):
    [article] = read_file(write(tmp_path / "a.txt", raw))
    assert article.text == "Hello\nworld\n"
    assert article.title == "Hello"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n ", "empty file"),
        (PNG, "binary or undecodable"),
        (bytes(range(1, 32)) * 20, "binary or undecodable"),
    ],
)
def test_txt_refuses_empty_and_binary(tmp_path, content, reason):
    message = refusal(write(tmp_path / "bad.txt", content))
    assert message.startswith("bad.txt: ")
    assert reason in message


def test_too_large_file_is_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 10)
    message = refusal(write(tmp_path / "big.txt", "x" * 11))
    assert "too large" in message and "limit" in message


def test_read_file_refuses_folders_missing_and_unsupported_paths(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    assert "folder" in refusal(tmp_path / "folder.txt")
    assert "no such file" in refusal(tmp_path / "missing.txt")
    assert "unsupported file type '.pdf'" in refusal(write(tmp_path / "a.pdf", "text"))


def test_unreadable_file_is_refused(tmp_path, monkeypatch):
    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    path = write(tmp_path / "secret.txt", "text")
    stream = write(tmp_path / "secret.jsonl", '{"text": "t"}')
    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.setattr(Path, "open", denied)
    assert refusal(path) == "secret.txt: cannot be read (Permission denied)"
    assert refusal(stream) == "secret.jsonl: cannot be read (Permission denied)"


# ----------------------------------------------------------------------------------- html
PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>  Ministers  meet &amp; talk </title>
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-05-01T10:00:00Z">
<meta property="og:url" content="https://example.org/a">
<link rel="canonical" href="https://example.org/canonical">
<style>p { color: red }</style>
<script>document.write("<p>injected</p>")</script>
</head>
<body>
<header><a href="/">Home</a></header>
<nav><ul><li>World</li><li>Sport</li></ul></nav>
<article>
<h1>Ministers meet</h1>
<p>The   ministers met
in Paris on&nbsp;Monday.<br>They talked &laquo;for hours&raquo;.</p>
<div>Caf&eacute; <b>talks</b> &#x1F600; ended.</div>
<blockquote>Quoted words</blockquote>
<form><input name="q"><button>Search</button>Form text</form>
<svg><title>icon</title><path d="M0"/></svg>
<noscript>Enable JS</noscript>
</article>
<aside>Related stories</aside>
<footer>Copyright</footer>
</body></html>
"""


def test_html_keeps_the_article_text_and_metadata(tmp_path):
    [article] = read_file(write(tmp_path / "page.html", PAGE))
    assert article.text == (
        "Ministers meet\n\nThe ministers met in Paris on Monday.\n\nThey talked «for hours».\n\n"
        "Café talks 😀 ended.\n\nQuoted words"
    )
    assert article.title == "Ministers meet & talk"
    assert article.author == "Jane Roe"
    assert article.outlet == "Daily Planet"
    assert article.published == "2024-05-01T10:00:00Z"
    assert article.url == "https://example.org/a"
    assert article.source == str(tmp_path / "page.html")


def test_html_falls_back_to_h1_canonical_and_other_meta_names(tmp_path):
    page = (
        '<html><head><meta property="article:author" content="A. Writer">'
        '<meta name="date" content="2020-01-02">'
        '<link rel="canonical" href="https://x.org/c"></head><body><h1>The <i>headline</i></h1>'
        "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    [article] = read_file(write(tmp_path / "page.htm", page))
    assert article.title == "The headline"
    assert article.text == "The headline\n\none\n\ntwo\n\na b"
    assert (article.author, article.published, article.url) == ("A. Writer", "2020-01-02", "https://x.org/c")


def test_html_declared_charset_and_detection(tmp_path):
    page = f'<html><head><meta charset="windows-1251"></head><body><p>{RUSSIAN}</p></body></html>'
    [article] = read_file(write(tmp_path / "ru.html", page, "cp1251"))
    assert article.text == RUSSIAN
    assert article.title == RUSSIAN[:200]


def test_html_without_text_is_refused(tmp_path):
    message = refusal(write(tmp_path / "empty.html", "<html><script>var a = 1;</script><nav>x</nav></html>"))
    assert message == "empty.html: no text found in the page"


# ------------------------------------------------------------------------------------ csv
def test_csv_with_quoted_newlines_commas_and_uppercase_headers(tmp_path):
    content = (
        "Title, TEXT ,AUTHOR,Outlet,PUBLISHED,url,Section\r\n"
        '"One, two","First line\r\nsecond, with ""quotes""",Ann,Paper,2024-01-01,https://a,World\r\n'
        ',"Untitled text\nmore",,,,,\r\n'
    )
    first, second = read_file(write(tmp_path / "data.csv", "\ufeff" + content))
    assert first.title == "One, two"
    assert first.text == 'First line\nsecond, with "quotes"'
    assert (first.author, first.outlet, first.published, first.url) == (
        "Ann",
        "Paper",
        "2024-01-01",
        "https://a",
    )
    assert first.meta == {"Section": "World"}
    assert second.title == "Untitled text"
    assert second.text == "Untitled text\nmore"
    assert second.meta == {}


def test_csv_semicolon_delimiter_and_cp1251(tmp_path):
    content = f'title;text\n"Новости";"{RUSSIAN}"\n'
    [article] = read_file(write(tmp_path / "ru.csv", content, "cp1251"))
    assert article.title == "Новости"
    assert article.text == RUSSIAN


def test_csv_without_text_column_is_refused_listing_columns(tmp_path):
    message = refusal(write(tmp_path / "data.csv", "a, b,c\n1,2,3\n"))
    assert message == "data.csv: no 'text' column (columns: a, b, c)"


def test_csv_empty_text_names_the_line_where_the_record_starts(tmp_path):
    content = 'title,text\nA,"multi\nline\ntext"\n\nB,  \n'
    assert refusal(write(tmp_path / "data.csv", content)) == "data.csv line 6: the 'text' cell is empty"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('title,text\nA,ok\nB,"never closed\n', "data.csv line 3: malformed CSV"),
        ('title,text\nA,ok\nB,"closed" junk\n', "data.csv line 3: malformed CSV"),
        ("title,text\nA,ok,extra\n", "data.csv line 2: 3 fields but the header has 2 columns"),
        ("title,text\n", "data.csv: the header has no rows under it"),
        ("\n\n", "data.csv: empty file"),
        ("\ufeff", "data.csv: empty file"),
    ],
)
def test_malformed_csv_is_refused_naming_the_line(tmp_path, content, expected):
    assert refusal(write(tmp_path / "data.csv", content)).startswith(expected)


def test_csv_with_nul_bytes_is_refused(tmp_path):
    assert "binary" in refusal(write(tmp_path / "data.csv", b"title,text\nA,o\x00k\n"))


def test_csv_accepts_huge_fields(tmp_path):
    big = "word " * 100_000
    [article] = read_file(write(tmp_path / "big.csv", f'text\n"{big}"\n'))
    assert article.text == big.strip()


# ---------------------------------------------------------------------------------- jsonl
def test_jsonl_fields_meta_status_and_blank_lines(tmp_path):
    path = jsonl(
        tmp_path / "data.jsonl",
        {
            "id": 42,
            "text": "Body",
            "title": "T",
            "author": "A",
            "outlet": "O",
            "published": 2024,
            "url": "u",
            "status": "done",
            "lang": "en",
            "meta": {"k": 1},
            "relations": [],
        },
        "",
        {"text": "Second\ntext", "status": "weird", "author": None},
    )
    first, second = read_file(path)
    assert (first.title, first.text, first.author, first.outlet, first.url) == ("T", "Body", "A", "O", "u")
    assert first.published == "2024"
    assert first.status is Status.DONE
    assert first.meta == {"source_id": 42, "lang": "en", "k": 1}
    assert first.source == str(path)
    assert second.title == "Second"
    assert second.status is Status.NEW
    assert second.meta == {"status": "weird"}


TRICKY = "Hi 😀 from 🇺🇦 Kyiv, café says cafe\u0301. العربية نص and עברית end."


def test_doccano_offsets_survive_emoji_flags_combining_marks_and_rtl(tmp_path):
    targets = ["😀", "🇺🇦", "Kyiv", "cafe\u0301", "العربية", "עברית", "end"]
    labels = [[TRICKY.index(t), TRICKY.index(t) + len(t), "actor"] for t in targets]
    [article] = read_file(jsonl(tmp_path / "d.jsonl", {"text": TRICKY, "label": labels}))
    assert [article.text[s.start : s.end] for s in article.spans] == targets


def test_doccano_offsets_in_crlf_text_are_converted(tmp_path):
    text = "Line 😀 one\r\nעברית two\r\ncafe\u0301 🇺🇦 three"
    targets = ["one\r\nעברית", "🇺🇦", "three"]
    labels = [[text.index(t), text.index(t) + len(t), "quote"] for t in targets]
    [article] = read_file(jsonl(tmp_path / "d.jsonl", {"text": text, "label": labels}))
    assert article.text == text.replace("\r\n", "\n")
    assert [article.text[s.start : s.end] for s in article.spans] == [
        t.replace("\r\n", "\n") for t in targets
    ]


def test_doccano_entities_and_our_own_span_shape(tmp_path):
    text = "Lavrov said\r\nthe talks failed."
    record = {
        "text": text,
        "entities": [{"id": 9, "label": "actor", "start_offset": 0, "end_offset": 6}],
        "relations": [{"id": 1, "from_id": 10, "to_id": 9, "type": "said_by"}],
        "spans": [
            {
                "start": 13,
                "end": 30,
                "label": "claim",
                "text": "the talks failed.",
                "attributes": {"stance": "x"},
                "note": "n",
                "annotator": "bob",
            },
            {"id": 10, "start": 7, "end": 16, "label": "quote", "text": "said\nthe"},
        ],
    }
    [article] = read_file(jsonl(tmp_path / "d.jsonl", record))
    [relation] = article.relations
    ends = (article.spans[relation.from_index].label, article.spans[relation.to_index].label)
    assert (ends, relation.type) == (("quote", "actor"), "said_by")
    found = {(article.text[s.start : s.end], s.label) for s in article.spans}
    assert found == {("Lavrov", "actor"), ("the talks failed.", "claim"), ("said\nthe", "quote")}
    claim = next(s for s in article.spans if s.label == "claim")
    assert (claim.attributes, claim.note, claim.annotator) == ({"stance": "x"}, "n", "bob")


def test_doccano_entities_with_more_keys_than_a_range_are_read_with_them(tmp_path):
    record = {
        "text": "Lavrov said",
        "entities": [
            {"id": 1, "label": "actor", "start_offset": 0, "end_offset": 6, "prob": 0.9},
            {"id": 2, "label": "claim", "start_offset": 7, "end_offset": 11, "text": "said", "note": "n"},
        ],
    }
    [article] = read_file(jsonl(tmp_path / "d.jsonl", record))
    found = [(article.text[s.start : s.end], s.label, s.attributes, s.note) for s in article.spans]
    assert found == [("Lavrov", "actor", {}, ""), ("said", "claim", {}, "n")]


def test_doccano_category_labels_go_to_meta(tmp_path):
    [article] = read_file(jsonl(tmp_path / "d.jsonl", {"text": "abc", "label": ["positive"]}))
    assert article.meta == {"label": ["positive"]} and article.spans == ()


def test_malformed_jsonl_line_3_is_named(tmp_path):
    path = jsonl(tmp_path / "data.jsonl", {"text": "a"}, {"text": "b"}, '{"text": "c" "x": 1}')
    assert refusal(path) == "data.jsonl line 3: not valid JSON (Expecting ',' delimiter)"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("[1, 2]", "line 1: not a JSON object but list"),
        ({"title": "no text"}, "line 1: no string 'text' field"),
        ({"text": 5}, "line 1: no string 'text' field"),
        ({"text": "  "}, "line 1: the 'text' field is empty"),
        (
            {"text": "abc", "label": [[0, 4, "x"]]},
            'line 1: label 1 [0, 4, "x"] is outside the text (length 3)',
        ),
        ({"text": "abc", "label": [[2, 2, "x"]]}, 'line 1: label 1 [2, 2, "x"] is outside the text'),
        ({"text": "abc", "label": [[-1, 2, "x"]]}, "is outside the text"),
        ({"text": "abc", "label": [[0, 2]]}, "is not [start, end, label]"),
        ({"text": "abc", "label": [[0, "2", "x"]]}, "start and end must be whole numbers"),
        ({"text": "abc", "label": [[0, True, "x"]]}, "start and end must be whole numbers"),
        ({"text": "abc", "label": [[0, 2, ""]]}, "the label must be non-empty text"),
        ({"text": "abc", "label": "x"}, "'label' must be a list"),
        ({"text": "a\r\nb", "label": [[1, 2, "x"]]}, "covers only a line break"),
        ({"text": "abc", "entities": [{"start_offset": 0, "end_offset": 9, "label": "x"}]}, "entity 1"),
        (
            {"text": "abc", "entities": [{"start_offset": 1, "end_offset": 1, "label": "x"}]},
            "outside the text",
        ),
        (
            {"text": "abc", "entities": [{"start_offset": 0, "end_offset": True, "label": "x"}]},
            "whole numbers",
        ),
        (
            {"text": "abc", "entities": [{"start_offset": "0", "end_offset": 2, "label": "x"}]},
            "whole numbers",
        ),
        ({"text": "abc", "entities": [{"start_offset": 0, "end_offset": 2, "label": " "}]}, "non-empty text"),
        ({"text": "abc", "entities": [{"start_offset": 0, "end_offset": 2}]}, "non-empty text"),
        (
            {"text": "abc", "entities": [{"start_offset": 0, "end_offset": 2, "label": "x", "text": "b"}]},
            "differs",
        ),
        ({"text": "abc", "entities": [[0, 2, "x"]]}, 'entity 1 [0, 2, "x"] is not an object'),
        ({"text": "abc", "spans": [{"start": 0, "end": 2, "label": "x", "text": "ab!"}]}, "span 1"),
        ({"text": "abc", "spans": [{"start": 0, "end": 2, "label": "x", "attributes": []}]}, "'attributes'"),
        ({"text": "abc", "author": ["a", "b"]}, "'author' must be text, not list"),
        ("\n\n", "d.jsonl: empty file"),
    ],
)
def test_bad_jsonl_records_are_refused_naming_line_and_span(tmp_path, record, expected):
    path = (
        jsonl(tmp_path / "d.jsonl", record)
        if not isinstance(record, str)
        else write(tmp_path / "d.jsonl", record)
    )
    assert expected in refusal(path)


def test_jsonl_offsets_are_checked_against_the_text_as_given(tmp_path):
    # 4 code points as given ("a\r\nb"), 3 once normalised: [0, 4) is valid.
    [article] = read_file(jsonl(tmp_path / "d.jsonl", {"text": "a\r\nb", "label": [[0, 4, "x"]]}))
    assert (article.spans[0].start, article.spans[0].end) == (0, 3)


PIECES = ["a", "Z", " ", ".", "é", "e\u0301", "😀", "🇺🇦", "👍🏽", "مرحبا", "שלום", "\u200f", "\r\n", "\n"]


@st.composite
def crlf_text_with_spans(draw):
    text = "T" + "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)))
    # A boundary between \r and \n is not a place in the canonical text: analysts never select it.
    cuts = [i for i in range(len(text) + 1) if not (0 < i < len(text) and text[i - 1 : i + 1] == "\r\n")]
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start, end = sorted(draw(st.lists(st.sampled_from(cuts), min_size=2, max_size=2, unique=True)))
        spans.append([start, end, draw(st.sampled_from(["claim", "quote", "actor"]))])
    return text, spans


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crlf_text_with_spans(), st.booleans())
def test_property_offsets_on_crlf_text_point_at_the_same_substring(case, ascii_only):
    text, spans = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.jsonl"
        path.write_text(json.dumps({"text": text, "label": spans}, ensure_ascii=ascii_only) + "\n", "utf-8")
        [article] = read_file(path)
    assert article.text == text.replace("\r\n", "\n")
    assert len(article.spans) == len(spans)
    for span, (start, end, label) in zip(article.spans, spans, strict=True):
        assert article.text[span.start : span.end] == text[start:end].replace("\r\n", "\n")
        assert span.label == label


# ------------------------------------------------------------------------------ find_files
def test_find_files_expands_folders_sorted_skipping_hidden(tmp_path):
    write(tmp_path / "in" / "b.txt", "b")
    write(tmp_path / "in" / "a.HTML", "<p>a</p>")
    write(tmp_path / "in" / "sub" / "c.jsonl", '{"text": "c"}')
    write(tmp_path / "in" / ".hidden.txt", "h")
    write(tmp_path / "in" / ".git" / "d.txt", "d")
    write(tmp_path / "in" / "notes.pdf", "p")
    explicit = write(tmp_path / "e.csv", "text\ne\n")
    files, problems = find_files([tmp_path / "in", explicit, tmp_path / "in" / "b.txt"], tuple(BY_SUFFIX))
    assert files == [
        tmp_path / "in" / "a.HTML",
        tmp_path / "in" / "b.txt",
        tmp_path / "in" / "sub" / "c.jsonl",
        explicit,
    ]
    assert problems == []


def test_find_files_reports_missing_unsupported_and_empty_folders(tmp_path):
    pdf = write(tmp_path / "x.pdf", "p")
    (tmp_path / "empty").mkdir()
    files, problems = find_files([tmp_path / "missing.txt", pdf, tmp_path / "empty"], tuple(BY_SUFFIX))
    assert files == []
    reasons = dict(problems)
    assert reasons[tmp_path / "missing.txt"] == "no such file or folder"
    assert reasons[pdf].startswith("unsupported file type '.pdf'")
    assert "holds no" in reasons[tmp_path / "empty"]
    assert all(suffix in reasons[pdf] for suffix in BY_SUFFIX)


# ---------------------------------------------------------------------------- import_paths
def test_import_folder_stores_good_files_and_refuses_the_bad_one(store, tmp_path):
    folder = tmp_path / "corpus"
    write(folder / "a.txt", "Alpha\ntext")
    jsonl(folder / "b.jsonl", {"text": "Beta text", "label": [[0, 4, "actor"]]})
    write(folder / "c.csv", "text,title\nGamma text,Gamma\n")
    jsonl(folder / "d.jsonl", {"text": "Delta"}, '{"text": broken}')
    write(folder / "e.txt", PNG)
    seen = []
    summary = import_paths(store, [folder, tmp_path / "missing"], progress=seen.append)
    assert [title for title, _, _ in stored(store)] == ["Alpha", "Beta text", "Gamma"]
    assert stored(store)[1] == ("Beta text", "Beta text", [(0, 4, "actor")])
    assert (summary.articles, summary.spans, summary.duplicates) == (3, 1, [])
    assert len(summary.refused) == 3
    assert summary.refused[0] == f"{tmp_path / 'missing'}: no such file or folder"
    assert summary.refused[1].startswith("d.jsonl line 2: not valid JSON")
    assert summary.refused[2].startswith("e.txt: binary")
    assert seen == [folder / name for name in ("a.txt", "b.jsonl", "c.csv", "d.jsonl", "e.txt")]
    assert all(store.article(i).text != "Delta" for i in store.article_ids())


def test_duplicates_are_skipped_and_reported(store, tmp_path):
    path = jsonl(tmp_path / "dup.jsonl", {"text": "Same", "title": "One"}, {"text": "Same", "title": "Two"})
    first = import_paths(store, [path])
    assert (first.articles, first.duplicates) == (1, ["dup.jsonl: Two"])
    again = import_paths(store, [path])
    assert (again.articles, again.duplicates) == (0, ["dup.jsonl: One", "dup.jsonl: Two"])
    assert len(store.article_ids()) == 1


def test_a_bad_fifth_line_stores_none_of_the_first_four(store, tmp_path):
    records = [{"text": f"Article {n}", "label": [[0, 7, "claim"]]} for n in range(1, 5)]
    path = jsonl(tmp_path / "five.jsonl", *records, {"text": "Five", "label": [[0, 99, "claim"]]})
    summary = import_paths(store, [path])
    assert store.article_ids() == []
    assert summary.articles == 0
    assert summary.refused == [
        'five.jsonl line 5: label 1 [0, 99, "claim"] is outside the text (length 4) or empty'
    ]


def test_store_rejection_refuses_the_whole_file(store, tmp_path):
    # A label name with a leading space passes the reader but not the scheme: the store rolls back.
    path = jsonl(
        tmp_path / "s.jsonl",
        {"text": "ok one", "label": [[0, 2, "claim"]]},
        {"text": "two", "label": [[0, 3, " bad"]]},
    )
    summary = import_paths(store, [path])
    assert store.article_ids() == []
    assert [label.name for label in store.labels()] == ["claim", "quote", "actor", "framing"]
    assert len(summary.refused) == 1 and summary.refused[0].startswith("s.jsonl: not stored (")


def test_new_labels_from_a_file_are_created(store, tmp_path):
    summary = import_paths(store, [jsonl(tmp_path / "n.jsonl", {"text": "abc", "label": [[0, 1, "event"]]})])
    assert summary.spans == 1
    assert stored(store) == [("abc", "abc", [(0, 1, "event")])]


def test_store_errors_propagate(tmp_path):
    store = Store.open(tmp_path / "p.db")
    store.close()
    with pytest.raises(StoreError):
        import_paths(store, [write(tmp_path / "a.txt", "text")])


def test_csv_header_with_blank_trailing_columns(tmp_path):
    [article] = read_file(write(tmp_path / "data.csv", "title,text,,\nA,body,,\n"))
    assert (article.title, article.text, article.meta) == ("A", "body", {})


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_streamed_file_that_changes_encoding_past_the_sample_is_refused(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(importers, "SAMPLE_BYTES", 64)
    head = "text\n" if suffix == ".csv" else ""
    good = "".join('{"text": "plain ascii"}\n' if suffix == ".jsonl" else "plain ascii\n" for _ in range(20))
    bad = '{"text": "Привет"}\n' if suffix == ".jsonl" else "Привет\n"
    message = refusal(write(tmp_path / f"mixed{suffix}", (head + good).encode() + bad.encode("cp1251")))
    line = 21 if suffix == ".jsonl" else 22
    assert message == f"mixed{suffix} line {line}: not valid utf-8 text (invalid continuation byte)"


@pytest.mark.parametrize(
    "raw",
    [
        b'title,text\r"A","one\r\ntwo"\r',  # classic Mac line ends around a CRLF inside quotes
        '\ufefftitle,text\r\n"A","one\r\ntwo"\r\n'.encode("utf-16-le"),
        '\ufefftitle,text\n"A","one\ntwo"\n'.encode("utf-16-be"),
    ],
)
def test_csv_line_ends_and_utf16(tmp_path, raw):
    [article] = read_file(write(tmp_path / "data.csv", raw))
    assert (article.title, article.text) == ("A", "one\ntwo")


def test_jsonl_in_utf16_with_bom(tmp_path):
    raw = ("\ufeff" + json.dumps({"text": "Привет 😀", "label": [[7, 8, "x"]]}) + "\n").encode("utf-16-le")
    [article] = read_file(write(tmp_path / "d.jsonl", raw))
    assert article.text[article.spans[0].start : article.spans[0].end] == "😀"


def test_a_stop_raised_while_a_file_is_read_rolls_that_file_back(tmp_path):
    from annotator.core.importers import TICK_EVERY

    class Stop(Exception):
        pass

    first = tmp_path / "a.jsonl"
    first.write_text('{"text": "small file"}\n', encoding="utf-8")
    big = tmp_path / "b.jsonl"
    big.write_text("".join(json.dumps({"text": f"article {n}"}) + "\n" for n in range(TICK_EVERY * 3)))
    ticks = []

    def tick(path, count):
        ticks.append((path.name, count))
        if count >= TICK_EVERY * 2:
            raise Stop

    with Store.open(tmp_path / "p.annotator") as store:
        with pytest.raises(Stop):
            import_paths(store, [first, big], tick=tick)
        assert ticks == [("b.jsonl", TICK_EVERY), ("b.jsonl", TICK_EVERY * 2)]
        assert [store.article(i).text for i in store.article_ids()] == ["small file"]


def test_jsonl_integers_of_any_size_are_kept_exactly(tmp_path):
    """orjson reads 2**64 and beyond as a float (12345678901234567890123 came back as 1.2e22):
    records are parsed by the standard library, which keeps them exact."""
    huge = 12345678901234567890123
    path = jsonl(tmp_path / "big.jsonl", {"text": "Body", "id": huge, "meta": {"n": -(2**70), "m": 2**64}})
    with Store.open(tmp_path / "p.annotator") as store:
        import_paths(store, [path])
        (article,) = [store.article(i) for i in store.article_ids()]
    assert article.meta == {"n": -(2**70), "m": 2**64, "source_id": huge}


def test_jsonl_an_unknown_status_is_said_in_the_summary(tmp_path):
    records = {"text": "d e f", "status": "DONE"}, {"text": "g h", "status": "done"}
    path = jsonl(tmp_path / "odd.jsonl", *records)
    with Store.open(tmp_path / "p.annotator", annotator="ana") as store:
        summary = import_paths(store, [path])
        assert [store.article(i).status for i in store.article_ids()] == [Status.NEW, Status.DONE]
    said = "odd.jsonl: 1 record with an unknown status (stored as new, the status kept in meta)"
    assert said in summary.notes


def test_read_ahead_prepares_every_article_on_its_thread_then_raises_what_reading_raised():
    def source():
        yield NewArticle(title="a", text="one")
        yield NewArticle(title="b", text="two")
        raise ImportRefused(Path("f.jsonl"), "broken record", 3)

    def prepare(article):
        return article.text, threading.current_thread().name

    got = []
    with pytest.raises(ImportRefused, match="f.jsonl line 3: broken record"):
        for prepared in read_ahead(source(), prepare, limit=1):  # one at a time: the reader waits
            got.append(prepared)
    assert got == [("one", "import-reader"), ("two", "import-reader")]


def test_closing_read_ahead_stops_its_thread_and_closes_the_file_there():
    closed = []

    def endless():
        try:
            for n in itertools.count():
                yield NewArticle(title=str(n), text="words " * 10)
        finally:
            closed.append(threading.current_thread().name)

    ahead = read_ahead(endless(), limit=100)
    assert next(ahead).title == "0"
    ahead.close()
    assert closed == ["import-reader"]
    assert "import-reader" not in [thread.name for thread in threading.enumerate()]


def test_an_import_gives_back_the_page_cache_it_enlarged(tmp_path):
    good = jsonl(tmp_path / "good.jsonl", {"text": "A body of text", "label": [[0, 1, "x"]]})
    bad = jsonl(tmp_path / "bad.jsonl", {"text": "Another body"}, {"text": "Third", "label": [[0, 99, "x"]]})
    with Store.open(tmp_path / "p.annotator") as store:
        before = store.conn.execute("PRAGMA cache_size").fetchone()
        summary = import_paths(store, [good, bad])
        assert summary.articles == 1 and len(summary.refused) == 1
        assert store.conn.execute("PRAGMA cache_size").fetchone() == before


def test_read_ahead_closed_on_its_own_thread_does_not_wait_for_itself():
    """The garbage collector may close a forgotten read_ahead on whichever thread it runs,
    the reader's own included (seen when a StoreError left one behind)."""
    box: dict = {}
    closed = threading.Event()

    def prepare(article):
        if article.title == "2":
            try:
                box["ahead"].close()
            except RuntimeError as error:  # "cannot join current thread"
                box["error"] = error
            closed.set()
        return article

    articles = (NewArticle(title=str(n), text="words") for n in range(5))
    box["ahead"] = ahead = read_ahead(articles, prepare, limit=1)
    assert next(ahead).title == "0"
    assert closed.wait(timeout=30)
    assert "error" not in box


def test_paced_read_ahead_reads_on_when_told_or_when_nothing_is_left():
    """An import's reading waits once full until the store starts to index (or everything read
    has been taken: it never waits for a signal that will not come)."""
    read = []

    def source():
        for n in range(6):
            read.append(n)
            yield NewArticle(title=str(n), text="x" * 10)

    indexing = threading.Event()
    ahead = read_ahead(source(), limit=20, paced=indexing)
    first = next(ahead)
    deadline = time.monotonic() + 5
    while len(read) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert first.title == "0" and read == [0, 1, 2]  # full: two waiting, the third held back
    indexing.set()  # the store indexes: reading goes on until full again
    while len(read) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert read == [0, 1, 2, 3]
    assert [article.title for article in ahead] == ["1", "2", "3", "4", "5"]  # drained: no signal needed


@pytest.mark.parametrize(("threshold", "reader"), [(10**9, "MainThread"), (0, "import-reader")])
def test_a_large_file_is_read_on_a_thread_of_its_own_a_small_one_here(
    tmp_path, monkeypatch, threshold, reader
):
    import annotator.core.formats as formats

    threads = []
    original = formats.prepared

    def prepared(article):
        threads.append(threading.current_thread().name)
        return original(article)

    monkeypatch.setattr(formats, "prepared", prepared)
    monkeypatch.setattr(formats, "READ_AHEAD_FROM_BYTES", threshold)
    path = jsonl(tmp_path / "two.jsonl", {"text": "Aardvark one"}, {"text": "Aardvark two"})
    with Store.open(tmp_path / "p.annotator") as store:
        assert import_paths(store, [path]).articles == 2
        assert len(store.article_ids()) == 2
    assert threads == [reader, reader]
