from __future__ import annotations

import csv
import gc
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.model import NewArticle
from annotator.core.project import default_project_path
from annotator.core.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TRICKY = "Zelensky 🇺🇦 said: «café» is e\u0301cole 😀.\r\nقال الوزير\r\nEnd"


def run(*args: str, db: Path | None = None):
    argv = (["--db", str(db)] if db else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False)


def commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert cli.commands[name].help and "Example:" in cli.commands[name].help


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and "annotator" in result.output


def test_import_seeds_and_export_jsonl_keeps_text(tmp_path):
    db, out = tmp_path / "t.db", tmp_path / "out.jsonl"
    assert run("import", str(SEEDS), db=db).exit_code == 0
    result = run("export", "--format", "jsonl", "-o", str(out), db=db)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    seeds = sorted(p.read_text(encoding="utf-8").replace("\r\n", "\n") for p in SEEDS.glob("*.txt"))
    assert sorted(row["text"] for row in rows) == seeds


def test_doccano_spans_survive_both_exports(tmp_path):
    db = tmp_path / "t.db"
    pieces = ["Zelensky", "🇺🇦", "«café»", "e\u0301cole", "😀", "قال الوزير"]
    label = [[TRICKY.index(p), TRICKY.index(p) + len(p), "actor"] for p in pieces]
    source = tmp_path / "doccano.jsonl"
    source.write_text(
        json.dumps({"text": TRICKY, "label": label}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result = run("import", str(source), db=db)
    assert result.exit_code == 0 and "6 spans" in result.output
    run("export", "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), db=db)
    run("export", "--format", "csv", "-o", str(tmp_path / "o.csv"), db=db)
    (row,) = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(s["text"] for s in row["spans"]) == sorted(pieces)
    assert all(row["text"][s["start"] : s["end"]] == s["text"] for s in row["spans"])
    with (tmp_path / "o.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["text"] for r in rows) == sorted(pieces)
    assert all(row["text"][int(r["start"]) : int(r["end"])] == r["text"] for r in rows)


def test_bad_files_are_refused_and_nothing_changes(tmp_path):
    db = tmp_path / "t.db"
    run("import", str(SEEDS), db=db)
    with Store.open(db) as store:
        before = store.conn.execute("SELECT id, text FROM articles ORDER BY id").fetchall()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A fine article\n\nWith a body.", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.jsonl").write_text(
        '{"text": "one"}\n{"text": "two"}\n{"text": oops}\n', encoding="utf-8"
    )
    (folder / "notext.csv").write_text("title,body\nA,B\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(folder)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Imported 1 article " in result.output
    for name in ("binary.txt", "empty.txt", "broken.jsonl", "notext.csv"):
        assert name in result.output
    assert "line 3" in result.output
    with Store.open(db) as store:
        after = store.conn.execute("SELECT id, text FROM articles ORDER BY id").fetchall()
    assert after[: len(before)] == before
    assert [text for _, text in after[len(before) :]] == ["A fine article\n\nWith a body."]


def test_missing_path_and_corrupt_project_give_clear_errors(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "t.db"), "import", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0 and "nope.txt" in result.output and "Traceback" not in result.output
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(b"this is not a database" * 50)
    result = CliRunner().invoke(cli, ["--db", str(junk), "stats"])
    assert result.exit_code == 1 and "not an annotator project" in result.output
    assert junk.read_bytes() == b"this is not a database" * 50


def test_articles_stats_labels_search(tmp_path):
    db = tmp_path / "t.db"
    run("import", str(SEEDS), db=db)
    articles = run("articles", db=db).output
    assert "Russia Opposes Security Partnership" in articles
    stats = run("stats", db=db).output
    assert "Articles: 2" in stats and "claim" in stats
    labels = run("labels", db=db).output
    assert "framing" in labels and "Security and defense" in labels
    assert "relation said_by → actor (at most one)" in labels
    found = run("search", "Lavrov", db=db).output
    assert "Russia Opposes" in found and "«" in found
    for hostile in ['"unbalanced', "AND(", "'; DROP TABLE articles; --", "*", "NEAR"]:
        result = run("search", hostile, db=db)
        assert result.exit_code == 0
    assert run("stats", db=db).output == stats


def test_export_filters_and_formula_guard(tmp_path):
    db = tmp_path / "t.db"
    source = tmp_path / "a.jsonl"
    text = "=HYPERLINK(x) said Bob"
    source.write_text(json.dumps({"text": text, "label": [[0, 13, "claim"], [19, 22, "actor"]]}) + "\n")
    run("import", str(source), db=db)
    out = tmp_path / "o.csv"
    assert run("export", "--format", "csv", "--label", "claim", "-o", str(out), db=db).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["text"] for r in rows] == ["'=HYPERLINK(x)"]
    run("export", "--format", "csv", "--no-formula-guard", "-o", str(out), db=db)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert sorted(r["text"] for r in rows) == ["=HYPERLINK(x)", "Bob"]
    result = CliRunner().invoke(cli, ["--db", str(db), "export", "--label", "nope", "-o", str(out)])
    assert result.exit_code == 1 and "nope" in result.output
    empty = tmp_path / "none.jsonl"
    assert run("export", "--status", "done", "-o", str(empty), db=db).exit_code == 0
    assert empty.read_text() == ""


def test_first_run_fills_the_default_project_with_seeds():
    result = run("stats")
    assert result.exit_code == 0
    assert "Articles: 2" in result.output
    assert default_project_path().exists()
    assert "Articles: 2" in run("stats").output


def test_env_var_selects_the_project(tmp_path, monkeypatch):
    db = tmp_path / "env.annotator"
    monkeypatch.setenv("ANNOTATOR_DB", str(db))
    assert f"No project at {db}." in run("stats").output  # a command that only reads makes none
    assert not db.exists()
    (tmp_path / "a.txt").write_text("Title\nText.", encoding="utf-8")
    assert run("import", str(tmp_path / "a.txt")).exit_code == 0
    assert db.exists() and "Articles: 1" in run("stats").output


def test_core_and_cli_do_not_load_qt(tmp_path):
    Store.open(tmp_path / "q.db").close()
    code = (
        "import sys\n"
        "import annotator.core.store, annotator.core.importers, annotator.core.formats\n"
        "from click.testing import CliRunner\n"
        "from annotator.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['--db', {str(tmp_path / 'q.db')!r}, 'stats'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert not any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules), 'Qt loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def assert_stats_loads_none_of(tmp_path, modules: tuple[str, ...]) -> None:
    """`annotator stats` on an existing project (no migration to run), in a new interpreter, leaves
    every one of `modules` unloaded."""
    Store.open(tmp_path / "q.db").close()
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from annotator.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['--db', {str(tmp_path / 'q.db')!r}, 'stats'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"loaded = [m for m in {modules!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_everyday_commands_do_not_load_numpy_or_matplotlib(tmp_path):
    """They are for analysis only: loading them costs every command start-up time, and the
    standalone app once failed at start because a top-level import pulled numpy in."""
    assert_stats_loads_none_of(tmp_path, ("numpy", "matplotlib"))


def test_a_command_loads_only_what_it_uses(tmp_path):
    """Every command starts through the same module: what only some commands need (agreement,
    merging, search, the recommenders, encoding detection) is imported by those commands."""
    assert_stats_loads_none_of(
        tmp_path,
        (
            "annotator.core.agreement",
            "annotator.core.merge",
            "annotator.core.search",
            "annotator.core.occurrences",
            "annotator.core.suggest.quotes",
            "annotator.core.suggest.actors",
            "annotator.core.suggest.learned",
            "charset_normalizer",
            "ctypes",
            "subprocess",
            "sqlite_utils",
        ),
    )


def test_no_command_without_gui_explains(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_gui(name, *args, **kwargs):
        if name.startswith("annotator.gui"):
            raise ImportError("no Qt here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_gui)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # past the display check, to the import
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 1 and "command line works" in result.output
    assert isinstance(cli, click.Group)
    assert gc.isenabled()  # the collector, paused for the window's start, runs again


def test_the_name_chosen_in_the_window_is_recorded_by_the_command_line(tmp_path, monkeypatch):
    from annotator.core.identity import save_name

    monkeypatch.delenv("ANNOTATOR_NAME")
    save_name("Ana Lima")
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"text": "Lavrov spoke.", "label": [[0, 6, "actor"]]}) + "\n")
    assert run("import", str(source), db=tmp_path / "t.db").exit_code == 0
    with Store.open(tmp_path / "t.db") as store:
        (span,) = store.spans(store.article_ids()[0])
    assert span.annotator == "Ana Lima"


def test_a_search_says_how_many_words_it_left_out(tmp_path):
    db = tmp_path / "p.annotator"
    words = " ".join(f"w{n}" for n in range(20))
    with Store.open(db, annotator="ana") as store:
        store.add_articles([NewArticle("One", words)])
    result = run("search", words, db=db)
    assert result.exit_code == 0 and "One" in result.stdout
    assert "first 16 different words; 4 words of this query were left out" in result.stderr
    quiet = run("search", "w1 w2", db=db)
    assert "One" in quiet.stdout and quiet.stderr == ""
