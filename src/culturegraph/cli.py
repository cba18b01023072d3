"""``culturegraph [--store PATH] build|validate|query|serve|fetch|enrich|remarks``, and the datasets' own
commands (``DatasetSpec.commands``: ``culturegraph export edm``)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from culturegraph.config import QUERY_STORES, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from culturegraph.remarks.store import RemarkStore


class _WithDatasetCommands(click.Group):
    """The house's commands, then those the datasets declare (``DatasetSpec.commands``), looked up when
    first asked for: a command under a group (``export edm``) joins that group, made for it. Which
    datasets there are depends only on the ``datasets`` setting (the environment), not on the options of
    this group, so they can be found before its callback runs."""

    _found: dict[str, click.Command] | None = None

    def _dataset_commands(self) -> dict[str, click.Command]:
        if self._found is not None:
            return self._found
        from culturegraph.datasets import load_registry

        found: dict[str, click.Command] = {}
        try:
            registry = load_registry(load_settings().datasets)
        except SettingsError:
            return found  # main's callback reports the bad setting
        for spec in registry:
            for declared in spec.commands:
                command: click.Command = declared.command
                if declared.group is None:
                    _add(found, command, self.commands, f"dataset {spec.name!r}")
                    continue
                group = found.get(declared.group)
                if group is None:
                    if declared.group in self.commands:
                        raise click.ClickException(f"dataset {spec.name!r}: command group {declared.group!r} "
                                                   "is a command of the house")
                    group = found[declared.group] = click.Group(declared.group, help=declared.help or None)
                assert isinstance(group, click.Group), declared.group
                _add(group.commands, command, {}, f"dataset {spec.name!r}")
        self._found = found
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._dataset_commands()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._dataset_commands().get(cmd_name)


def _add(commands: MutableMapping[str, click.Command], command: click.Command,
         house: Mapping[str, click.Command], who: str) -> None:
    name = command.name or ""
    if name in commands or name in house:
        raise click.ClickException(f"{who}: command {name!r} is defined twice")
    commands[name] = command


@click.group(cls=_WithDatasetCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_home", type=click.Path(path_type=Path), envvar="CULTUREGRAPH_STORE",
              help="Store home (builds + the `current` link). Default: var/graph. Env: CULTUREGRAPH_STORE.")
@click.option("--base-iri", envvar="CULTUREGRAPH_BASE_IRI",
              help="Base of every IRI we mint. Env: CULTUREGRAPH_BASE_IRI.")
@click.option("--store-url", envvar="CULTUREGRAPH_STORE_URL",
              help="Publish to and read from a remote SPARQL store at this root URL (oxigraph serve); "
                   "default: the embedded store. Env: CULTUREGRAPH_STORE_URL.")
@click.version_option(package_name="culturegraph")
@click.pass_context
def main(ctx: click.Context, store_home: Path | None, base_iri: str | None, store_url: str | None) -> None:
    """culturegraph: the Ministry of Culture's open data as a Linked Open Data graph."""
    try:
        ctx.obj = load_settings(store_home=store_home, base_iri=base_iri, store_url=store_url)
    except SettingsError as err:
        raise click.UsageError(str(err)) from None


@main.command()
@click.option("--if-needed", is_flag=True, help="Do nothing if a graph is already built.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (the store is switched anyway).")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: on a terminal).")
@click.pass_obj
def build(settings: Settings, if_needed: bool, no_validate: bool, progress: bool | None) -> None:
    """Build the graph from data/sources into a new store, validate it, and switch to it."""
    from culturegraph.pipeline.build import BuildError
    from culturegraph.pipeline.build import build as run_build
    from culturegraph.sources.read import SourceError
    from culturegraph.store.oxigraph.home import StoreHome

    home = StoreHome(settings.store_home)
    if if_needed and home.current_build() is not None:
        click.echo(f"graph already built: {home.current_build()} (use `culturegraph build` to rebuild)")
        return
    started = time.perf_counter()
    try:
        result = run_build(settings, progress=sys.stderr.isatty() if progress is None else progress,
                           validate=not no_validate)
    except (BuildError, SourceError) as err:
        click.echo(f"build failed: {err}", err=True)
        click.echo(f"the graph being served is unchanged ({home.current_build() or 'none yet'})", err=True)
        sys.exit(2)
    from culturegraph.datasets import load_registry
    from culturegraph.pipeline.summary import render_summary

    click.echo(render_summary(result.report, result.directory, time.perf_counter() - started,
                              load_registry(settings.datasets)))
    if not result.switched:
        click.echo("build has SHACL Violations: the graph being served is unchanged", err=True)
        sys.exit(1)


@main.command()
@click.option("--dataset", "datasets", multiple=True, help="Validate only this dataset (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "html", "json"]), default="text")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
@click.option("--severity", type=click.Choice(["Violation", "Warning", "Info"]), default="Info",
              help="Lowest severity to list (text format).")
@click.pass_obj
def validate(settings: Settings, datasets: tuple[str, ...], fmt: str, output: Path | None,
             severity: str) -> None:
    """Validate the current graph with the SHACL shapes, and its DCAT-AP catalogue; every result names
    its source row."""
    import tempfile

    from culturegraph.catalogue.stage import read_catalogue
    from culturegraph.datasets import load_registry
    from culturegraph.pipeline.stages import stage_shapes
    from culturegraph.store.oxigraph.home import NoStoreError, StoreHome
    from culturegraph.store.oxigraph.reader import OxigraphReader
    from culturegraph.validation import catalogue
    from culturegraph.validation.report import render
    from culturegraph.validation.shacl import validate_store

    home = StoreHome(settings.store_home)
    try:
        store = home.open_current()
    except NoStoreError as err:
        raise click.ClickException(str(err)) from None
    registry = load_registry(settings.datasets)
    specs = list(registry)
    derived = stage_shapes(settings, registry)  # derived graphs with shapes (/graph/liens)
    known = {s.name for s in specs} | {catalogue.NAME} | set(derived)  # and the DCAT-AP catalogue
    unknown = set(datasets) - known
    if unknown:
        raise click.BadParameter(f"unknown dataset(s) {sorted(unknown)}; known: {sorted(known)}",
                                 param_hint="--dataset")
    build_dir = home.current_build()
    assert build_dir is not None
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        index = build_dir / "provenance.sqlite"
        if index.exists():
            (directory / "provenance.sqlite").write_bytes(index.read_bytes())
        report = validate_store(OxigraphReader(store), settings, specs, directory, list(datasets) or None,
                                catalogue=read_catalogue(build_dir), graphs=derived)
    text = render(report, fmt, min_severity=severity)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text)
    if report.violations:
        sys.exit(1)


# The prologue of a SPARQL query (comments, BASE and PREFIX declarations): the keyword after it is the
# query form (SPARQL 1.1 grammar, rule [2] Query), known without parsing or evaluating the rest.
_PROLOGUE = re.compile(r"(?:\s+|#[^\n\r]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE)
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


def _query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None if the text does not start like a query."""
    prologue = _PROLOGUE.match(sparql)
    rest = sparql[prologue.end():] if prologue else sparql
    word = re.match(r"[A-Za-z]+", rest)
    form = word.group().upper() if word else None
    return form if form in ("SELECT", "ASK", *_GRAPH_FORMS) else None


def _check_format_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Reject an unknown ``--format`` while the command line is parsed, before any query is run."""
    from culturegraph.rdf import formats
    from culturegraph.rdf.query import format_names

    if value is None or value.strip().lower() == "table":
        return value
    if formats.by_name(value, (*formats.RESULTS_FORMATS, *formats.GRAPH_FORMATS)) is None:
        raise click.BadParameter(
            f"{value!r} is not a query format: {', '.join(format_names(graph=False))} (SELECT/ASK); "
            f"{', '.join(format_names(graph=True))} (CONSTRUCT/DESCRIBE)", ctx, param, "--format")
    return value


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(exists=True, path_type=Path),
              help="Read the query from a file (e.g. queries/*.rq).")
@click.option("--format", "fmt", default=None, callback=_check_format_name,
              help="json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, nquads, trig, rdfxml, jsonld "
                   "(CONSTRUCT/DESCRIBE); table (default on a terminal for SELECT).")
@click.pass_obj
def query(settings: Settings, sparql: str | None, query_file: Path | None, fmt: str | None) -> None:
    """Run a SPARQL query on the current graph (union of the named graphs as default graph)."""
    from culturegraph.datasets import load_registry
    from culturegraph.rdf.query import QueryFormatError, output_format, run_query
    from culturegraph.store.oxigraph.home import NoStoreError, StoreHome

    load_registry(settings.datasets)  # the datasets' prefixes join the one table the writer uses

    if query_file:
        # Example queries are written against the default base IRI, like every shipped file.
        sparql = settings.rebase(query_file.read_text(encoding="utf-8-sig"))
    if not sparql:
        raise click.UsageError("give a query, or --file FILE")
    form = _query_form(sparql)
    if fmt is not None and form is not None:
        try:  # before the store is opened and the query evaluated: run_query's own check
            output_format(fmt, graph=form in _GRAPH_FORMS)
        except QueryFormatError as err:
            raise click.BadParameter(str(err), param_hint="--format") from None
    try:
        store = StoreHome(settings.store_home).open_current()
        out = run_query(store, sparql, fmt, base_iri=settings.base_iri, settings=settings)
    except NoStoreError as err:
        raise click.ClickException(str(err)) from None
    except SyntaxError as err:
        raise click.ClickException(str(err)) from None  # rdf/sparql_syntax.explain's message
    except QueryFormatError as err:
        raise click.BadParameter(str(err), param_hint="--format") from None
    sys.stdout.buffer.write(out)
    if not out.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--production", is_flag=True, help="Run under the production WSGI server with several workers.")
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--timeout", "query_timeout", type=float, default=None,
              help="SPARQL query time limit in seconds (default 30; env CULTUREGRAPH_QUERY_TIMEOUT).")
@click.option("--query-store", type=click.Choice(QUERY_STORES), default=None,
              help="Where SPARQL queries are evaluated: an in-memory replica of the build, loaded in the "
                   "background (default; about 1.5× the store's size per query executor) or the store on "
                   "disk (env CULTUREGRAPH_QUERY_STORE).")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, production: bool, workers: int,
          query_timeout: float | None, query_store: str | None) -> None:
    """Serve the current graph: SPARQL endpoint and linked-data pages."""
    from culturegraph.web.serve import serve as run_server

    if query_timeout is not None:
        try:
            settings = settings.with_(query_timeout_s=query_timeout)
        except SettingsError as err:
            raise click.BadParameter(str(err), param_hint="--timeout") from None
    if query_store is not None:
        settings = settings.with_(query_store=query_store)
    run_server(settings, host=host, port=port, production=production, workers=workers)


@main.command()
@click.argument("datasets", nargs=-1)
@click.option("--portal", default=None,
              help="Base URL replacing each entry's portal API (a mirror; default: the manifest's).")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds per network operation.")
@click.option("--retries", default=4, show_default=True, help="Attempts per request, with back-off.")
@click.option("--progress/--no-progress", default=None)
@click.pass_obj
def fetch(settings: Settings, datasets: tuple[str, ...], portal: str | None, timeout: float, retries: int,
          progress: bool | None) -> None:
    """Download the portals' current files into data/sources (every `fetch = true` file by default)."""
    from culturegraph.sources.fetchers import FetchError, fetch_sources

    try:
        results = fetch_sources(settings, list(datasets), portal=portal, timeout=timeout, retries=retries,
                                progress=sys.stderr.isatty() if progress is None else progress)
    except FetchError as err:
        raise click.ClickException(str(err)) from None
    for line in results:
        click.echo(line)


# issue 13: Wikidata enrichment (docs/enrichment.md) ----------------------------------------------------

@main.group()
def enrich() -> None:
    """Links to other bases, asked on demand into a committed cache that every build applies offline."""


@enrich.command("wikidata")
@click.option("--endpoint", envvar="CULTUREGRAPH_WIKIDATA_ENDPOINT", default=None,
              help="Wikidata SPARQL endpoint. Default: https://query.wikidata.org/sparql. "
                   "Env: CULTUREGRAPH_WIKIDATA_ENDPOINT.")
@click.option("--property", "properties", multiple=True, metavar="PID",
              help="Refresh only this property (repeatable: P539, P380, P236, P374, P2586, P2585). "
                   "Default: every property a dataset declares.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 5000),
              help="Identifiers per request (one VALUES block).")
@click.option("--min-interval", default=1.0, show_default=True, type=click.FloatRange(0),
              help="Seconds at least between the starts of two requests.")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0.01),
              help="Seconds per request.")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(1, 20),
              help="Attempts per request (429, 5xx, timeouts), with exponential back-off.")
@click.option("--backoff", default=2.0, show_default=True, type=click.FloatRange(0),
              help="First wait of the back-off, seconds (doubled each attempt; Retry-After wins).")
@click.option("--contact", envvar="CULTUREGRAPH_WIKIDATA_CONTACT", default=None,
              help="Who to tell if we misbehave, in the User-Agent (an address or a page). Default: the "
                   "base IRI. Env: CULTUREGRAPH_WIKIDATA_CONTACT.")
@click.pass_obj
def enrich_wikidata(settings: Settings, endpoint: str | None, properties: tuple[str, ...], batch_size: int,
                    min_interval: float, timeout: float, retries: int, backoff: float,
                    contact: str | None) -> None:
    """Ask Wikidata which items hold the graph's identifiers; rewrite data/enrichment/wikidata/."""
    from culturegraph.datasets import load_registry
    from culturegraph.pipeline.enrichment import EnrichmentError, refresh_current
    from culturegraph.sources.fetchers.client import FetchError, HttpPolicy
    from culturegraph.sources.fetchers.wikidata import DEFAULT_ENDPOINT, WikidataClient
    from culturegraph.store.oxigraph.home import NoStoreError

    client = WikidataClient(
        endpoint=endpoint or DEFAULT_ENDPOINT, contact=contact or settings.base_iri,
        policy=HttpPolicy(timeout_s=timeout, attempts=retries, backoff_s=backoff, max_wait_s=300.0,
                          max_retry_after_s=900.0, site=settings.base_iri),
        min_interval_s=min_interval, batch_size=batch_size)
    try:
        outcome = refresh_current(settings, load_registry(settings.datasets), client, only=properties)
    except (NoStoreError, EnrichmentError, FetchError) as err:
        raise click.ClickException(str(err)) from None
    for done in outcome.refreshed:
        counts = done.resolution.counts()
        click.echo(f"{done.property}: {done.asked:,} identifiers asked in {done.batches:,} requests; "
                   f"{counts['liens']:,} links, {counts['deja_lies']:,} already linked, "
                   f"{counts['conflits']:,} conflicts, {counts['absents']:,} not in Wikidata")
    click.echo(f"{outcome.requests:,} requests to {client.endpoint} ({outcome.waited_s:.1f} s waited: "
               f"rate limit and retries)")
    if outcome.conflicts:
        click.echo(f"{len(outcome.conflicts):,} conflicts, not linked (for curators: "
                   f"{outcome.folder / 'conflits.tsv'}):")
        for conflict in outcome.conflicts:
            click.echo(f"  {conflict.property} {conflict.kind}: {conflict.detail} "
                       f"[{' '.join(conflict.subjects)}]")
    click.echo(f"cache written: {outcome.folder} (applied by the next `culturegraph build`)")


# issue 15: remarks (docs/remarks.md) ------------------------------------------------------------------

@main.group()
def remarks() -> None:
    """The remarks' store: curators, tokens, backups, a person's remarks (RGPD)."""


def _remark_store(settings: Settings) -> RemarkStore:
    from culturegraph.remarks.store import RemarkStore

    return RemarkStore(settings.remarks_dir)


@remarks.command("curator")
@click.argument("name")
@click.password_option(help="At least 12 characters (asked twice when not given; env CULTUREGRAPH_PASSWORD).",
                       envvar="CULTUREGRAPH_PASSWORD")
@click.pass_obj
def remarks_curator(settings: Settings, name: str, password: str) -> None:
    """Create a curator account (or set its password)."""
    try:
        _remark_store(settings).add_curator(name, password)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"curator {name} can log in at /curation/connexion")


@remarks.command("token")
@click.argument("name")
@click.pass_obj
def remarks_token(settings: Settings, name: str) -> None:
    """A new token for NAME (the Web Annotation Protocol's writes, the Atom feed); replaces the old one."""
    try:
        click.echo(_remark_store(settings).new_token(name))
    except LookupError as err:
        raise click.ClickException(str(err)) from None


@remarks.command("backup")
@click.argument("destination", type=click.Path(path_type=Path), required=False)
@click.pass_obj
def remarks_backup(settings: Settings, destination: Path | None) -> None:
    """A consistent copy of the remarks' store (safe while the server writes); default: <store>/backups/."""
    store = _remark_store(settings)
    click.echo(store.backup(destination or settings.remarks_dir / "backups"))


@remarks.command("export")
@click.option("--email", required=True, help="The address the person gave.")
@click.pass_obj
def remarks_export(settings: Settings, email: str) -> None:
    """A person's remarks as JSON (their right of access)."""
    import json
    from dataclasses import asdict

    found = [asdict(r) for r in _remark_store(settings).by_email(email)]
    click.echo(json.dumps(found, ensure_ascii=False, indent=1))


@remarks.command("erase")
@click.option("--email", required=True, help="The address the person gave.")
@click.pass_obj
def remarks_erase(settings: Settings, email: str) -> None:
    """Erase a person's remarks (their right to erasure)."""
    click.echo(f"{_remark_store(settings).erase_email(email, 'cli')} remark(s) erased")


if __name__ == "__main__":
    main()
