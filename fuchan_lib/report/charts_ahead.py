"""A run's charts drawn ahead, in a child process forked from the notebook kernel (DESIGN §7).

The charts are most of the notebooks' work (~0.7 s of ~1.1 s on the example county), while the
second core waits. When a run's first notebook opens the staged run, it forks one child of the
kernel — matplotlib and the Chinese font are loaded there already, so the child starts at
once and draws the same bytes — that draws every chart of the run, in the order the notebooks
save them, into the run folder, and says after each whether it was drawn. A notebook's `save`
then waits for its own charts instead of drawing them.

Anything the child did not draw cleanly — an error, a warning (a missing glyph, say), the
child gone, or no fork on this system (Windows) — is drawn in the notebook, as without this
module, so its error or warning is the notebook's own.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from pathlib import Path


STUCK_AFTER = 60  # seconds without word from the child (a chart takes well under one)


class ChartsAhead:
    """One child drawing `jobs` (draw function, its arguments, the PNG path) one after another."""

    def __init__(self, jobs: list[tuple]):
        context = multiprocessing.get_context("fork")
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_draw_all, args=(jobs, sender), daemon=True)
        self._process.start()
        sender.close()  # the child holds the only sending end: its exit ends the pipe
        self._pending = {Path(path) for _, _, path in jobs}
        self._drawn: dict[Path, bool] = {}

    def drawn(self, path: Path) -> bool:
        """Wait until the child is past `path`: True when it drew it cleanly, False when the
        notebook must draw it (the child failed or warned on it, never had it, or is gone)."""
        path = Path(path)
        while path in self._pending and path not in self._drawn:
            try:
                if not self._results.poll(STUCK_AFTER):  # a lock held at the fork, say
                    self._process.kill()
                done, clean = self._results.recv()
            except (EOFError, OSError):  # the child is gone: the rest is drawn in the notebook
                self._pending = set()
                break
            self._drawn[Path(done)] = clean
        if self._pending <= self._drawn.keys():  # the child has said all it will: reap it, so
            self._process.join(timeout=5)  # its CPU time counts as the kernel's, as if drawn here
        return self._drawn.get(path, False)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _draw_all(jobs: list[tuple], results) -> None:
    """In the child: draw each chart, saying (path, drawn cleanly) after each."""
    quiet = open(os.devnull, "w", encoding="utf-8")
    sys.stdout = sys.stderr = quiet  # nothing of the child reaches the notebook's output
    for draw, arguments, path in jobs:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                draw(*arguments, path)
                clean = not caught
            except Exception:
                clean = False
        if not clean:
            Path(path).unlink(missing_ok=True)
        results.send((str(path), clean))
    results.close()
