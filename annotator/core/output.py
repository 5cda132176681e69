"""Where an export or a copy may write: never onto the project, the files SQLite keeps beside it
or its backups; into an existing folder only the files the export writes, and never over one of
them unless asked. Nothing an export did not write is ever deleted.

A folder export leaves a manifest (`.annotator-<format>-export`) naming the files it wrote with
their size and time. An export that replaces an earlier one removes the files that one wrote
and this one does not (an article no longer exported), so the folder holds exactly the new
export; a file changed since, or one without a manifest to vouch for it, is only named."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from annotator.core import wording
from annotator.core.errors import AnnotatorError
from annotator.core.paths import SIDE_FILES, backup_folder

log = logging.getLogger(__name__)


class OutputRefused(AnnotatorError):
    """The output would harm the project or files already there; `collisions` names the files of
    an existing folder the export would replace (it may then be asked again with `replace`)."""

    def __init__(self, message: str, collisions: Iterable[str] = (), stale: Iterable[str] = ()):
        super().__init__(message)
        self.collisions = tuple(collisions)
        self.stale = tuple(stale)  # what replacing would remove: the earlier export's other files


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


def place_folder(
    finished: Path, target: Path, project: Path, kind: str, replace: bool = False
) -> tuple[str, ...]:
    """Move the files of the finished `kind` export folder `finished` into `target`: the whole
    folder when `target` is new or empty, otherwise file by file beside what is already there.
    Names already taken there are refused (nothing moved) unless `replace`, which also removes
    the files an earlier `kind` export wrote there that this one does not. Returns lines saying
    what was removed or left over."""
    target = Path(target)
    _write_manifest(finished, kind)
    if not target.exists():
        os.replace(finished, target)
        return ()
    if not target.is_dir():
        raise OutputRefused(f"{target} exists and is not a folder; nothing was written.")
    if not any(target.iterdir()):
        try:
            os.replace(finished, target)  # onto an empty folder: one step, so a kill leaves one or the other
        except OSError:  # where a folder cannot replace another (Windows): two steps
            target.rmdir()
            os.replace(finished, target)
        return ()
    manifest = manifest_name(kind)
    names = sorted(entry.name for entry in finished.iterdir())
    for name in names:
        check_target(project, target / name)
    taken = [name for name in names if os.path.lexists(target / name)]
    stale, changed = _earlier_files(target, kind, set(names), project) if taken else ([], [])
    if taken and not replace:
        shown = _shown([name for name in taken if name != manifest] or taken)
        also = (
            f" Replacing them also removes {_files(stale)} the earlier export wrote that this one "
            f"does not ({_shown(stale)})."
            if stale
            else ""
        )
        raise OutputRefused(
            f"{target} already holds {len(taken)} of the files this export writes ({shown}); nothing "
            f"was written. Choose a new or empty folder, or replace those files.{also}",
            taken,
            stale,
        )
    for name in names:
        if name != manifest:
            os.replace(finished / name, target / name)
    removed, failed = [], []
    for name in stale:
        try:
            os.unlink(target / name)
            removed.append(name)
        except OSError as error:
            log.warning("cannot remove %s of an earlier export: %s", target / name, error)
            failed.append(name)
    os.replace(finished / manifest, target / manifest)
    notes = []
    if removed:
        notes.append(
            f"Removed {_files(removed)} an earlier export wrote that this one does not: {_shown(removed)}."
        )
    if failed:
        notes.append(f"Could not remove {_files(failed)} an earlier export wrote: {_shown(failed)}.")
    if changed:
        notes.append(
            f"Left {_files(changed)} that this export did not write, perhaps an earlier export's (changed "
            f"since, or written before exports listed their files): {_shown(changed)}."
        )
    return tuple(notes)


def manifest_name(kind: str) -> str:
    """The hidden file in which a `kind` folder export lists what it wrote."""
    return f".annotator-{kind}-export"


def _write_manifest(folder: Path, kind: str) -> None:
    files = {}
    for entry in os.scandir(folder):
        info = entry.stat(follow_symlinks=False)
        files[entry.name] = [info.st_size, info.st_mtime_ns]
    content = {"written_by": "annotator", "format": kind, "files": files}
    (folder / manifest_name(kind)).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def _earlier_files(target: Path, kind: str, writing: set[str], project: Path) -> tuple[list[str], list[str]]:
    """The files an earlier `kind` export left in `target` that this one (writing `writing`)
    does not write: those its manifest vouches for (unchanged since), and others that may be
    one's (listed but changed since, or named as an export names an article's file)."""
    listed = _read_manifest(target / manifest_name(kind)) or {}
    stale, changed = [], []
    for name, recorded in sorted(listed.items()):
        if name in writing or not os.path.lexists(target / name):
            continue
        try:
            info = os.lstat(target / name)
            check_target(project, target / name)
        except (OSError, OutputRefused):
            changed.append(name)
            continue
        same = stat.S_ISREG(info.st_mode) and recorded == [info.st_size, info.st_mtime_ns]
        (stale if same else changed).append(name)
    suffixes = {Path(name).suffix for name in writing}
    for entry in os.scandir(target):
        name = entry.name
        if name in writing or name in listed or not _ARTICLE_FILE.match(name):
            continue
        if Path(name).suffix in suffixes and entry.is_file(follow_symlinks=False):
            changed.append(name)
    return stale, sorted(changed)


_ARTICLE_FILE = re.compile(r"^[0-9]{6,}\.[a-z]+$")  # how brat and WebAnno exports name an article's files


def _read_manifest(path: Path) -> dict[str, list[int]] | None:
    """The files a manifest lists (plain names only) with their size and time; None without one."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        files = content["files"]
        return {
            name: list(recorded)
            for name, recorded in files.items()
            if name not in ("", ".", "..") and "/" not in name and "\\" not in name and name != path.name
        }
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("ignoring the export list %s: %s", path, error)
        return None


def _files(names: list[str]) -> str:
    return wording.count(len(names), "file")


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _real(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
