"""Errors for people: each names the file, the line and what was expected.

Only `cli.py` catches `ScorecardError`; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from generator.model import Location


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning found in the input."""

    where: Location
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return for_terminal(f"{self.where}: {self.severity}: {self.message}")

    @property
    def sort_key(self) -> tuple[str, int, str]:
        """Return a key that orders problems by file, then line."""
        return (self.where.path, self.where.line, self.message)


class ScorecardError(Exception):
    """Base of every error caused by the user's input or options."""

    exit_code = 1

    def __str__(self) -> str:
        return for_terminal(super().__str__(), keep="\n")  # some list the lines a tool printed


class DataError(ScorecardError):
    """The content or measures hold one or more errors; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        # A template's mistake shows once, not once per unit using it.
        self.problems = sorted(set(problems), key=lambda p: p.sort_key)
        count = len(self.problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in content or measures")


class UsageError(ScorecardError):
    """The command was called wrongly (bad option value, unknown period or unit)."""

    exit_code = 2


class BuildError(ScorecardError):
    """A tool we drive (MkDocs, Typst) refused our output; the message says why."""


def suggest(name: str, known: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest known name, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def for_terminal(text: str, keep: str = "") -> str:
    """Escape the characters a terminal would act on instead of showing them, but those in `keep`."""
    # Control characters (ANSI colour and cursor codes, line breaks), bidirectional overrides and the
    # lone surrogates of undecodable file names all fail `isprintable`; text from data may hold any.
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else c.encode("unicode_escape").decode("ascii") for c in text)
