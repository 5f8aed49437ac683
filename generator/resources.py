"""Where the files the package ships are: the Jinja templates, CSS and JavaScript of `site_templates/`.

`site_templates/` stays at the top of the repository, where users look for it, and installs as
the package `generator.site_templates` (pyproject.toml maps the folder), so one lookup finds it in
a wheel (inside site-packages) and in an editable install (the checkout's own folder, which is
what `scorecard serve` then watches).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _templates() -> Path:
    folder = files("generator.site_templates")
    # Jinja, Typst and shutil need real files: a zipped install is not supported
    if not isinstance(folder, Path):
        raise RuntimeError(f"site templates are not a folder on disk: {folder}")
    return folder


TEMPLATES = _templates()
