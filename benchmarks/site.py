"""Benchmark the website build, the Markdown tree under other engines, PDF packs and Chromium."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


def build_available() -> bool:
    """Return whether this checkout has `scorecard build` yet."""
    done = subprocess.run([str(BIN / "scorecard"), "build", "--help"], capture_output=True, check=False)
    return done.returncode == 0


def bench_build(folder: Path, inputs: list[str], options: argparse.Namespace) -> dict[str, Any]:
    """Build the site of one size and measure it (filled in once `scorecard build` lands)."""
    return {}
