"""Initiatives and milestones as readers see them, judged at the end of the reporting period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.formatting import format_number
from generator.model import Initiative, Unit
from generator.present.dates import format_date, format_span

# One word per state on every output: "overdue" is open and due by the end of the period.
MILESTONE_STATES = ("done", "overdue", "due")
MILESTONE_WORDS = {"done": "✓ Done", "overdue": "◆ Overdue", "due": "○ Due"}
# An initiative as a whole: done (every milestone done, or ended with none open), late (a milestone
# overdue, or past its end with work open) or on track.
INITIATIVE_STATES = ("late", "on-track", "done")
INITIATIVE_WORDS = {"done": "✓ Done", "late": "◆ Late", "on-track": "● On track"}


@dataclass(frozen=True, slots=True)
class MilestoneDisplay:
    """A milestone with its state at the end of the reporting period."""

    name: str
    day: dt.date
    due: str  # "30 Sep 2026"
    state: str  # done | overdue | due

    @property
    def word(self) -> str:
        """Return the state as shown, e.g. '◆ Overdue'."""
        return MILESTONE_WORDS[self.state]


@dataclass(frozen=True, slots=True)
class InitiativeDisplay:
    """An initiative: dates, milestones, money and the objectives it advances."""

    id: str
    name: str
    owner: str
    description: str
    start: dt.date  # its start, else its first milestone (or the period end)
    end: dt.date
    dates: str  # "01 Jan 2026 – 31 Dec 2026"
    milestones: tuple[MilestoneDisplay, ...]  # by due date
    counts: str  # "2 done, 1 overdue, 1 due" or "no milestones"
    done_of: str  # "2 of 4 done"
    budget: str
    spent: str
    spent_percent: float | None  # 72.5, None without budget or spending
    over_budget: bool
    objectives: tuple[tuple[str, str], ...]  # (id, name) of the unit's objectives it advances
    state: str  # done | late | on-track, at the end of the reporting period

    @property
    def state_word(self) -> str:
        """Return the initiative's state as shown, e.g. '◆ Late'."""
        return INITIATIVE_WORDS[self.state]

    @property
    def spent_share(self) -> str:
        """Return the share of the budget spent, e.g. '73%', or ''."""
        return "" if self.spent_percent is None else f"{self.spent_percent:.0f}%"

    @property
    def objective_names(self) -> str:
        """Return the names of the objectives it advances, comma separated."""
        return ", ".join(name for _, name in self.objectives)


def milestone_state(done: bool, due: dt.date, period_end: dt.date) -> str:
    """Return done, overdue (open and due by the end of the period) or due."""
    if done:
        return "done"
    return "overdue" if due <= period_end else "due"


def initiative_state(states: list[str], end: dt.date, period_end: dt.date) -> str:
    """Return done, late or on-track from its milestones' states and its end, at `period_end`."""
    if "overdue" in states:
        return "late"
    if states and all(s == "done" for s in states):
        return "done"
    if end <= period_end:
        return "done" if not states else "late"
    return "on-track"


def initiative_dates(initiative: Initiative) -> list[dt.date]:
    """Return every date an initiative names: milestones, start and end."""
    dates = [m.due for m in initiative.milestones]
    return dates + [d for d in (initiative.start, initiative.end) if d is not None]


def money(value: float | None, currency: str) -> str:
    """Return an amount with its currency, as KPI values show a unit: `850,000 EUR`, or a dash."""
    text = format_number(value, 0)
    return f"{text} {currency}" if currency and value is not None else text


def initiative_display(unit: Unit, item: Initiative, period_end: dt.date, currency: str = "") -> InitiativeDisplay:
    """Return an initiative with its milestones judged at `period_end`, amounts in `currency`."""
    dates = initiative_dates(item) or [period_end]
    start, end = item.start or min(dates), item.end or max(dates)
    milestones = tuple(
        MilestoneDisplay(m.name, m.due, format_date(m.due), milestone_state(m.done, m.due, period_end))
        for m in sorted(item.milestones, key=lambda m: m.due)
    )
    states = [m.state for m in milestones]
    counts = ", ".join(f"{states.count(s)} {s}" for s in MILESTONE_STATES if s in states)
    budget, spent = item.budget, item.spent
    names = {o.id: o.name for o in unit.objectives}
    return InitiativeDisplay(
        id=item.id,
        name=item.name,
        owner=item.owner,
        description=item.description,
        start=start,
        end=end,
        dates=format_span(start, end),
        milestones=milestones,
        counts=counts or "no milestones",
        done_of=f"{states.count('done')} of {len(states)} done",
        budget=money(budget, currency),
        spent=money(spent, currency),
        spent_percent=round(spent / budget * 100, 1) if budget and spent is not None else None,
        over_budget=bool(budget is not None and spent is not None and spent > budget),
        objectives=tuple((o, names[o]) for o in item.objectives if o in names),
        state=initiative_state(states, end, period_end),
    )
