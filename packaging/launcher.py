"""Entry point of the PyInstaller bundle: the `annotator` command line (no command: the window).

A project file given as the only argument opens it, as `annotator open FILE` does: that is how
Windows ("Open with") and macOS (the open-document event, through PyInstaller's argv emulation)
hand a double-clicked project to the bundle. A large JSONL export starts worker processes
("spawn"): `freeze_support` makes the bundle run those instead of the command line.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from annotator.cli import main
from annotator.core.project import PROJECT_SUFFIX

multiprocessing.freeze_support()
if len(sys.argv) == 2 and sys.argv[1].endswith(PROJECT_SUFFIX) and Path(sys.argv[1]).is_file():
    sys.argv.insert(1, "open")
main()
