"""Tie a worker's life to the build's: a build killed with SIGKILL leaves no worker behind.

A pool worker blocks reading its task queue, and every worker holds the queue's write end too, so
it never sees the build die and would live on. The kernel's parent-death signal ends it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    # The signal comes when the parent's thread that started us ends: ProcessPoolExecutor starts
    # workers from the thread that submits, which waits for the pool, so the thread outlives them.
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not allowed here: the worker still works, only without this guard
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # the parent died before the signal was asked for
