"""`python -m annotator` runs the command line (and, with no command, the window)."""

from __future__ import annotations

from annotator.cli import main

main()
