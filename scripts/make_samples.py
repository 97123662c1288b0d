"""Write the sample scans in ``samples/`` from the document sources in ``samples/sources/``.

Usage: ``.venv/bin/python scripts/make_samples.py`` (about half a minute, deterministic:
re-running gives byte-identical files). Each scan gets ``NAME.gt.txt`` beside it (ground
truth in reading order, one printed line a line; pages of multi-page files separated by a
line holding only a form feed), ``samples/manifest.json`` records how each was made and
``samples/README.md`` is generated from it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

from pipeline.render import RenderedPage, degrade, render_official_document
from pipeline.render.sources import load_source

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PAGE_SEPARATOR = "\n\f\n"
FIXED_DATE = time.gmtime(1_704_067_200)  # 2024-01-01: fixed PDF dates, for reproducibility
COMMAND = ".venv/bin/python scripts/make_samples.py"


@dataclass(frozen=True, slots=True)
class Spec:
    """One sample file: which pages of which source, in which condition and format."""

    source: str  # source id (samples/sources/<id>.json)
    pages: tuple[int, ...]  # 1-based page numbers
    condition: str
    ext: str  # png, jpg, pdf, tiff
    font: str
    tests: str  # what the sample exercises


SPECS = (
    Spec("report-binhson-2022", (1,), "clean", "png", "liberation-serif",
         "two-column header and body of the real report, clean: the CER baseline"),
    Spec("report-binhson-2022", (1,), "office", "jpg", "liberation-serif",
         "skew 0.5-2°, blur, noise, JPEG artefacts: deskew and binarisation"),
    Spec("report-binhson-2022", (2,), "photocopy", "png", "liberation-serif",
         "thick strokes, speckles that look like diacritics: denoising"),
    Spec("report-binhson-2022", (2,), "rotated90", "png", "liberation-serif",
         "page scanned sideways: orientation detection (OSD)"),
    Spec("report-binhson-2022", (1,), "lowres150", "png", "liberation-serif",
         "150 dpi: upscaling before OCR, small diacritics"),
    Spec("report-binhson-2022", (3,), "dark_border", "png", "liberation-serif",
         "black scanner border and skew; last page with Nơi nhận / signature columns"),
    Spec("report-binhson-2022", (1, 2, 3), "office", "pdf", "liberation-serif",
         "multi-page PDF of page images (JPEG inside), 300 dpi"),
    Spec("report-binhson-2022", (1, 2, 3), "bilevel", "tiff", "liberation-serif",
         "multi-page bi-level TIFF, CCITT group 4, 300 dpi"),
    Spec("kehoach-tunghia-2023", (1,), "clean", "png", "liberation-serif",
         "Kế hoạch with italic basis clauses and citations of four numbering systems"),
    Spec("kehoach-tunghia-2023", (1,), "fax", "png", "liberation-serif",
         "200 dpi bi-level fax with dropped scanlines"),
    Spec("kehoach-tunghia-2023", (2,), "photocopy", "png", "liberation-serif",
         "body-only middle page of a photocopy (page number at top)"),
    Spec("kehoach-tunghia-2023", (1, 2, 3), "bilevel", "pdf", "liberation-serif",
         "multi-page PDF with CCITT bi-level images"),
    Spec("kehoach-tunghia-2023", (1, 2, 3), "clean", "tiff", "liberation-serif",
         "multi-page gray TIFF, LZW, 300 dpi"),
    Spec("congvan-sonoivu-quangnam-2023", (1,), "clean", "png", "termes",
         "công văn: superior body, V/v summary under the number, other serif font"),
    Spec("congvan-sonoivu-quangnam-2023", (1,), "office", "jpg", "termes",
         "office scan of the công văn"),
    Spec("congvan-sonoivu-quangnam-2023", (1,), "lowres150", "png", "termes",
         "150 dpi công văn"),
)


def sample_name(spec: Spec) -> str:
    """File stem: source id, page(s) and condition."""
    pages = f"p{spec.pages[0]}" if len(spec.pages) == 1 else f"p{spec.pages[0]}-{spec.pages[-1]}"
    return f"{spec.source}.{pages}.{spec.condition}"


def sample_seed(name: str) -> int:
    """A fixed seed per sample, from its name (stable across runs and machines)."""
    return zlib.crc32(name.encode("utf-8"))


def scan_pages(
    pages: Sequence[RenderedPage], condition: str, seed: int
) -> list[tuple[Image.Image, int]]:
    """Each page in a condition; "bilevel" is the clean page thresholded to 1 bit."""
    if condition == "bilevel":
        return [(p.image.point(lambda v: 255 if v >= 160 else 0).convert("1"), p.dpi)
                for p in pages]
    return [degrade(p.image, condition, seed=seed + i, dpi=p.dpi) for i, p in enumerate(pages)]


def save_scan(images: Sequence[tuple[Image.Image, int]], path: Path) -> None:
    """Save one or more page images with their resolution in the format of ``path``."""
    first, dpi = images[0]
    rest = [image for image, _ in images[1:]]
    if path.suffix == ".jpg":
        first.save(path, quality=75, dpi=(dpi, dpi))
    elif path.suffix == ".png":
        image = first.convert("1") if _is_bilevel(first) else first
        image.save(path, optimize=True, dpi=(dpi, dpi))
    elif path.suffix == ".pdf":
        jpeg = {"quality": 75} if first.mode == "L" else {}  # 1-bit pages go in as CCITT G4
        first.save(path, save_all=True, append_images=rest, resolution=float(dpi), **jpeg,
                   creationDate=FIXED_DATE, modDate=FIXED_DATE, producer="vanthu make_samples")
    elif path.suffix == ".tiff":
        compression = "group4" if first.mode == "1" else "tiff_lzw"
        first.save(path, save_all=True, append_images=rest, compression=compression, dpi=(dpi, dpi))
    else:
        raise ValueError(f"unknown sample format {path.suffix}")


def _is_bilevel(image: Image.Image) -> bool:
    """True for a gray image holding only black and white."""
    colours = image.getcolors(3)
    return colours is not None and {v for _, v in colours} <= {0, 255}


def make_sample(spec: Spec, rendered: dict[tuple[str, str], list[RenderedPage]], out: Path) -> dict:
    """Write one sample and its ground truth; returns its manifest record."""
    pages = [rendered[spec.source, spec.font][n - 1] for n in spec.pages]
    name = sample_name(spec)
    seed = sample_seed(name)
    images = scan_pages(pages, spec.condition, seed)
    save_scan(images, out / f"{name}.{spec.ext}")
    truth = PAGE_SEPARATOR.join(p.text for p in pages) + "\n"
    (out / f"{name}.gt.txt").write_text(truth, encoding="utf-8")
    return {"file": f"{name}.{spec.ext}", "ground_truth": f"{name}.gt.txt", "seed": seed,
            "dpi": images[0][1], **asdict(spec)}


def render_sources(out: Path) -> tuple[dict[str, dict], dict[tuple[str, str], list[RenderedPage]]]:
    """Render every source in every font the specs need."""
    metas, rendered = {}, {}
    for source, font in sorted({(s.source, s.font) for s in SPECS}):
        path = out / "sources" / f"{source}.json"
        meta, doc = load_source(path)
        settings = json.loads(path.read_text(encoding="utf-8")).get("render", {})
        size = settings.get("body_size_pt", 14)
        rendered[source, font] = render_official_document(doc, font=font, body_size_pt=size)
        metas[source] = {**meta, "pages": len(rendered[source, font])}
    return metas, rendered


def copy_seed_ocr(shared: Path, out: Path) -> dict:
    """Copy the seed's old OCR text verbatim; returns its manifest record."""
    source = shared / "seed" / "report-binhson-2022.ocr.txt"
    if not source.is_file():
        raise SystemExit(f"{source} not found; pass --shared DIR (the shared data folder)")
    shutil.copyfile(source, out / "report-binhson-2022.ocr.txt")
    return {
        "file": "report-binhson-2022.ocr.txt",
        "copied_from": "shared/seed/report-binhson-2022.ocr.txt",
    }


README_HEAD = """# Sample scans

Generated by `{command}` from the document sources in `sources/` (do not edit the
images or this file by hand; edit `sources/*.json` or `scripts/make_samples.py` and re-run).
Re-running gives byte-identical files: every random choice comes from a fixed seed per file
(the CRC-32 of its name, column *seed*), and PDF dates are fixed.

Each scan `NAME.EXT` has its ground truth `NAME.gt.txt`: one printed line a line, in reading
order with the columns kept apart (left header column, right header column, body, "Nơi nhận"
column, signature column); page numbers (pages 2+) come first on their page. In multi-page
files the pages are separated by a line holding only a form feed (`\\f`).
Pages are rendered by `pipeline.render.render_official_document` (A4, 300 dpi) and damaged
by `pipeline.render.degrade` (conditions in `pipeline/render/degrade.py`; `bilevel` is the
clean page thresholded at 160 to 1 bit). `manifest.json` holds the same facts as this table.

## Text sources

| Source | Pages | Provenance | Licence |
|---|---|---|---|
"""

README_FILES = """
## Files

| File | What | Text from | How made (font, condition, seed, dpi) | Tests |
|---|---|---|---|---|
"""

OCR_ROW = (
    "| `report-binhson-2022.ocr.txt` | the real report (all 442 lines) as OCRed long ago with an "
    "English model, copied verbatim | `shared/seed/report-binhson-2022.ocr.txt` (Báo cáo "
    "286/BC-UBND, UBND huyện Bình Sơn; public administrative document) | copied by the script "
    "| diacritic restoration and OCR-damage repair on real old OCR output |\n"
)


def write_readme(metas: dict[str, dict], records: Sequence[dict], out: Path) -> None:
    """``README.md``: the sources and one row per file, from the manifest records."""
    text = README_HEAD.format(command=COMMAND)
    for source, meta in metas.items():
        cells = [f"`sources/{source}.json`", str(meta["pages"])]
        cells += [meta["provenance"], meta["licence"]]
        text += "| " + " | ".join(cells) + " |\n"
    text += README_FILES
    for rec in records:
        if "copied_from" in rec:
            continue
        pages = ", ".join(str(p) for p in rec["pages"])
        what = f"{rec['ext'].upper()}, page{'s' if len(rec['pages']) > 1 else ''} {pages}"
        how = f"{rec['font']}, {rec['condition']}, seed {rec['seed']}, {rec['dpi']} dpi"
        cells = [f"`{rec['file']}`, `{rec['ground_truth']}`", what,
                 f"`sources/{rec['source']}.json`", how, rec["tests"]]
        text += "| " + " | ".join(cells) + " |\n"
    text += OCR_ROW
    (out / "README.md").write_text(text, encoding="utf-8")


def remove_old_samples(out: Path) -> None:
    """Delete the files a previous run wrote (everything in ``out`` but ``sources/``)."""
    for path in out.iterdir():
        if path.is_file():
            path.unlink()


def main(argv: Sequence[str] | None = None) -> None:
    """Render all sources, write every sample, the manifest and the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="the shared data folder (for the seed OCR text)")
    parser.add_argument("--out", type=Path, default=SAMPLES, help="samples folder (holds sources/)")
    args = parser.parse_args(argv)
    remove_old_samples(args.out)
    metas, rendered = render_sources(args.out)
    records = [make_sample(spec, rendered, args.out) for spec in SPECS]
    records.append(copy_seed_ocr(args.shared, args.out))
    manifest = {"command": COMMAND, "sources": metas, "files": records}
    (args.out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_readme(metas, records, args.out)
    total = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"wrote {len(records)} samples to {args.out} ({total / 1e6:.1f} MB in all)")


if __name__ == "__main__":
    main()
