"""Merge other analysts' project files into this one: what `annotator merge` means and reports.

Articles are matched by content hash (SHA-256 of the canonical text), never by id, since every
project numbers its own articles. Identities make merging idempotent and order-independent:

- a span is `(content hash, start, end, label name, annotator)`;
- a relation is `(its source span, its target span, type)` (spans carry their annotator);
- a per-annotator article status is `(content hash, annotator)`; when both sides have one, the
  more advanced wins (done > skipped > in progress > new), so either merge order gives the same.

What is already here is never changed: an identical span keeps its local attributes and note,
labels keep their local colour and key, `articles.status` (the project's workflow status) of known
articles stays. Labels are matched by name; unknown ones are added. Articles unknown here are
reported, or added with `add_articles=True`.

The other file is only read (opened read-only). A file with an older schema is first copied to a
temporary file and upgraded there. Each file is merged in one transaction: a bad file changes
nothing here. The SQL lives in the store (`store/other.py` reads, `store/merging.py` writes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core import wording
from annotator.core.errors import AnnotatorError, NotAProject, SchemeError, StoreError
from annotator.core.store import Store
from annotator.core.store.other import open_other

log = logging.getLogger(__name__)


WAL_NOTE = (
    "{name} was copied while it was open in the annotator window, and its -wal file was left "
    "behind: its newest edits may be missing. Ask for a copy made with File → Save a Copy… or "
    "`annotator copy`."
)


class MergeError(AnnotatorError):
    """The other file cannot be merged; the message names it and says why."""


@dataclass(frozen=True)
class MergeReport:
    """What merging one file did."""

    source: Path
    spans_added: int = 0
    spans_skipped: int = 0
    relations_added: int = 0
    relations_skipped: int = 0
    statuses_changed: int = 0
    articles_added: int = 0
    labels_added: tuple[str, ...] = ()
    unknown_articles: tuple[str, ...] = field(default=())  # titles of articles not merged
    notes: tuple[str, ...] = ()

    def lines(self, add_articles: bool) -> list[str]:
        """The report in the user's words, one line each (the CLI and the window show these)."""
        n = wording.count
        lines = [
            f"{self.source}: added {n(self.spans_added, 'span')} and {n(self.relations_added, 'relation')}, "
            f"skipped {n(self.spans_skipped, 'span')} and {n(self.relations_skipped, 'relation')} "
            "already here; "
            f"{n(self.statuses_changed, 'status', 'statuses')} updated"
            + (f"; {n(self.articles_added, 'article')} added" if add_articles else "")
            + "."
        ]
        if self.labels_added:
            lines.append(f"  new labels: {', '.join(self.labels_added)}")
        lines += [f"  note: {note}" for note in self.notes]
        if self.unknown_articles:
            lines.append(
                f"  {wording.count(len(self.unknown_articles), 'article')} unknown here (not merged; "
                "--add-articles adds them):"
            )
            lines += [f"    {title}" for title in self.unknown_articles]
        return lines


def merge_project(store: Store, path: str | Path, add_articles: bool = False) -> MergeReport:
    """Bring the spans, relations, labels and per-annotator statuses of the project at `path`
    into `store`, in one transaction."""
    path = Path(path)
    try:
        with open_other(path, store.path) as other:
            copy_notes = (WAL_NOTE.format(name=path.name),) if other.window_sessions() else ()
            counts = store.merge_from(other, add_articles)
    except NotAProject as error:
        raise MergeError(str(error)) from None
    except (SchemeError, StoreError) as error:
        reason = str(error).rstrip(".")
        raise MergeError(f"Cannot merge {path}: {reason}. Nothing was changed.") from None
    report = MergeReport(
        path,
        spans_added=counts.spans_added,
        spans_skipped=counts.spans_skipped,
        relations_added=counts.relations_added,
        relations_skipped=counts.relations_skipped,
        statuses_changed=counts.statuses_changed,
        articles_added=counts.articles_added,
        labels_added=tuple(counts.labels_added),
        notes=(*copy_notes, *counts.notes),
        unknown_articles=tuple(counts.unknown_articles),
    )
    log.info("merged %s: %s", path, report)
    return report
