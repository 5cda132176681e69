"""Every format in one registry: what it carries, how to read it, how to write it.

`FORMATS` maps a name to a `Format`: our JSONL and CSV, plain text and HTML pages, and every peer
tool's format. The CLI (`import --format`, `export --format`) and the window's import and export
dialogs list it, so a format added here is offered everywhere. Each format's module states its
offset unit at the top. There are two entry points: `import_paths` (one transaction per file; the
suffix chooses the format unless one is named) and `export` (to a stream, or to a path through a
temporary file or folder moved into place only when complete).
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from annotator.core.formats.common import ExportSummary, ReadOptions, Rows, WriteOptions
from annotator.core.importers import (
    ImportRefused,
    ImportSummary,
    find_files,
    iter_file,
    read_ahead,
    store_file,
    ticking,
    unsupported,
)
from annotator.core.model import NewArticle, Status
from annotator.core.output import check_target, place_folder
from annotator.core.store.articles import prepared

if TYPE_CHECKING:
    from annotator.core.store import Store

log = logging.getLogger(__name__)

Reader = Callable[[Path, ReadOptions], Iterable[NewArticle]]
Writer = Callable[[Rows, Any, WriteOptions], ExportSummary]  # out: TextIO, or a Path (binary/folder)


@dataclass(frozen=True)
class Format:
    """One exchange format. `output` is "text" (the writer gets an open text stream), "binary"
    (a file path) or "folder" (a folder path); `inputs` are the file suffixes an import looks for
    inside a folder; `companion` makes a second file written beside the output (a tool's config).

    What the format carries, its reader, writer and companion are named "module:attribute" (a
    module of this package) and imported when first used: the registry itself imports none of
    them, so a command or the window starts without loading a dozen format modules. A format
    with `write_records` has a writer over `Store.iter_records` (the fast export path)."""

    name: str
    description: str
    carries_from: str
    read_with: str | None
    write_with: str | None
    output: str = "text"
    suffix: str = ""
    inputs: tuple[str, ...] = ()
    companion_from: str | None = None
    write_records: str | None = None

    @property
    def carries(self) -> frozenset[str]:
        return _load(self.carries_from)

    @property
    def reader(self) -> Reader | None:
        return _load(self.read_with)

    @property
    def writer(self) -> Writer | None:
        return _load(self.write_with)

    @property
    def companion(self) -> Callable[[WriteOptions], tuple[str, str]] | None:
        return _load(self.companion_from)

    @property
    def importable(self) -> bool:
        return self.read_with is not None

    @property
    def exportable(self) -> bool:
        return self.write_with is not None


def _load(where: str | None) -> Any:
    """The attribute named "module:attribute" of one of this package's modules, or None."""
    if where is None:
        return None
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("jsonl", "annotator JSONL: one article per line (loads in pandas and datasets)",
               "jsonl:CARRIES", "jsonl:read", "jsonl:write", suffix=".jsonl", inputs=(".jsonl",),
               write_records="jsonl:write_records"),
        Format("csv", "CSV: one span per row (import reads article tables with a text column)",
               "csv_table:CARRIES", "csv_table:read", "csv_table:write", suffix=".csv", inputs=(".csv",),
               write_records="csv_table:write_records"),
        Format("txt", "Plain text: one article per file, its first line the title", "text:CARRIES",
               "text:read_txt", None, suffix=".txt", inputs=(".txt",)),
        Format("html", "Web pages: the readable text, title, author, outlet and date", "text:CARRIES",
               "text:read_html", None, suffix=".html", inputs=(".html", ".htm")),
        Format("doccano", "doccano JSONL for sequence labelling ([start, end, label])",
               "doccano:CARRIES", "jsonl:read", "doccano:write_labels", suffix=".jsonl", inputs=(".jsonl",)),
        Format("doccano-relations", "doccano JSONL with entities and relations",
               "doccano:CARRIES_RELATIONS", "jsonl:read", "doccano:write_relations",
               suffix=".jsonl", inputs=(".jsonl",)),
        Format("label-studio", "Label Studio JSON tasks (plus the labeling config as .xml beside it)",
               "label_studio:CARRIES", "label_studio:read", "label_studio:write", suffix=".json",
               inputs=(".json",), companion_from="label_studio:companion"),
        Format("brat", "brat standoff: a folder of .txt/.ann pairs with annotation.conf",
               "brat:CARRIES", "brat:read", "brat:write", output="folder", inputs=(".ann",)),
        Format("webanno", "WebAnno TSV 3.3 (INCEpTION): a folder of one .tsv per article",
               "webanno:CARRIES", "webanno:read", "webanno:write", output="folder", inputs=(".tsv",)),
        Format("conll", "CoNLL IOB2: token and tag, one layer (overlaps dropped)", "conll:CARRIES",
               "conll:read", "conll:write", suffix=".conll", inputs=(".conll", ".iob", ".bio")),
        Format("spacy", "spaCy DocBin: all spans in doc.spans['sc'], non-overlapping ones as doc.ents",
               "spacy_docbin:CARRIES", "spacy_docbin:read", "spacy_docbin:write", output="binary",
               suffix=".spacy", inputs=(".spacy",)),
        Format("qdpx", "REFI-QDA project (NVivo, MAXQDA, ATLAS.ti)", "refi_qda:CARRIES", "refi_qda:read",
               "refi_qda:write", output="binary", suffix=".qdpx", inputs=(".qdpx", ".qde", ".qdc")),
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
def export(
    store: Store,
    name: str,
    dest: Path | TextIO,
    *,
    status: Iterable[Status] = (),
    labels: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
    neutralise_formulas: bool = True,
    newlines: str = "lf",
    annotator: str | None = None,
    replace: bool = False,
    parallel_from: int | None = None,
) -> ExportSummary:
    """Write the project (filtered by article status, span label and annotator) in format `name`
    to `dest`: an open text stream (standard output, for text formats), or a path (a file, or a
    folder for brat and WebAnno) written through a temporary sibling moved into place only when
    complete, so a failed export leaves no half output. A folder export into a folder that holds
    files adds its own beside them (`output.place_folder`; `replace` lets it replace an earlier
    export there, removing the files that one wrote and this one does not). OSError passes;
    OutputRefused when the path would harm the project or what the folder holds. The summary
    lists what the format could not carry, whatever the destination. A JSONL export of a
    project with `parallel_from` spans or more (default `jsonl_parts.PARALLEL_FROM`) is
    written by worker processes (`jsonl_parts`), byte for byte the same."""
    fmt = _writable(name)
    status, labels = tuple(status), tuple(labels)
    options = WriteOptions(
        store.labels(),
        progress,
        neutralise_formulas,
        newlines,
        store.relation_types(),
        store.relation_rules(),
    )
    if fmt.write_records is not None:
        writer, rows = _load(fmt.write_records), store.iter_records(status, labels, annotator)
    else:
        writer, rows = fmt.writer, store.iter_annotated(status=status, labels=labels, annotator=annotator)
    if fmt.name == "jsonl":
        from annotator.core.formats import jsonl_parts

        smallest = jsonl_parts.PARALLEL_FROM if parallel_from is None else parallel_from
        if jsonl_parts.worth_it(store, smallest):
            at_path = isinstance(dest, Path | str)
            folder = (Path(dest).parent if str(Path(dest).parent) else Path(".")) if at_path else None
            if not at_path:  # the parts of an export to a stream go to the system's temporary folder
                remove_stale_temps(Path(tempfile.gettempdir()), "annotator-stream")
            prefix = _temp_prefix(Path(dest) if at_path else Path("annotator-stream"))
            writer = jsonl_parts.writer(store, (status, labels, annotator), folder, prefix)
    if isinstance(dest, Path | str):
        summary = _export_to_path(store, fmt, Path(dest), writer, rows, options, replace)
    elif fmt.output != "text":
        raise ValueError(f"{name} writes a {fmt.output} output; give a path, not a stream.")
    else:
        summary = writer(rows, dest, options)
    log.info("exported %d articles, %d spans as %s", summary.articles, summary.spans, name)
    return summary


def _export_to_path(
    store: Store,
    fmt: Format,
    path: Path,
    writer: Writer,
    rows: Iterable,
    options: WriteOptions,
    replace: bool,
) -> ExportSummary:
    companion = fmt.companion(options) if fmt.companion is not None else None
    for target in (path, *([path.with_suffix(companion[0])] if companion else [])):
        check_target(store.path, target)
    parent = path.parent if str(path.parent) else Path(".")
    remove_stale_temps(parent, path.name)
    if fmt.output == "folder":
        if path.exists() and not path.is_dir():
            raise OSError(f"{path} exists and is not a folder")
        temp = Path(tempfile.mkdtemp(prefix=_temp_prefix(path), dir=parent))
        _usual_mode(temp, folder=True)
        try:
            summary = writer(rows, temp, options)
            notes = place_folder(temp, path, store.path, fmt.name, replace)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        return dataclasses.replace(summary, notes=notes)
    handle, name_ = tempfile.mkstemp(prefix=_temp_prefix(path), dir=parent)
    temp = Path(name_)
    _usual_mode(temp)
    try:
        if fmt.output == "text":
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                summary = writer(rows, out, options)
        else:
            os.close(handle)
            summary = writer(rows, temp, options)
        if companion is not None:
            _write_atomically(path.with_suffix(companion[0]), companion[1])
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()
    return summary


# An export writes into a hidden temporary sibling, moved into place when complete; a killed
# export leaves it behind (460 MB after 18 kills). The next export to the same name removes those
# untouched for STALE_AFTER seconds: one being written is touched all the time.
STALE_AFTER = 3600
_TEMP = "export-"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{_TEMP}"


def remove_stale_temps(folder: Path, name: str) -> list[Path]:
    """Remove the stale temporaries of earlier exports to `folder / name` (also those named as
    before: `.name.` and mkstemp's eight characters); the paths removed."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.(?:{_TEMP}|old\.)?[a-z0-9_]{{8}}$")
    removed = []
    try:
        entries = [entry for entry in os.scandir(folder) if pattern.match(entry.name)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError as error:
            log.warning("cannot remove the stale export file %s: %s", entry.path, error)
            continue
        removed.append(Path(entry.path))
        log.info("removed the stale export file %s", entry.path)
    return removed


def _writable(name: str) -> Format:
    fmt = get(name)
    if not fmt.exportable:
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
    handle, temp = tempfile.mkstemp(prefix=_temp_prefix(path), dir=path.parent)
    _usual_mode(temp)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


# ----------------------------------------------------------------------------- import
# What a file's suffix says it is when no format is named: our own formats and plain articles.
BY_SUFFIX = {".txt": "txt", ".html": "html", ".htm": "html", ".csv": "csv", ".jsonl": "jsonl"}
# What a refusal of a file by its suffix proposes: a peer's files are read when their format is
# named; a project is merged, not imported.
NAMED_ONLY = {
    **{
        suffix: f"import it as {name} (--format {name})"
        for name, fmt in reversed(FORMATS.items())
        if fmt.importable
        for suffix in fmt.inputs
        if suffix not in BY_SUFFIX
    },
    ".tsv": "import it as webanno (--format webanno), or as csv if it is a table of articles",
    ".annotator": "bring another project's work in with merge",
}


def import_paths(
    store: Store,
    paths: Iterable[Path],
    fmt: str | None = None,
    *,
    realign: bool = False,
    skip_bad: bool = False,
    text_field: str = "text",
    label_field: str = "label",
    progress: Callable[[Path], None] | None = None,
    tick: Callable[[Path, int], None] | None = None,
) -> ImportSummary:
    """Import every file under `paths` (folders searched recursively) in format `fmt`, or in the
    format its suffix names (`BY_SUFFIX`) when none is given: one transaction per file, all of a
    file or none of it. `progress(path)` follows each file, `tick(path, articles_read)` every
    few hundred articles within one; an exception raised by either stops the import (the file in
    progress rolls back). A refused file is one line in the summary; each file's notes and its
    counts of what was kept in another shape or left out follow. A StoreError (the project
    itself fails) propagates."""
    chosen = None if fmt is None else get(fmt)
    if chosen is not None and not chosen.importable:
        raise ValueError(f"{fmt} can be exported but not imported.")
    summary = ImportSummary()
    if chosen is None:
        files, problems = find_files(paths, tuple(BY_SUFFIX), hints=NAMED_ONLY)
    else:
        files, problems = find_files(paths, chosen.inputs, any_named=True)
    summary.refused.extend(f"{path}: {reason}" for path, reason in problems)
    for path in files:
        options = ReadOptions(realign, skip_bad, text_field, label_field, named=chosen is not None)
        indexing = threading.Event()  # reading runs while the store indexes, not while it inserts
        with closing(_reading(read(path, options, chosen), path, indexing)) as articles:
            ticked = articles if tick is None else ticking(articles, path, tick)
            stored = store_file(store, path, ticked, summary, options.labels, indexing.set)
        if stored:
            summary.notes.extend(options.summary(path.name))
        if progress is not None:
            progress(path)
    return summary


# A file this large is read on a thread of its own (`read_ahead`), paced by the store's indexing;
# a smaller one is read on the importing thread. Reading ahead pays only once the reader's buffer
# fills and it waits for the store's index batches (store.articles.INDEX_BATCH_CHARS) to read
# beside them: before that the two threads only take turns with the interpreter lock (a 12.6 MB
# Label Studio file cost 0.78-0.88 s CPU so, 0.66-0.70 s read here), and the thread starts once
# per file (a brat folder: one per article).
READ_AHEAD_FROM_BYTES = 64_000_000


def _reading(articles: Iterator[NewArticle], path: Path, indexing: threading.Event) -> Iterator:
    """`articles` made `prepared` for the store: on a reading thread if the file is large."""
    try:
        large = path.stat().st_size >= READ_AHEAD_FROM_BYTES
    except OSError:  # gone: reading it says so
        large = False
    if large:
        return read_ahead(articles, prepared, paced=indexing)
    return _prepared_here(articles)


def _prepared_here(articles: Iterator[NewArticle]) -> Iterator:
    with closing(articles):  # closed with this generator, as read_ahead closes it
        for article in articles:
            yield prepared(article)


def import_files(paths: Iterable[Path], fmt: str | None = None) -> list[Path]:
    """The files `import_paths` would read (for a progress bar's length)."""
    chosen = None if fmt is None else get(fmt)
    suffixes = tuple(BY_SUFFIX) if chosen is None else chosen.inputs
    return find_files(paths, suffixes, any_named=chosen is not None)[0]


def read(path: Path, options: ReadOptions | None = None, fmt: Format | None = None) -> Iterator[NewArticle]:
    """The articles of one file, in format `fmt` or the one its suffix names; nothing is stored.
    `ImportRefused` at the first problem."""
    options = options or ReadOptions()
    if fmt is None:
        name = BY_SUFFIX.get(Path(path).suffix.lower())
        if name is None:
            raise ImportRefused(path, unsupported(Path(path), tuple(BY_SUFFIX), NAMED_ONLY))
        fmt = FORMATS[name]
    return iter_file(path, lambda p: fmt.reader(p, options))


def read_file(path: Path) -> list[NewArticle]:
    """Parse one file (its suffix names the format) into articles or raise `ImportRefused`."""
    return list(read(path))


IMPORT_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.importable)
EXPORT_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.exportable)
