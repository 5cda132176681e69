"""Fuzz the peer-format readers (annotator/core/formats): random bytes and mutated exports.

Each format's own export of a small project is the valid sample; its bytes are flipped, inserted
or deleted. A file is read into articles or refused with `ImportRefused`, never another exception,
and through `import_paths` a refused file leaves the store unchanged.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_importers import counts, edits, mutate

from annotator.core.importers import ImportRefused
from annotator.core.model import NewArticle, NewSpan
from annotator.core.store import Store

formats = pytest.importorskip("annotator.core.formats")
from annotator.core.formats.common import ReadOptions  # noqa: E402

EXAMPLES = int(os.environ.get("ANNOTATOR_FUZZ_EXAMPLES", "100")) // 4
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The spaCy format needs spaCy, which the Qt-free CI venv does not install.
NEEDS = {"spacy": "spacy"}
READABLE = sorted(
    name
    for name, fmt in formats.FORMATS.items()
    if fmt.reader is not None and (name not in NEEDS or importlib.util.find_spec(NEEDS[name]))
)
TEXT = "Lavrov said: «The alliance is a threat 😀.»\nKyiv answered."


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """name → (folder holding the export, the file the reader is given)."""
    folder = tmp_path_factory.mktemp("samples")
    with Store.open(folder / "source.annotator") as store:
        spans = (NewSpan(0, 6, "actor"), NewSpan(13, 43, "quote"), NewSpan(18, 40, "claim"))
        store.add_articles([NewArticle("One", TEXT, spans=spans), NewArticle("Two", "Zelensky spoke.")])
        found = {}
        for name in READABLE:
            fmt = formats.FORMATS[name]
            target = folder / name / (f"export{fmt.suffix}" if fmt.output != "folder" else "out")
            target.parent.mkdir()
            try:
                formats.export(store, name, target)
            except (ImportError, ImportRefused, ValueError) as error:  # e.g. spaCy not installed
                found[name] = error
                continue
            inputs = sorted(p for p in target.parent.rglob("*") if p.suffix.lower() in fmt.inputs)
            found[name] = (target.parent, inputs[0])
    # The CSV export is a span table that import refuses on purpose; CSV reads article tables.
    table = folder / "csv" / "export.csv"
    table.write_text(f'title,outlet,text\nOne,TASS,"{TEXT}"\nTwo,,Zelensky spoke.\n', encoding="utf-8")
    return found


def read(name: str, path) -> None:
    try:
        articles = list(formats.FORMATS[name].reader(path, ReadOptions()))
    except ImportRefused as error:
        assert "\n" not in str(error)
        return
    for article in articles:
        for span in article.spans:
            assert 0 <= span.start < span.end <= len(article.text)


def sample(samples, name, tmp_path):
    found = samples[name]
    if isinstance(found, Exception):
        pytest.skip(f"{name} cannot be written here: {found}")
    folder, path = found
    copy = tmp_path / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy)
    return copy / path.relative_to(folder), path.read_bytes()


@pytest.mark.parametrize("name", READABLE)
def test_each_export_reads_back(samples, name, tmp_path):
    path, _ = sample(samples, name, tmp_path)
    assert list(formats.FORMATS[name].reader(path, ReadOptions()))


@pytest.mark.parametrize("name", READABLE)
@FUZZ
@given(data=st.binary(max_size=1500))
def test_random_bytes_are_read_or_refused(tmp_path, name, data):
    path = tmp_path / f"random{formats.FORMATS[name].inputs[0]}"
    path.write_bytes(data)
    read(name, path)


@pytest.mark.parametrize("name", READABLE)
@FUZZ
@given(changes=edits)
def test_mutated_exports_are_read_or_refused(samples, tmp_path, name, changes):
    path, original = sample(samples, name, tmp_path)
    path.write_bytes(mutate(original, changes))
    read(name, path)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store.open(tmp_path_factory.mktemp("fuzz_formats") / "p.annotator") as store:
        yield store


@pytest.mark.parametrize("name", READABLE)
@FUZZ
@given(changes=edits)
def test_a_refused_file_leaves_the_store_unchanged(samples, store, tmp_path, name, changes):
    path, original = sample(samples, name, tmp_path)
    path.write_bytes(mutate(original, changes))
    before = counts(store)
    summary = formats.import_paths(store, [path], name)
    if summary.refused:
        assert counts(store) == before and summary.articles == 0


def test_a_qdpx_with_an_unknown_zip_version_is_refused(samples, tmp_path):
    """Found by the fuzzer: a changed 'version needed' field made zipfile raise NotImplementedError."""
    path, original = sample(samples, "qdpx", tmp_path)
    data = bytearray(original)
    header = data.index(b"PK\x03\x04")
    data[header + 4 : header + 6] = (84).to_bytes(2, "little")  # version 8.4
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (84).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="qdpx"):
        list(formats.FORMATS["qdpx"].reader(path, ReadOptions()))
