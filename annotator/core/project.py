"""Where projects live, and the first run that fills a new default project with sample articles."""

from __future__ import annotations

from pathlib import Path

import appdirs

from annotator.core.errors import Damaged, NotAProject, StoreError
from annotator.core.identity import APP_NAME
from annotator.core.store import Store
from annotator.core.store.backup import list_backups

PROJECT_SUFFIX = ".annotator"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def default_project_path() -> Path:
    """`default.annotator` in the user data directory (XDG_DATA_HOME on Linux)."""
    return Path(appdirs.user_data_dir(APP_NAME, appauthor=False)) / f"default{PROJECT_SUFFIX}"


def open_project(
    path: str | Path | None = None,
    annotator: str | None = None,
    *,
    read_only: bool = False,
    back_up: bool = True,
) -> Store:
    """Open (or create) a project, backing it up if its last backup is old (unless `back_up` is
    False: the window backs up in the background instead). The default project, when new, gets
    the sample articles so a new user sees real text at once. `read_only`: an existing project
    is only read (`Store.open`): no backup, nothing written."""
    is_default = path is None
    path = default_project_path() if path is None else Path(path)
    first_run = not path.exists()
    if read_only and not first_run:
        return Store.open(path, annotator, read_only=True)
    if read_only and not is_default:  # a command that only reads makes no project (nor folder)
        raise NotAProject(f"No project at {path}.")
    if path.is_file() and path.stat().st_size == 0 and list_backups(path):
        raise Damaged(path, "the file is empty, yet it has backups")  # else it would open as new
    store = Store.open(path, annotator)
    if back_up and not first_run:
        store.backup_if_due()
    if is_default and first_run and store.is_new and SEEDS_DIR.is_dir():
        from annotator.core.formats import import_paths

        import_paths(store, [SEEDS_DIR])
    return store


def restorable(error: StoreError, path: Path) -> bool:
    """Whether opening `path` failed because the file itself is damaged or overwritten: then a
    restore from a backup is the remedy (offered when one exists)."""
    return isinstance(error, (Damaged, NotAProject)) and Path(path).is_file()
