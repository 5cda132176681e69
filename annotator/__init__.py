"""annotator: a desktop tool for annotating news articles."""

from __future__ import annotations

__version__ = "0.1.0"
