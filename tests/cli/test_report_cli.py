"""`annotator report` and `annotator codebook` on the hand-counted project of tests/conftest.py."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import pytest
from click.testing import CliRunner
from coded_project import build_coded_project

from annotator.cli import cli
from annotator.core import analysis

HOSTILE = "=cmd|' /C calc'!A0 <script>alert(1)</script>"


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "coded.annotator"
    store, _ = build_coded_project(path)
    store.close()
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def test_report_writes_every_table_as_csv_and_one_html_page(project, tmp_path):
    page, folder = tmp_path / "report.html", tmp_path / "tables"
    result = run(project, "report", "--html", str(page), "--csv-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in folder.iterdir()) == sorted(analysis.TABLES)
    with (folder / "quoted_actors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["actor", "quotes", "direct", "indirect", "articles", "outlets"]
    assert rows[1] == ["Sergey Lavrov", "3", "2", "1", "2", "Herald 2, Courier 1"]
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == len(analysis.TABLES)
    assert "Most-quoted actors" in text and "Sergey Lavrov" in text
    assert not re.search(r"https?://", text), "the page must not refer to the network"
    links = re.findall(r"""\b(src|href|xlink:href|action)\s*=\s*["']?([^"' >]*)""", text, re.IGNORECASE)
    assert links and all(url.startswith(("#", "data:image/")) for _, url in links)  # inside the page
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert "Content-Security-Policy" in text


def test_report_filters_like_the_window(project, tmp_path):
    folder = tmp_path / "tables"
    result = run(project, "report", "--csv-dir", str(folder), "--annotator", "bob", "--since", "2024-01-16")
    assert result.exit_code == 0, result.output
    with (folder / "labels_by_outlet.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert rows == [
        ["quote", "Courier", "2", "1", "1", "1.0"],
        ["actor", "Courier", "2", "1", "1", "1.0"],
        ["framing", "Courier", "1", "1", "1", "1.0"],
    ]


def test_project_text_is_escaped_in_the_page_and_guarded_in_csv(project, tmp_path):
    from annotator.core.store import Store

    with Store.open(project) as store:
        span = store.span(next(s.id for s in store.spans(store.article_ids()[3]) if s.label == "actor"))
        store.update_span(span.id, attributes={"type": "group", "normalised_name": HOSTILE})
    page, folder = tmp_path / "report.html", tmp_path / "tables"
    assert run(project, "report", "--html", str(page), "--csv-dir", str(folder)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    cells = [row[0] for row in csv.reader((folder / "quoted_actors.csv").open(encoding="utf-8", newline=""))]
    assert "'" + HOSTILE in cells


@pytest.mark.parametrize(
    "args, coders",
    [([], "Spans coded by all annotators."), (["--annotator", "bob"], "Spans coded by bob.")],
)
def test_report_page_names_whose_spans_it_counts(project, tmp_path, args, coders):
    page = tmp_path / "report.html"
    assert run(project, "report", "--html", str(page), *args).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert coders in text
    assert "by annotator." not in text  # was: "Made … by annotator." with no annotator given


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "last week"], "--since must be a date like 2024"),
        (["--since", "2024-13"], "--since must be a date like 2024"),
        (["--until", "2023-02-29"], "--until must be a date like 2024"),
        (["--label", "nonsense"], "No label named 'nonsense'"),
        (["--status", "finished"], "Invalid value for '--status'"),
    ],
)
def test_report_refuses_bad_filters_clearly(project, args, message):
    result = CliRunner().invoke(cli, ["--db", str(project), "report", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_report_never_writes_onto_the_project(project):
    from annotator.core.store import Store

    result = CliRunner().invoke(cli, ["--db", str(project), "report", "--html", str(project)])
    assert result.exit_code != 0 and "project file itself" in result.output
    with Store.open(project) as store:
        assert len(list(store.iter_annotated())) == 5


def test_report_without_outputs_lists_the_tables(project):
    result = run(project, "report")
    assert result.exit_code == 0
    assert "Most-quoted actors: 4 rows" in result.output


def test_codebook_markdown_has_scheme_descriptions_and_examples(project, tmp_path):
    from annotator.core.store import Store

    with Store.open(project) as store:
        quote = store.label("quote")
        kind = replace(
            quote.attributes[0],
            description="How the words are reported.",
            value_descriptions=(("direct", "Word for word, in quotation marks."),),
        )
        store.update_label(replace(quote, description="Reported *speech* <b>here</b>.", attributes=(kind,)))
    out = tmp_path / "codebook.md"
    result = run(project, "codebook", "-o", str(out), "--examples", "2")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "## quote" in text and "Colour `#3c8dde` — key Q" in text
    assert r"Reported \*speech\* \<b\>here\</b\>." in text
    assert "- **kind** (one of): How the words are reported." in text
    assert "  - *direct*: Word for word, in quotation marks." in text
    quote_part = text[text.index("## quote") : text.index("## actor")]
    assert quote_part.count("> …") == 2  # two examples, from two articles
    assert "**“We warn you.”**" in quote_part
    assert "Relations:\n\n- said\\_by → actor (at most one)" in quote_part  # the scheme's rule


def test_codebook_states_the_relation_rules_the_project_sets(project, tmp_path):
    from annotator.core.scheme import RelationRule
    from annotator.core.store import Store

    with Store.open(project) as store:
        store.set_relation_rules([RelationRule("said_by", "quote", ("actor", "claim"), single=False)])
    out = tmp_path / "codebook.html"
    assert run(project, "codebook", "-o", str(out)).exit_code == 0
    assert "<li>said_by → claim or actor (any number)</li>" in out.read_text(encoding="utf-8")


def test_codebook_html_escapes_and_shows_examples(project, tmp_path):
    from annotator.core.store import Store

    with Store.open(project) as store:
        store.update_label(replace(store.label("actor"), description=HOSTILE))
    out = tmp_path / "codebook.html"
    assert run(project, "codebook", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<mark" in text and "Sergey Lavrov</mark>" in text
    assert not re.search(r"https?://", text)


def snapshot(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--annotator", "ana", "--annotator", "bob", "--status", "done", "--status", "new"],
        ["codebook", "--md"],
    ],
)
def test_report_and_codebook_only_read_the_project(project, tmp_path, args):
    """No annotator recorded, no backup, no -wal left behind: the project's folder is byte for
    byte what it was (outputs go elsewhere)."""
    out = tmp_path / "out"
    out.mkdir()
    target = ["-o", str(out / "codebook.md")] if args[0] == "codebook" else ["--csv-dir", str(out / "tables")]
    before = snapshot(project.parent)
    result = CliRunner().invoke(
        cli, ["--db", str(project), "--annotator", "someone-new", *args, *target], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert snapshot(project.parent) == before
    assert [p.name for p in project.parent.iterdir() if p.is_dir()] == ["out"]  # no backups folder
    assert any(out.rglob("*.*"))
