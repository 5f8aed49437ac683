"""Run a command as a child process and measure it: wall time, peak memory, exit code."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """What one child process cost."""

    command: list[str]
    seconds: float
    peak_rss_mb: float  # largest resident set of the child or any descendant it waited for
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Run:
        """Return self; raise RuntimeError with the child's output when it failed."""
        if self.returncode != 0:
            tail = "\n".join((self.stdout + self.stderr).splitlines()[-30:])
            raise RuntimeError(f"{' '.join(self.command)} exited {self.returncode}:\n{tail}")
        return self


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run `command` to the end; wait4 gives the child's own rusage, so sizes do not mix."""
    start = time.perf_counter()
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        stdout, stderr = _drain(child)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return Run(command, time.perf_counter() - start, usage.ru_maxrss / 1024, child.returncode, stdout, stderr)


def _drain(child: subprocess.Popen[str]) -> tuple[str, str]:
    # communicate() would reap the child itself and lose its rusage: read the pipes, then wait4.

    chunks: dict[str, str] = {}

    def read(name: str, stream: object) -> None:
        chunks[name] = stream.read()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=read, args=(n, s)) for n, s in (("out", child.stdout), ("err", child.stderr))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return chunks.get("out", ""), chunks.get("err", "")
