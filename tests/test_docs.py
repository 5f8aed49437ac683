"""The documentation keeps up with the code: every command and every schema field is documented."""

from __future__ import annotations

import re

import pytest

from generator.cli import main
from generator.reference import DOCUMENTED_MODELS, format_reference
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT = (ROOT / "FORMAT.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`scorecard {command}" in README


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_help_has_an_example(command: str) -> None:
    assert "Example:" in (main.commands[command].help or "")


def test_format_reference_is_up_to_date() -> None:
    assert FORMAT == format_reference(), "FORMAT.md is stale: run `scorecard schema > FORMAT.md`"


@pytest.mark.parametrize("model", DOCUMENTED_MODELS, ids=lambda m: m.__name__)
def test_every_schema_field_has_a_description(model: type) -> None:
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        assert info.description, f"{model.__name__}.{name} has no description"
        assert re.search(rf"\| `{name}` \|", FORMAT)


def test_readme_quick_start_is_two_commands() -> None:
    block = README.split("## Quick start", 1)[1].split("```console", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["$ make demo", "$ make test"]
