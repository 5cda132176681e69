"""Every exchange format in one registry: what it carries, how to read it, how to write it.

`FORMATS` maps a name to a `Format`. The CLI (`import --format`, `export --format`) and the GUI's
export dialog list it, so a format added here is offered everywhere. Each format's module states
its offset unit at the top. Writing goes to a temporary file or folder next to the target that is
moved into place only when complete (`export_to_path`); reading is one transaction per file
(`import_format`), like the suffix-based importer.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from annotator.core import exporters
from annotator.core.exporters import ExportSummary, Rows
from annotator.core.formats import brat, conll, doccano, label_studio, refi_qda, spacy_docbin, webanno
from annotator.core.formats.common import ReadOptions, WriteOptions
from annotator.core.importers import ImportSummary, find_files, iter_file, read_csv, read_jsonl, store_file
from annotator.core.model import NewArticle, Status
from annotator.core.output import check_target, place_folder

if TYPE_CHECKING:
    from annotator.core.store import Store

log = logging.getLogger(__name__)

Reader = Callable[[Path, ReadOptions], Iterable[NewArticle]]
Writer = Callable[[Rows, Any, WriteOptions], ExportSummary]  # out: TextIO, or a Path (binary/folder)


@dataclass(frozen=True)
class Format:
    """One exchange format. `output` is "text" (the writer gets an open text stream), "binary"
    (a file path) or "folder" (a folder path); `inputs` are the file suffixes an import looks for
    inside a folder; `companion` makes a second file written beside the output (a tool's config)."""

    name: str
    description: str
    carries: frozenset[str]
    reader: Reader | None
    writer: Writer | None
    output: str = "text"
    suffix: str = ""
    inputs: tuple[str, ...] = ()
    companion: Callable[[WriteOptions], tuple[str, str]] | None = None


def _jsonl_writer(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    return exporters.write_jsonl(rows, out, options.progress)


def _csv_writer(rows: Rows, out: TextIO, options: WriteOptions) -> ExportSummary:
    summary = exporters.write_csv(rows, out, options.progress, options.neutralise_formulas)
    left = ("CSV: relations, article text and article metadata are not part of the span table",)
    return ExportSummary(summary.articles, summary.spans, left)


def _jsonl_reader(path: Path, options: ReadOptions) -> Iterable[NewArticle]:
    bad = options.notes if options.skip_bad else None
    hint = " (--skip-bad imports the other records)"
    return iter_file(path, lambda p: read_jsonl(p, options.text_field, options.label_field, bad, hint))


def _csv_reader(path: Path, options: ReadOptions) -> Iterable[NewArticle]:
    return iter_file(path, read_csv)


_ALL = frozenset({"spans", "overlaps", "relations", "attributes", "notes", "annotator", "status", "metadata"})

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("jsonl", "annotator JSONL: one article per line (loads in pandas and datasets)", _ALL,
               _jsonl_reader, _jsonl_writer, suffix=".jsonl", inputs=(".jsonl",)),
        Format("csv", "CSV: one span per row (import reads article tables with a text column)",
               _ALL - {"relations"},
               _csv_reader, _csv_writer, suffix=".csv", inputs=(".csv",)),
        Format("doccano", "doccano JSONL for sequence labelling ([start, end, label])",
               doccano.CARRIES, _jsonl_reader, doccano.write_labels, suffix=".jsonl", inputs=(".jsonl",)),
        Format("doccano-relations", "doccano JSONL with entities and relations",
               doccano.CARRIES_RELATIONS, _jsonl_reader, doccano.write_relations,
               suffix=".jsonl", inputs=(".jsonl",)),
        Format("label-studio", "Label Studio JSON tasks (plus the labeling config as .xml beside it)",
               label_studio.CARRIES, label_studio.read, label_studio.write, suffix=".json",
               inputs=(".json",), companion=label_studio.companion),
        Format("brat", "brat standoff: a folder of .txt/.ann pairs with annotation.conf",
               brat.CARRIES, brat.read, brat.write, output="folder", inputs=(".ann",)),
        Format("webanno", "WebAnno TSV 3.3 (INCEpTION): a folder of one .tsv per article",
               webanno.CARRIES, webanno.read, webanno.write, output="folder", inputs=(".tsv",)),
        Format("conll", "CoNLL IOB2: token and tag, one layer (overlaps dropped)", conll.CARRIES,
               conll.read, conll.write, suffix=".conll", inputs=(".conll", ".iob", ".bio")),
        Format("spacy", "spaCy DocBin: all spans in doc.spans['sc'], non-overlapping ones as doc.ents",
               spacy_docbin.CARRIES, spacy_docbin.read, spacy_docbin.write, output="binary",
               suffix=".spacy", inputs=(".spacy",)),
        Format("qdpx", "REFI-QDA project (NVivo, MAXQDA, ATLAS.ti)", refi_qda.CARRIES, refi_qda.read,
               refi_qda.write, output="binary", suffix=".qdpx", inputs=(".qdpx", ".qde", ".qdc")),
    )
}  # fmt: skip


def get(name: str) -> Format:
    """The format called `name`; ValueError naming the choices otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"Unknown format {name!r}; choose one of {', '.join(FORMATS)}.") from None


# The format an output's suffix stands for when none is named (the first format having it).
_BY_SUFFIX = {".jsonl": "jsonl", ".csv": "csv", ".json": "label-studio", ".conll": "conll",
              ".iob": "conll", ".bio": "conll", ".spacy": "spacy", ".qdpx": "qdpx"}  # fmt: skip


def output_format(name: str | None, path: Path | str) -> str:
    """The format to write to `path`: `name` if given, else the one its suffix stands for (JSONL
    without a suffix or for standard output). ValueError for an unknown suffix without a name,
    or a suffix that stands for another format than `name`."""
    suffix = Path(str(path)).suffix.lower() if str(path) != "-" else ""
    implied = _BY_SUFFIX.get(suffix)
    if name is None:
        if suffix and implied is None:
            raise ValueError(f"Which format is {path}? Name it with --format ({suffix} is not one of ours).")
        return implied or "jsonl"
    fmt = get(name)
    if implied is not None and suffix != fmt.suffix and suffix not in fmt.inputs:
        raise ValueError(
            f"{path} looks like {implied} ({suffix}) but --format is {name}; "
            f"name the output {'*' + fmt.suffix if fmt.suffix else 'without a suffix'} or drop --format."
        )
    return name


# ----------------------------------------------------------------------------- export
def export_stream(
    store: Store,
    name: str,
    out: TextIO,
    *,
    status: Iterable[Status] = (),
    labels: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
    neutralise_formulas: bool = True,
    annotator: str | None = None,
) -> ExportSummary:
    """Write a text format to an open stream (standard output, a test's StringIO)."""
    fmt = _writable(name)
    if fmt.output != "text":
        raise ValueError(f"{name} writes a {fmt.output} output; give a path, not a stream.")
    options = WriteOptions(store.labels(), progress, neutralise_formulas)
    return fmt.writer(store.iter_annotated(status=status, labels=labels, annotator=annotator), out, options)


def export_to_path(
    store: Store,
    name: str,
    path: Path,
    *,
    status: Iterable[Status] = (),
    labels: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
    neutralise_formulas: bool = True,
    newlines: str = "lf",
    annotator: str | None = None,
    replace: bool = False,
) -> ExportSummary:
    """Write format `name` to `path` (a file, or a folder for brat) through a temporary sibling
    moved into place only when complete: a failed export leaves no half output. A folder export
    into a folder that holds files adds its own beside them (`output.place_folder`; `replace`
    lets it replace same-named ones). OSError passes; OutputRefused when the path would harm the
    project or what the folder holds."""
    fmt = _writable(name)
    path = Path(path)
    options = WriteOptions(store.labels(), progress, neutralise_formulas, newlines, store.relation_types())
    companion = fmt.companion(options) if fmt.companion is not None else None
    for target in (path, *([path.with_suffix(companion[0])] if companion else [])):
        check_target(store.path, target)
    parent = path.parent if str(path.parent) else Path(".")
    rows = store.iter_annotated(status=status, labels=labels, annotator=annotator)
    if fmt.output == "folder":
        if path.exists() and not path.is_dir():
            raise OSError(f"{path} exists and is not a folder")
        temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=parent))
        _usual_mode(temp, folder=True)
        try:
            summary = fmt.writer(rows, temp, options)
            place_folder(temp, path, store.path, replace)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    else:
        handle, name_ = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
        temp = Path(name_)
        _usual_mode(temp)
        try:
            if fmt.output == "text":
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                    summary = fmt.writer(rows, out, options)
            else:
                os.close(handle)
                summary = fmt.writer(rows, temp, options)
            if companion is not None:
                _write_atomically(path.with_suffix(companion[0]), companion[1])
            os.replace(temp, path)
        finally:
            if temp.exists():
                temp.unlink()
    log.info("exported %d articles, %d spans as %s to %s", summary.articles, summary.spans, name, path)
    return summary


def _writable(name: str) -> Format:
    fmt = get(name)
    if fmt.writer is None:
        raise ValueError(f"{name} can be imported but not exported.")
    return fmt


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _usual_mode(path: Path | str, folder: bool = False) -> None:
    """mkstemp/mkdtemp make private files (0600/0700); an export is for colleagues and servers
    too, so it gets the mode a plain `open` would give (0644/0755 under the usual umask)."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


def _write_atomically(path: Path, content: str) -> None:
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    _usual_mode(temp)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


# ----------------------------------------------------------------------------- import
@dataclass
class FormatImportSummary(ImportSummary):
    """`ImportSummary` plus one line per span realigned or record ignored (never silent)."""

    notes: list[str] = field(default_factory=list)


def find_inputs(fmt: Format, paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The files to read: given files as they are, folders searched for the format's suffixes."""
    files, problems = find_files(paths, fmt.inputs, any_named=True)
    return files, [f"{path}: {reason}" for path, reason in problems]


def import_format(
    store: Store,
    name: str,
    paths: Iterable[Path],
    *,
    realign: bool = False,
    skip_bad: bool = False,
    text_field: str = "text",
    label_field: str = "label",
    progress: Callable[[Path], None] | None = None,
) -> FormatImportSummary:
    """Import files of format `name`, one transaction per file: all of a file or none of it.
    Each file's notes and its counts of what was kept in another shape or left out follow."""
    fmt = get(name)
    if fmt.reader is None:
        raise ValueError(f"{name} can be exported but not imported.")
    summary = FormatImportSummary()
    files, problems = find_inputs(fmt, paths)
    summary.refused.extend(problems)
    for path in files:
        options = ReadOptions(realign, skip_bad, text_field, label_field)
        if store_file(store, path, fmt.reader(path, options), summary, options.labels):
            summary.notes.extend(options.summary(path.name))
        if progress is not None:
            progress(path)
    return summary
