"""Jinja templates, CSS and JavaScript of the site (site/, assets/) and the PDF packs (pdf/).

This file only makes the folder installable: pyproject.toml ships it as the package
`generator.site_templates`, which generator/resources.py finds in wheel and editable installs.
"""
