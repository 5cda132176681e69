"""Where an export or a copy may write: never onto the project, the files SQLite keeps beside it
or its backups; into an existing folder only the files the export writes, and never over one of
them unless asked. Nothing an export did not write is ever deleted."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.paths import SIDE_FILES, backup_folder


class OutputRefused(AnnotatorError):
    """The output would harm the project or files already there; `collisions` names the files of
    an existing folder the export would replace (it may then be asked again with `replace`)."""

    def __init__(self, message: str, collisions: Iterable[str] = ()):
        super().__init__(message)
        self.collisions = tuple(collisions)


def check_target(project: Path, target: Path) -> None:
    """Refuse `target` if it is the project, one of its side files, or its backups (folder)."""
    project = Path(project)
    where = _real(target)
    for own, what in [(project, "the project file itself")] + [
        (project.with_name(project.name + side), f"the project's {side[1:]} file") for side in SIDE_FILES
    ]:
        if where == _real(own) or _same_file(target, own):
            raise OutputRefused(f"{target} is {what}; nothing was written. Choose another name.")
    backups = _real(backup_folder(project))
    if where == backups or backups in where.parents:
        raise OutputRefused(
            f"{target} is in the project's backups folder ({backups}); nothing was written. "
            "Choose another place."
        )


def place_folder(finished: Path, target: Path, project: Path, replace: bool = False) -> None:
    """Move the files of the finished folder `finished` into `target`: the whole folder when
    `target` is new or empty, otherwise file by file beside what is already there. Names already
    taken there are refused (nothing moved) unless `replace`."""
    target = Path(target)
    if not target.exists():
        os.replace(finished, target)
        return
    if not target.is_dir():
        raise OutputRefused(f"{target} exists and is not a folder; nothing was written.")
    if not any(target.iterdir()):
        try:
            os.replace(finished, target)  # onto an empty folder: one step, so a kill leaves one or the other
        except OSError:  # where a folder cannot replace another (Windows): two steps
            target.rmdir()
            os.replace(finished, target)
        return
    names = sorted(entry.name for entry in finished.iterdir())
    for name in names:
        check_target(project, target / name)
    taken = [name for name in names if os.path.lexists(target / name)]
    if taken and not replace:
        shown = ", ".join(taken[:5]) + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        raise OutputRefused(
            f"{target} already holds {len(taken)} of the files this export writes ({shown}); nothing "
            "was written. Choose a new or empty folder, or replace those files.",
            taken,
        )
    for name in names:
        os.replace(finished / name, target / name)


def _real(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
