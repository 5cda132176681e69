"""Every refusal the user can meet, as one family: `str(error)` is the one sentence they see.

The CLI catches `AnnotatorError` in one place and the window's undoable commands catch only it, so
anything else that escapes is a bug and shows as one.
"""

from __future__ import annotations

from pathlib import Path


class AnnotatorError(Exception):
    """A refusal with a message the user can act on; nothing stored was changed by it."""


class NotFound(AnnotatorError, KeyError):
    """The article, span, relation or label asked for is not (or no longer) in the project."""

    def __init__(self, what: str):
        super().__init__(f"{what} is not in the project (it may have been deleted).")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class InvalidSpan(AnnotatorError, ValueError):
    """A span or relation the data model forbids (outside the text, empty, self-related …)."""


class SchemeError(AnnotatorError, ValueError):
    """A label the scheme cannot take (bad name, colour, key, attribute, or still in use)."""


class NameRefused(AnnotatorError, ValueError):
    """An annotator name that cannot be recorded: empty, or with a tab, line break or other
    control character (they break the annotators table and every export that lists names)."""


class StoreError(AnnotatorError):
    """A problem with the project file itself; subclasses name the usual ones."""


class Busy(StoreError):
    def __init__(self, path: Path):
        super().__init__(
            f"The project {path} is busy: another program is writing to it. Try again in a moment."
        )


class DiskFull(StoreError):
    def __init__(self, path: Path):
        super().__init__(f"The disk holding {path} is full; nothing was changed.")


class ReadOnly(StoreError):
    def __init__(self, path: Path, part: str = ""):
        super().__init__(
            f"The project {path} is read-only{f' ({part} cannot be written)' if part else ''}; "
            "nothing was changed. Copy it to a folder you can write to, or make it writable."
        )


class Damaged(StoreError):
    def __init__(self, path: Path, detail: object):
        super().__init__(f"The project {path} is damaged ({detail}). Restore it from a backup.")


class DamagedRow(StoreError):
    """A row no version of annotator writes (tampered with, or damaged): named, never guessed at."""

    def __init__(self, what: str):
        super().__init__(
            f"The project holds a damaged row: {what}. Nothing was written; restore a backup, "
            "or fix or delete that row."
        )


class NotAProject(StoreError):
    """A file that is not an annotator project (a folder, another SQLite file, anything else)."""


class NewerFile(StoreError):
    def __init__(self, path: Path, version: int, known: int):
        super().__init__(
            f"{path} was written by a newer version of annotator (schema {version}, "
            f"this version knows {known}). Update annotator to open it; the file was not changed."
        )
