"""Where a project's files are on disk besides the project file itself: the files SQLite keeps
beside it and the folder its backups go to."""

from __future__ import annotations

from pathlib import Path

SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a project
BACKUP_FOLDER = "backups"


def backup_folder(project: Path) -> Path:
    return Path(project).parent / BACKUP_FOLDER
