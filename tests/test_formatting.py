"""Numbers as a person writes them: units of measure, bare counts, no negative zero."""

from __future__ import annotations

import pytest

from generator.formatting import format_target, format_value
from generator.model import Kpi


def _kpi(unit: str, decimals: int = 0) -> Kpi:
    return Kpi(id="k", name="K", unit=unit, decimals=decimals)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("count", 0.0, "0"),  # not "0 count"
        ("Count", 12.0, "12"),
        ("#", 3.0, "3"),
        ("number", 1234.0, "1,234"),
        ("%", 97.5, "98%"),
        ("EUR", 23.8, "24 EUR"),
        ("tickets", 26865.0, "26,865 tickets"),
        ("count", None, "–"),
    ],
)
def test_units_are_written_as_a_person_writes_them(unit: str, value: float | None, shown: str) -> None:
    assert format_value(_kpi(unit), value) == shown


def test_a_band_of_counts_has_no_unit_either() -> None:
    assert format_target(_kpi("count", 1), (0.0, 2.0)) == "0.0–2.0"
