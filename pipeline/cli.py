"""The ``vanthu`` command: thin click commands over the library.

Exceptions become exit codes and messages in exactly one place, :func:`main`; commands over
several inputs record each failure, go on, and exit with PARTIAL_FAILURE at the end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import ExitCode, InputFileError, PartialFailure, VanthuError

INTERRUPTED = 130  # the shell's convention for a program ended by Ctrl-C
STEPS = ("orientation", "deskew", "border", "denoise", "binarize")


class Failures:
    """Per-input failures of a multi-input command, reported as they happen."""

    def __init__(self) -> None:
        self.items: list[tuple[str, VanthuError]] = []

    def record(self, source: str, error: VanthuError) -> None:
        self.items.append((source, error))
        click.echo(f"vanthu: error: {error}", err=True)

    def finish(self, total: int) -> None:
        if not self.items:
            return
        if total == 1:
            raise self.items[0][1]
        raise PartialFailure(f"{len(self.items)} of {total} inputs failed; the others were processed")


def _progress(items: Sequence, label: str) -> Iterable:
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file", disable=not sys.stderr.isatty() or len(items) < 2, file=sys.stderr)


def _settings(lang: str, psm: int, timeout: float, skip: Sequence[str], no_preprocess: bool, dpi: int,
              upscale: bool):
    from pipeline.ocr.tesseract import OcrSettings
    from pipeline.preprocess import PreprocessSettings
    from pipeline.spine import Settings

    prep = PreprocessSettings.none() if no_preprocess else PreprocessSettings(upscale=upscale, **{s: False for s in skip})
    return Settings(preprocess=prep, ocr=OcrSettings(lang=lang, psm=psm, timeout_s=timeout), dpi=dpi)


def ocr_options(f: Callable) -> Callable:
    """Options shared by the commands that run OCR."""
    f = click.option("--lang", default="vie", show_default=True, help="Tesseract language(s), e.g. vie or vie+eng.")(f)
    f = click.option("--psm", default=3, show_default=True, type=click.IntRange(0, 13),
                     help="Tesseract page segmentation mode.")(f)
    f = click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(min=1),
                     help="Seconds Tesseract may spend on one page.")(f)
    f = click.option("--dpi", default=300, show_default=True, type=click.IntRange(72, 1200),
                     help="Resolution for rendering PDF pages that are not scans.")(f)
    f = click.option("--skip", multiple=True, type=click.Choice(STEPS),
                     help="Turn one preprocessing step off (repeatable).")(f)
    f = click.option("--no-preprocess", is_flag=True, help="Give Tesseract the page as it is.")(f)
    f = click.option("--upscale", is_flag=True,
                     help="Upscale scans under 180 dpi to 300 dpi (off: Tesseract did better without).")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="vanthu")
def cli() -> None:
    """vanthu: scanned Vietnamese administrative reports to searchable, structured data.

    \b
    Quick start:
      vanthu doctor                      check Tesseract, its Vietnamese data, the models
      vanthu ocr scan.pdf                OCR one scan to standard output
      vanthu process samples/ -o out/    the whole pipeline on a folder

    Exit codes: 0 ok, 1 unexpected error, 2 usage, 3 missing dependency, 4 bad input,
    5 some inputs failed, 6 OCR engine failure, 7 database failure.
    """


@cli.command()
def doctor() -> None:
    """Check that everything vanthu needs is installed, and say how to fix what is not."""
    from pipeline.doctor import run_checks

    problems = 0
    for check in run_checks():
        mark = "ok  " if check.ok else ("warn" if not check.required else "FAIL")
        click.echo(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"       fix: {check.fix}")
        problems += (not check.ok) and check.required
    if problems:
        from pipeline.errors import MissingDependencyError

        raise MissingDependencyError(f"{problems} required component(s) missing; see the fixes above")
    click.echo("vanthu is ready.")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the outputs (default: standard output for one file in txt, json, hocr "
                   "or alto; the current folder otherwise).")
@click.option("-f", "--format", "formats", multiple=True, default=("txt",), show_default=True,
              type=click.Choice(["txt", "json", "hocr", "alto", "pdf"]),
              help="Output format (repeatable): plain text, JSON with words, boxes and confidences, "
                   "hOCR, ALTO XML, or a searchable PDF.")
@ocr_options
def ocr(files: tuple[Path, ...], output_dir: Path | None, formats: tuple[str, ...], **opts) -> None:
    """OCR scans (PDF, TIFF, PNG, JPEG) after clean-up; Vietnamese by default.

    \b
    Examples:
      vanthu ocr scan.png                      text to standard output
      vanthu ocr a.pdf b.tif -o out -f txt -f json -f pdf
    """
    from pipeline import outputs, spine
    from pipeline.ocr.tesseract import check_environment

    settings = _settings(**opts)
    check_environment(settings.ocr)
    formats = tuple(dict.fromkeys(formats))
    if output_dir is None and len(files) == 1 and len(formats) == 1 and formats[0] != "pdf":
        results = list(spine.ocr_file(files[0], settings))
        click.echo(outputs.render(formats[0], [r.page for r in results], str(files[0])), nl=False)
        return
    failures = Failures()
    for path in _progress(files, "OCR"):
        try:
            spine.ocr_to_outputs(path, formats, output_dir or Path.cwd(), settings)
        except VanthuError as e:
            failures.record(str(path), e)
    failures.finish(len(files))


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", default=Path("vanthu-out"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the outputs.")
@click.option("-w", "--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Documents processed in parallel (worker processes, one Tesseract thread each).")
@click.option("--force", is_flag=True, help="Process again documents already done.")
@click.option("--progress", "progress_mode", type=click.Choice(["bar", "json", "none"]), default="bar",
              show_default=True, help="A progress bar (on a terminal), JSON lines on standard error, or nothing.")
@click.option("--retry-failed", is_flag=True, help="Process again only the documents that failed before.")
@click.option("--scheduler", metavar="tcp://HOST:8786",
              help="Send the documents to this Dask distributed scheduler instead of local workers.")
@click.option("--db", metavar="URL",
              help="Results database: a file path (SQLite, the default: OUTPUT_DIR/vanthu.sqlite) or "
                   "postgresql://user:password@host/dbname.")
@ocr_options
def process(inputs: tuple[Path, ...], output_dir: Path, workers: int, force: bool, retry_failed: bool,
            progress_mode: str, scheduler: str | None, db: str | None, **opts) -> None:
    """Run the whole pipeline on files and folders (searched recursively).

    Scans are OCRed; text files OCRed earlier go straight on; then every text is
    corrected (diacritics restored, OCR damage repaired) and its header, sections and
    cited documents extracted. For each document NAME the output folder gets
    NAME.raw.txt (as read), NAME.txt (corrected), NAME.edits.jsonl (every correction),
    NAME.json (structure and citations) and, for scans, NAME.words.json (words, boxes,
    confidences). NAME is the file's name without its extension; where two inputs would
    share a NAME, their folders are made part of it.

    Every document is loaded into the results database (reports, pages, sections, cited
    documents, citations, corrections, runs, errors), replacing an earlier copy of the same
    file. A re-run skips the documents already done or failed with this version of vanthu:
    --retry-failed takes only the failures, --force all.

    A document that cannot be read is recorded and skipped; the run goes on and the exit
    code is 5 at the end. Ctrl-C once finishes the documents in flight; twice abandons them.

    \b
    Examples:
      vanthu process samples/ -o out/                       results in out/vanthu.sqlite
      vanthu process /archive/scans -o out/ --workers 2 --progress json
      vanthu process /archive -o out/ --db postgresql://vanthu@dbhost/archive
    """
    from pipeline import batch
    from pipeline.ocr.tesseract import check_environment
    from pipeline.progress import Progress
    from pipeline.spine import needs_ocr

    settings = _settings(**opts)
    files = batch.find_documents(inputs)
    if not scheduler and any(needs_ocr(f) for f in files):
        check_environment(settings.ocr)
    output_dir.mkdir(parents=True, exist_ok=True)
    jobs = batch.make_jobs(files, output_dir, settings)
    progress = Progress(progress_mode)
    with open_results(db or output_dir / "vanthu.sqlite") as (sink, finish):
        try:
            summary = batch.run_batch(jobs, sink, workers=workers, force=force, retry_failed=retry_failed,
                                      scheduler=scheduler, on_start=progress.begin, on_outcome=progress.update)
        finally:
            progress.close()
        finish(summary)
    for line in summary.lines():
        click.echo(line, err=True)
    if summary.interrupted:
        raise KeyboardInterrupt
    if summary.failed:
        if summary.total == 1:
            raise summary.failures[0].error()
        raise PartialFailure(f"{summary.failed} of {summary.total} documents failed; the others were processed")


@contextmanager
def open_results(url: str | Path) -> Iterator[tuple[object, Callable]]:
    """The results database as a batch sink, within one recorded run."""
    from pipeline.correct import load_models
    from pipeline.correct.api import newest
    from pipeline.paths import MODELS_DIR
    from pipeline.store import open_store
    from pipeline.store.sink import StoreSink

    versions = {"language_model": newest(MODELS_DIR, "lm-trigram-*.npz").name,
                "channel": load_models().channel_name}
    with open_store(url) as store:
        run_id = store.start_run(__version__, versions)
        yield StoreSink(store, run_id, __version__, versions), lambda s: store.finish_run(run_id, s.done, s.failed)


@cli.command("correct")
@click.argument("source", type=click.Path(allow_dash=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the corrected text here (default: standard output).")
@click.option("--edits", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the edit log here, one JSON object per edit (line, column, original, "
                   "correction, confidence, alternatives).")
@click.option("--style", type=click.Choice(["new", "old"]), default="new", show_default=True,
              help="Tone placement of the output: new (hoà, thuỷ) or old (hòa, thủy).")
def correct_command(source: Path, output: Path | None, edits: Path | None, style: str) -> None:
    """Restore diacritics and repair OCR damage in text; line N out is line N in.

    SOURCE is a text file (UTF-8, UTF-16, Windows-1258 or TCVN3) or - for standard input.
    Syllables split by a stray space are joined ("tr ong" -> "trong"); a word hyphenated
    across a line end is printed whole at the end of its first line.

    \b
    Examples:
      vanthu correct old-ocr.txt -o fixed.txt --edits edits.jsonl
      echo "Quyet dinh s6 436/QP-UBND" | vanthu correct -
    """
    from pipeline.correct import correct, edits_to_jsonl
    from pipeline.fsutil import atomic_write
    from pipeline.ingest import read_text_document, text_document_from_bytes

    if str(source) == "-":
        doc = text_document_from_bytes(sys.stdin.buffer.read(), "<stdin>")
    else:
        doc = read_text_document(source)
    result = correct(doc.text, style=style)
    if output:
        atomic_write(output, result.text)
    else:
        click.echo(result.text, nl=not result.text.endswith("\n"))
    if edits:
        atomic_write(edits, edits_to_jsonl(result.edits))
    for note in result.notes:
        click.echo(f"vanthu: note: {note}", err=True)
    click.echo(f"{len(result.edits)} correction(s)", err=True)


@cli.command("extract")
@click.argument("source", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (validated against the schema).")
def extract_command(source: Path, as_json: bool) -> None:
    """Extract the header, section tree and cited documents of a (corrected) report.

    \b
    Examples:
      vanthu extract report.txt             a readable summary
      vanthu extract report.txt --json      JSON: document, sections, citations
    """
    from pipeline.extract import extract, structure_to_dict, validate_structure_dict
    from pipeline.ingest import read_text_document, text_document_from_bytes

    if str(source) == "-":
        doc = text_document_from_bytes(sys.stdin.buffer.read(), "<stdin>")
    else:
        doc = read_text_document(source)
    data = structure_to_dict(extract(doc.text))
    validate_structure_dict(data)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(summarize_structure(data))


def summarize_structure(data: dict) -> str:
    """A few readable lines: the document, its top sections, and a table of citations."""
    doc = data["document"]
    lines = [f"{doc.get('type') or '?'} {doc.get('symbol') or ''} - {doc.get('issuer') or '?'}, "
             f"{doc.get('place') or '?'}, {doc.get('date') or '?'}"]
    if doc.get("subject"):
        lines.append(f"  {doc['subject']}")
    lines.append("Sections:")
    lines += [f"  {s.get('number', '')} {s.get('title', '')}" for s in data["sections"]]
    lines.append(f"Cited documents ({len(data['citations'])}):")
    for c in data["citations"]:
        lines.append(f"  {c.get('type') or '?':12} {c['symbol']:24} {c.get('date') or '':10} "
                     f"{c.get('issuer') or ''}  ({len(c.get('mentions', []))} mention(s))")
    return "\n".join(lines)


def _register_store_commands() -> None:
    from pipeline.store.commands import register

    register(cli)


_register_store_commands()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the one place where exceptions become messages and exit codes."""
    try:
        cli.main(args=argv, prog_name="vanthu", standalone_mode=False)
    except click.exceptions.Abort as e:  # click turns Ctrl-C into Abort
        if isinstance(e.__cause__, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            return INTERRUPTED
        click.echo("Aborted.", err=True)
        return ExitCode.UNEXPECTED
    except click.ClickException as e:
        e.show()
        return ExitCode.USAGE
    except VanthuError as e:
        click.echo(f"vanthu: error: {e}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return INTERRUPTED
    return ExitCode.OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
