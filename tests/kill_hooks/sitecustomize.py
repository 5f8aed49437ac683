"""Pause a build at a named moment, for the kill -9 tests in tests/test_build.py.

Only those tests put this folder on PYTHONPATH. SCORECARD_TEST_PAUSE names the moment; at it the
process writes a file into SCORECARD_TEST_PAUSE_DIR and sleeps until the test kills the build.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

MOMENT = os.environ.get("SCORECARD_TEST_PAUSE", "")
IN_WORKER = "--multiprocessing-fork" in sys.orig_argv


def _pause() -> None:
    Path(os.environ["SCORECARD_TEST_PAUSE_DIR"], f"paused-{os.getpid()}").touch()
    time.sleep(3600)


def _install() -> None:
    if MOMENT == "packs":  # in each pack worker, as it starts a pack
        import generator.pdf.render as render

        if IN_WORKER:
            render.write_built = lambda *args: _pause()
        elif sys.orig_argv[1:3] == ["-m", "generator"]:
            render.POOL_FROM = 2  # the minimal project's three packs in two workers
        return
    if sys.orig_argv[1:3] != ["-m", "generator"]:  # only in the build itself
        return
    import generator.build as build
    import generator.publish as output

    exchange = output.exchange
    if MOMENT == "mkdocs":
        build.run_mkdocs = lambda *args, **kwargs: _pause()
    elif MOMENT == "mkdocs-child":  # in the forked child laying out half the pages
        build.SPLIT_FROM = 0
        build.PageCache._hand_over = lambda *args: _pause()  # type: ignore[method-assign]
    elif MOMENT == "render":  # in the forked child rendering half the pages (the minimal project's too)
        build.SPLIT_FROM = 0
        write_share = build._write_share
        build._write_share = lambda report, docs, options, share, skip: (
            _pause() if share == (1, 2) else write_share(report, docs, options, share, skip)
        )
    elif MOMENT == "before-switch":
        output.exchange = lambda first, second: _pause()
    elif MOMENT == "after-switch":
        output.exchange = lambda first, second: exchange(first, second) and _pause()
    elif MOMENT == "between-renames":  # the fallback where the file system cannot exchange
        output.exchange = lambda first, second: False
        rename = Path.rename

        def rename_then_pause(self: Path, target: Any) -> Path:
            moved = rename(self, target)
            if Path(target).name == "previous":
                _pause()
            return moved

        Path.rename = rename_then_pause  # type: ignore[method-assign]


if MOMENT:
    _install()
