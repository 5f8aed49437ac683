"""The user's mkdocs.yml: read it, check the settings the build relies on, find its folders.

The build rewrites `docs_dir`, `nav`, `extra_css`, `extra_javascript`, `site_url` and
`theme.custom_dir`, and copies the pages of `docs_dir`. Those must have the shape MkDocs expects,
and the folders must stay inside the project (the config's folder): otherwise a config could make
the build copy pages from anywhere on the machine (`docs_dir: /`) into the published site.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import UsageError

# A few hundred nodes make a real mkdocs.yml; aliases can multiply that beyond any memory
MAX_NODES = 100_000

# Setting -> (accepted types, what is expected). Absent or empty settings keep MkDocs' default.
SHAPES: dict[str, tuple[tuple[type, ...], str]] = {
    "nav": ((list,), "a list of pages, e.g. nav: [{About: about.md}]"),
    "extra_css": ((list,), "a list of stylesheets, e.g. extra_css: [extra.css]"),
    "extra_javascript": ((list,), "a list of scripts, e.g. extra_javascript: [extra.js]"),
    "docs_dir": ((str,), "a folder name, e.g. docs_dir: pages"),
    "theme": ((str, dict), "a theme name or its settings, e.g. theme: {name: material}"),
    "site_url": ((str,), "the address of the published site, e.g. site_url: https://example.org/"),
}
THEME_SHAPES: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a theme name, e.g. name: material"),
    "custom_dir": ((str,), "a folder name, e.g. custom_dir: overrides"),
}
# Settings the build cannot honour, and what to do instead
REFUSED = {
    "site_dir": "the site goes where `scorecard build --out` says; remove site_dir",
    "INHERIT": "the build reads this one file; copy the inherited settings into it",
    "hooks": "the build runs no Python named in mkdocs.yml; make it a plugin installed in the environment",
}


@dataclass(frozen=True)
class SiteConfig:
    """The user's MkDocs settings, checked, with their folders resolved inside the project."""

    path: Path
    settings: dict[str, Any]
    docs_dir: Path  # resolved; may not exist (no pages of your own)
    custom_dir: Path | None  # resolved

    @property
    def project(self) -> Path:
        """Return the folder of mkdocs.yml, which every folder it names must stay inside."""
        return self.path.parent.resolve()

    def shown(self, folder: Path) -> str:
        """Return a folder as the user would write it: relative to the current folder if inside."""
        return _shown(folder)


def read_site_config(path: Path) -> SiteConfig:
    """Read and check mkdocs.yml; raise UsageError naming the file, line and setting at fault."""
    root, settings = _parse(path, _read_text(path))
    for key, why in REFUSED.items():
        if key in settings:
            raise UsageError(f"{path}:{_line(root, key)}: {key}: not supported: {why}")
    _check_shapes(path, root, settings, SHAPES, ())
    _check_assets(path, root, settings)
    theme = settings.get("theme")
    if isinstance(theme, dict):
        _check_shapes(path, root, theme, THEME_SHAPES, ("theme",))
    project = path.parent.resolve()
    docs_dir = _inside(path, root, ("docs_dir",), str(settings.get("docs_dir") or "docs"), project)
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    custom_dir = _inside(path, root, ("theme", "custom_dir"), custom, project) if custom else None
    if custom_dir is not None and custom_dir.is_dir():
        project_files(custom_dir, project)  # MkDocs publishes its files: refuse links out of the project
    return SiteConfig(path, settings, docs_dir, custom_dir)


def _read_text(path: Path) -> str:
    if not path.exists():
        raise UsageError(f"MkDocs config '{path}' does not exist (use --config FILE)")
    if not path.is_file():
        raise UsageError(f"MkDocs config '{path}' is not a file (use --config FILE)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from exc
    except OSError as exc:
        raise UsageError(f"MkDocs config '{path}' cannot be read: {exc.strerror}") from exc


def _parse(path: Path, text: str) -> tuple[yaml.Node | None, dict[str, Any]]:
    """Return the YAML node tree (for line numbers) and the settings it holds."""
    loader = yaml.SafeLoader(text)
    try:
        root = _compose(path, loader)
        data = _construct(path, loader, root)
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of MkDocs settings, e.g. site_name: My scorecard")
    return root, data


def _compose(path: Path, loader: yaml.SafeLoader) -> yaml.Node | None:
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise UsageError(_yaml_error(path, exc)) from exc
    except RecursionError as exc:
        raise UsageError(f"{path}: nested too deeply to be MkDocs settings") from exc
    if root is not None and _expanded_size(path, root, {}) > MAX_NODES:
        raise UsageError(f"{path}: its aliases expand to more than {MAX_NODES:,} values; write the settings out")
    return root


def _construct(path: Path, loader: yaml.SafeLoader, root: yaml.Node | None) -> Any:
    if root is None:
        return {}
    try:
        return loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise UsageError(_yaml_error(path, exc)) from exc
    except ValueError as exc:  # e.g. an impossible date such as 2026-06-31
        raise UsageError(f"{path}:{_bad_value_line(root)}: not a valid value: {exc}") from exc


def _yaml_error(path: Path, exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{path}:{mark.line + 1 if mark else 1}"
    problem = ", ".join(part for part in (exc.context, exc.problem) if part)
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        return f"{where}: not plain YAML: {problem}; write the value itself (tags such as !ENV are not read)"
    return f"{where}: not valid YAML: {problem}"


def _bad_value_line(root: yaml.Node) -> int:
    """Return the line of the first scalar that cannot be read (PyYAML's ValueError has none)."""
    probe = yaml.SafeLoader("")
    try:
        for node in _scalars(root):
            try:
                probe.construct_object(node)
            except ValueError:
                return int(node.start_mark.line) + 1
    finally:
        probe.dispose()
    return 1


def _scalars(root: yaml.Node) -> Iterator[yaml.ScalarNode]:
    seen, todo = set(), [root]
    while todo:
        node = todo.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            todo.extend(part for pair in node.value for part in pair)


def _expanded_size(path: Path, node: yaml.Node, sizes: dict[int, int]) -> int:
    """Count the values the node stands for once aliases are expanded; refuse a cycle."""
    if id(node) in sizes:
        if sizes[id(node)] < 0:
            raise UsageError(f"{path}:{node.start_mark.line + 1}: an alias refers to the value that holds it")
        return sizes[id(node)]
    sizes[id(node)] = -1
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    sizes[id(node)] = 1 + sum(_expanded_size(path, child, sizes) for child in children)
    return sizes[id(node)]


def _check_shapes(
    path: Path, root: yaml.Node | None, settings: dict[str, Any], shapes: dict[str, Any], parents: tuple[str, ...]
) -> None:
    for key, (types, expected) in shapes.items():
        value = settings.get(key)
        if value is not None and not isinstance(value, types):
            name = ".".join((*parents, key))
            line = _line(root, *parents, key)
            raise UsageError(f"{path}:{line}: {name}: expected {expected} (got {_describe(value)})")


def _check_assets(path: Path, root: yaml.Node | None, settings: dict[str, Any]) -> None:
    """Check the items of extra_css and extra_javascript (MkDocs also takes a mapping for a script)."""
    for key, types in (("extra_css", (str,)), ("extra_javascript", (str, dict))):
        for item in settings.get(key) or []:
            if not isinstance(item, types):
                _, expected = SHAPES[key]
                raise UsageError(f"{path}:{_line(root, key)}: {key}: expected {expected} (got {_describe(item)} in it)")


def _inside(path: Path, root: yaml.Node | None, keys: tuple[str, ...], value: str, project: Path) -> Path:
    """Resolve a folder setting; raise unless it is a folder strictly inside the project."""
    folder, example = (project / value).resolve(), "pages" if keys == ("docs_dir",) else "overrides"
    where = f"{path}:{_line(root, *keys)}: {'.'.join(keys)}"
    if folder == project:
        raise UsageError(f"{where}: '{value}' is the folder of {path.name} itself; use a folder in it, e.g. {example}")
    if not folder.is_relative_to(project):
        raise UsageError(f"{where}: '{value}' is outside the folder of {path.name}; use a folder in it, e.g. {example}")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{where}: '{value}' is not a folder")
    return folder


def _line(root: yaml.Node | None, *keys: str) -> int:
    """Return the line of a (nested) key, or of the document's start when it is absent."""
    node, line = root, 1
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
        if match is None:
            break
        line, node = match[0].start_mark.line + 1, match[1]
    return line


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}{'...' if len(value) > 40 else ''}'"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


def _shown(folder: Path) -> str:
    try:
        return str(folder.relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(folder)


def project_files(folder: Path, project: Path) -> list[tuple[Path, Path]]:
    """Return (file, its path relative to folder) for every file under folder.

    Raise UsageError for what must not be published or read: a symbolic link that leaves the
    project, points to a folder (not followed: it could loop) or nowhere, and anything that is not
    a regular file (a FIFO would block the build).
    """
    found: list[tuple[Path, Path]] = []
    problems: list[str] = []
    for base, dirs, files in os.walk(folder, onerror=_unreadable):
        for name in sorted(dirs + files):
            path = Path(base) / name
            problem = _not_copyable(path, project)
            if problem:
                problems.append(f"{_shown(path)}: {problem}")
            elif not path.is_dir():
                found.append((path, path.relative_to(folder)))
    if problems:
        listed = "\n  ".join(problems[:20]) + (f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise UsageError(f"{len(problems)} file(s) the build will not copy into the site:\n  {listed}")
    return found


def _not_copyable(path: Path, project: Path) -> str | None:
    mode = path.lstat().st_mode
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if not stat.S_ISLNK(mode):
        return "not a regular file (a pipe, socket or device); remove it"
    target = path.resolve()
    if not target.is_relative_to(project):
        return f"a symbolic link to '{target}', outside the project folder; copy the file in instead"
    if not target.exists():
        return f"a symbolic link to '{os.readlink(path)}', which does not exist"
    if target.is_dir():
        return f"a symbolic link to the folder '{_shown(target)}'; links to folders are not followed"
    return None if target.is_file() else "a symbolic link to something that is not a regular file; remove it"


def _unreadable(error: OSError) -> None:
    raise UsageError(f"{error.filename}: cannot be read ({error.strerror})")
