"""Render board pack pages to PNG with pdftoppm, for a person to review.

Usage: .venv/bin/python scripts/render_pdf_pages.py build/pdf/2026-Q3-it.pdf [--out DIR] [--dpi 80]
Writes DIR/<pack>-<page>.png (default DIR: build/pdf-pages) and prints the files; with
--sheet N also DIR/<pack>-sheet-<k>.png, N pages side by side, to review a pack at a glance.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path


def render_pages(pdf: Path, out_dir: Path, dpi: int, first: int | None = None, last: int | None = None) -> list[Path]:
    """Render every page (or first..last) of a PDF to PNG; return the images in page order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    command = ["pdftoppm", "-png", "-r", str(dpi)]
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf), str(prefix)], check=True)
    return sorted(out_dir.glob(f"{pdf.stem}-[0-9]*.png"))


def contact_sheets(pages: list[Path], per_sheet: int) -> list[Path]:
    """Paste pages side by side, `per_sheet` to an image (Pillow: the test extras)."""
    from PIL import Image

    sheets = []
    for k in range(0, len(pages), per_sheet):
        images = [Image.open(p) for p in pages[k : k + per_sheet]]
        width, height = max(i.size[0] for i in images), max(i.size[1] for i in images)  # landscape pages too
        sheet = Image.new("RGB", (width * per_sheet + 8 * (per_sheet - 1), height), "#888")
        for i, image in enumerate(images):
            sheet.paste(image, (i * (width + 8), 0))
        path = pages[0].with_name(pages[0].stem.rsplit("-", 1)[0] + f"-sheet-{k // per_sheet + 1}.png")
        sheet.save(path)
        sheets.append(path)
    return sheets


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="+", type=Path, help="PDF packs to render")
    parser.add_argument("--out", type=Path, default=Path("build/pdf-pages"), help="folder for the PNG files")
    parser.add_argument("--dpi", type=int, default=80, help="resolution (80 reads on screen, 150 for detail)")
    parser.add_argument("--first", type=int, help="first page")
    parser.add_argument("--last", type=int, help="last page")
    parser.add_argument("--sheet", type=int, metavar="N", help="also paste N pages side by side per image")
    args = parser.parse_args(argv)
    for pdf in args.pdfs:
        pages = render_pages(pdf, args.out, args.dpi, args.first, args.last)
        for image in pages + (contact_sheets(pages, args.sheet) if args.sheet else []):
            print(image)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
