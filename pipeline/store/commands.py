"""The store's click commands; ``register(cli)`` adds them to vanthu's command group.

Each command is a few lines over the library; errors are raised as ``StoreError`` (exit code 7)
and turned into messages by ``pipeline.cli.main``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from pipeline.store.names import DEFAULT_DB, DIRECTIVE_TYPES, EXPORT_TABLES, FORMATS, PLAN, URL_HELP

# The query, export and formatting modules (SQLAlchemy, pandas) are imported by the commands
# that use them: every vanthu command, `ocr` included, starts without them.

DB_HELP = f"Database: {URL_HELP}. Default: {DEFAULT_DB}."


def db_option(f: Callable) -> Callable:
    return click.option("--db", default=DEFAULT_DB, help=DB_HELP)(f)


def format_option(choices: tuple[str, ...]) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
                        help="Output format (json: a list of objects).")


def output_option(f: Callable) -> Callable:
    return click.option("-o", "--output", type=click.Path(path_type=Path),
                        help="Write to this file (required for xlsx) instead of standard output.")(f)


def emit(rows: list[dict], columns: tuple[str, ...], fmt: str, output: Path | None, sheet: str) -> None:
    """Print or write ``rows`` in ``fmt``."""
    from pipeline.store.formats import render, write_xlsx
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE.xlsx")
        write_xlsx(rows, columns, output, sheet)
        click.echo(f"wrote {output} ({len(rows)} rows)", err=True)
        return
    text = render(rows, columns, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@click.command("plans")
@click.option("--by-year", is_flag=True, default=True, help="One row per plan, ordered by year (the default).")
@click.option("--issuer", help="Only plans whose issuer contains this text (diacritics optional).")
@click.option("--from", "year_from", type=int, help="First year.")
@click.option("--to", "year_to", type=int, help="Last year.")
@format_option(("table", "csv", "json", "xlsx"))
@output_option
@db_option
def plans_cmd(by_year: bool, issuer: str | None, year_from: int | None, year_to: int | None,
              fmt: str, output: Path | None, db: str) -> None:
    """Plans (Kế hoạch) issued per year, archived or cited, with the reports citing them."""
    from pipeline.store import queries
    rows = queries.plans_by_year(db, issuer=issuer, year_from=year_from, year_to=year_to)
    columns = ("year", "symbol", "date", "issuer", "subject", "in_archive", "cited_by")
    emit(rows, columns, fmt, output, "plans")


@click.command("directives")
@click.option("--type", "types", multiple=True, help='Document type, e.g. "Chỉ thị" (repeatable). '
              f'Default: {", ".join(DIRECTIVE_TYPES)}.')
@click.option("--limit", type=int, default=100, show_default=True, help="The N most cited; 0 for all.")
@format_option(("table", "csv", "json", "xlsx"))
@output_option
@db_option
def directives_cmd(types: tuple[str, ...], limit: int | None, fmt: str, output: Path | None, db: str) -> None:
    """Cited directives, the most cited first: how often and by which reports."""
    from pipeline.store import queries
    rows = queries.directives(db, types=types or DIRECTIVE_TYPES, limit=limit or None)
    columns = ("type", "symbol", "date", "issuer", "subject", "mentions", "reports", "cited_by")
    emit(rows, columns, fmt, output, "directives")


def _matrix(rows: list[dict], year_from: int, year_to: int) -> tuple[list[dict], tuple[str, ...]]:
    """Issuer x year rows: a cell lists the symbols, or MISSING."""
    years = tuple(str(y) for y in range(year_from, year_to + 1))
    by_issuer: dict[str, dict] = {}
    for r in rows:
        cell = by_issuer.setdefault(r["issuer"], {"issuer": r["issuer"]})
        cell[str(r["year"])] = ", ".join(r["symbols"]) if r["present"] else "MISSING"
    return list(by_issuer.values()), ("issuer", *years)


@click.command("compliance")
@click.option("--type", "doc_type", default=PLAN, show_default=True, help="Document type.")
@click.option("--subject", default="", help='Words the subject must contain, e.g. "dân vận".')
@click.option("--from", "year_from", type=int, required=True, help="First year.")
@click.option("--to", "year_to", type=int, required=True, help="Last year.")
@click.option("--issuer", help="Only issuers whose name contains this text.")
@format_option(("table", "csv", "json"))
@db_option
def compliance_cmd(doc_type: str, subject: str, year_from: int, year_to: int, issuer: str | None,
                   fmt: str, db: str) -> None:
    """Issuer x year matrix: where a recurring document exists and where it is missing."""
    from pipeline.store import queries
    from pipeline.store.formats import render
    if year_to < year_from:
        raise click.BadParameter("--to is before --from")
    rows = queries.compliance(db, doc_type=doc_type, subject=subject, year_from=year_from,
                              year_to=year_to, issuer=issuer)
    if fmt == "json":
        click.echo(render(rows, ("issuer", "year", "present", "symbols"), "json"), nl=False)
        return
    matrix, columns = _matrix(rows, year_from, year_to)
    click.echo(render(matrix, columns, fmt), nl=False)


@click.command("search")
@click.argument("text")
@click.option("--limit", type=int, default=20, show_default=True)
@format_option(("table", "csv", "json"))
@db_option
def search_cmd(text: str, limit: int, fmt: str, db: str) -> None:
    """Full-text search over reports and mentions, with or without diacritics, best first."""
    from pipeline.store import queries
    from pipeline.store.formats import render
    rows = queries.search(db, text, limit=limit)
    click.echo(render(rows, ("report", "kind", "ref", "score", "snippet"), fmt), nl=False)


@click.command("query")
@click.argument("sql")
@format_option(("table", "csv", "json"))
@db_option
def query_cmd(sql: str, fmt: str, db: str) -> None:
    """Run one read-only SQL statement (JSON: a list of row objects)."""
    from pipeline.store.formats import render
    from pipeline.store.reader import run_query
    table = run_query(db, sql)
    click.echo(render(table.dicts(), table.columns, fmt), nl=False)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("vanthu-out/export"),
              show_default=True, help="Folder (csv, parquet) or .xlsx file.")
@click.option("--table", "tables", multiple=True, type=click.Choice(EXPORT_TABLES),
              help="Only these tables (repeatable). Default: all.")
@db_option
def export_cmd(fmt: str, output: Path, tables: tuple[str, ...], db: str) -> None:
    """Export the tables as CSV files, one XLSX workbook or Parquet files."""
    from pipeline.store.export import export
    for path in export(db, fmt, output, tables or EXPORT_TABLES):
        click.echo(str(path))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8001, show_default=True)
@db_option
def serve_cmd(host: str, port: int, db: str) -> None:
    """Read-only web view (Datasette) with canned queries; SQLite databases only."""
    from pipeline.store.serve import serve

    serve(db, host, port)


COMMANDS = (plans_cmd, directives_cmd, compliance_cmd, search_cmd, query_cmd, export_cmd, serve_cmd)


def register(cli: click.Group) -> None:
    """Add the store's commands to ``cli``."""
    for command in COMMANDS:
        cli.add_command(command)
