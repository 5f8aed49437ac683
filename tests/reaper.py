"""Run a command as the child of a subreaper, kill -9 it at a given moment, report what survives.

    python tests/reaper.py TRIGGER COUNT LOG -- COMMAND...

Waits until COUNT files match the glob TRIGGER, sends SIGKILL to COMMAND (not to its children),
then waits up to a minute for every process it started to exit. As a subreaper (Linux
PR_SET_CHILD_SUBREAPER), this process inherits all of them, even those that detached, so "no
process left" is exact: waitpid reports no child at all. Prints one JSON line:
{"at_kill": [names of the processes then], "left": [those alive a minute later], "seconds": to exit}.
"""

from __future__ import annotations

import ctypes
import glob
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
TRIGGER_TIMEOUT = 300.0  # a build on a busy two-core machine, packs included
EXIT_TIMEOUT = 120.0


def descendants(root: int) -> list[tuple[int, str]]:
    """Return (pid, name) of every live process under root."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stream:
                    stat = stream.read()
            except OSError:
                continue
            name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":
                parents[int(entry)], names[int(entry)] = int(fields[1]), name
    found, todo = [], [root]
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += [(pid, names[pid]) for pid in children]
        todo += children
    return found


def reap_all(deadline: float) -> bool:
    """Reap children until none is left (True) or the deadline passes (False)."""
    while time.monotonic() < deadline:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] != 0:
                pass
        except ChildProcessError:
            return True
        time.sleep(0.05)
    return False


def main() -> None:
    trigger, count, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    command = sys.argv[sys.argv.index("--") + 1 :]
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0, "cannot become a subreaper"
    with open(log, "wb") as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + TRIGGER_TIMEOUT
    while len(glob.glob(trigger)) < count:
        if child.poll() is not None or time.monotonic() > deadline:
            print(json.dumps({"error": f"not triggered; the command exited with {child.poll()}"}))
            return
        time.sleep(0.05)
    at_kill = [name for _, name in descendants(os.getpid())]  # with detached ones: they are ours
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    killed = time.monotonic()
    left = [] if reap_all(killed + EXIT_TIMEOUT) else descendants(os.getpid())
    seconds = time.monotonic() - killed
    for pid, _ in left:  # leave the machine clean for the next test
        os.kill(pid, signal.SIGKILL)
    reap_all(time.monotonic() + EXIT_TIMEOUT)
    report = {"at_kill": sorted(at_kill), "left": sorted(name for _, name in left), "seconds": round(seconds, 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
