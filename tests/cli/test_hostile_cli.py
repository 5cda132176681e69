"""The command line with hostile files and damaged projects (issue 11): every file gets its line
in the summary, the exit code says something was refused, and there is never a traceback."""

from __future__ import annotations

import json
import sys

from click.testing import CliRunner

from annotator.cli import cli


def run(db, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def test_a_bad_label_studio_file_is_refused_and_the_others_import(tmp_path):
    deep = tmp_path / "a_deep.json"
    deep.write_text('[{"data": {"text": "x"}, "annotations": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    good = tmp_path / "b_good.json"
    good.write_text(json.dumps([{"data": {"text": "A good article."}}]))
    result = run(tmp_path / "p.annotator", "import", "--format", "label-studio", str(deep), str(good))
    assert result.exit_code == 1
    assert "Imported 1 article with 0 spans; skipped 0 duplicates; refused 1 file." in result.output
    assert "refused: a_deep.json: not valid JSON (nested too deeply)" in result.output


def test_import_as_spacy_without_spacy_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    path = tmp_path / "corpus.spacy"
    path.write_bytes(b"\x00")
    result = run(tmp_path / "p.annotator", "import", "--format", "spacy", str(path))
    assert result.exit_code == 1
    needs = "the spaCy format needs the spacy package (pip install spacy)"
    assert f"refused: corpus.spacy: {needs}" in result.output
