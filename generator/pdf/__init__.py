"""The `pdf` stage: board packs (annual, quarterly or monthly), one A4 PDF per unit.

`context` builds what a pack shows (pure), `drawing` draws its charts as SVG (pure), `document` turns
it into JSON for the Typst template `site_templates/pdf/pack.typ`, and `render` compiles it and writes
the files.
"""

from generator.pdf.render import PackResult, render_packs, select_units, write_packs

__all__ = ["PackResult", "render_packs", "select_units", "write_packs"]
