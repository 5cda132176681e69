"""The window's last gesture, for the threads that compute suggestions beside it. A thread running
Python holds the interpreter in turns with the window's thread, so a window answering a key while
a run goes on took about three times as long. The runs step aside for a moment after each gesture
(`step_aside`, called between their steps) and go on once the window is quiet again."""

from __future__ import annotations

import time

QUIET_S = 0.05
"""How long after a gesture the background runs wait: the window has repainted by then."""

_last_gesture = 0.0


def window_acted() -> None:
    """On the window's thread, at a gesture or a change it made."""
    global _last_gesture
    _last_gesture = time.monotonic()


def step_aside() -> None:
    """On a background thread, between steps of its work: sleep (the interpreter free for the
    window) until the window has been quiet for QUIET_S."""
    while (rest := _last_gesture + QUIET_S - time.monotonic()) > 0:
        time.sleep(rest)
