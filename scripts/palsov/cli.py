"""The `palsov` command line: one subcommand per stage of the pipeline, kept thin."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNSUPPORTED, EXIT_USAGE, PalsovError, UnsupportedError
from .project import Project, find_project
from .rdf.vocab import WIKIDATA_ENDPOINT
from .runtime.crashlog import write_crash_log
from .validation.engines import ENGINE_NAMES
from .validation.report import INFO

if TYPE_CHECKING:
    from .rdf.graph import KnowledgeGraph
    from .rdf.http import HttpClient
    from .wikidata.client import Client

console = Console(soft_wrap=True)
errors = Console(stderr=True)


def _project() -> Project:
    return find_project()


def _print_pairs(title: str, rows: list[tuple[str, str]]) -> None:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


Command = Callable[..., Any]


def _network_options(timeout: float) -> Callable[[Command], Command]:
    """--timeout and --retries, for a command that talks to a service."""

    def decorate(command: Command) -> Command:
        command = click.option(
            "--retries",
            default=4,
            show_default=True,
            type=click.IntRange(0, 20),
            help="Retries on 429, 5xx, timeouts and dropped connections, with backoff that honours Retry-After.",
        )(command)
        return click.option(
            "--timeout",
            default=timeout,
            show_default=True,
            type=click.FloatRange(0.1),
            help="Seconds for each request, from connecting to the last byte.",
        )(command)

    return decorate


def _http_client(timeout: float, retries: int) -> HttpClient:
    from .rdf.http import HttpClient

    return HttpClient(timeout=timeout, retries=retries)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="palsov")
def cli() -> None:
    """palsov: the Palestine–Soviet Union relations knowledge graph."""


@cli.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on violations.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="How many exports to write at once (default: one per core; on Linux only, elsewhere one).",
)
def build(strict: bool, jobs: int | None) -> None:
    """Read ontology and data, validate them and write every export to dist/."""
    from .publish.build import check, write

    project = _project()
    checked = check(project)
    _print_pairs("palsov build", [*checked.stats.rows(), ("validation", checked.report.summary())])
    written = write(checked, strict=strict, workers=jobs)
    console.print(f"wrote {len(written)} files to {project.dist_dir}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shape_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Validate the DATA files against this shapes graph (repeat for several) instead of the project's "
    "data against its shapes; nothing else of the project is read.",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="Report format: text for people, JSON, or a W3C sh:ValidationReport in Turtle.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on violations.")
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="sparql",
    show_default=True,
    help="SHACL compiled to SPARQL on the embedded store, or another engine: pySHACL (the reference, slower), "
    "pyshacl-turbo or pyrudof (when installed).",
)
@click.option(
    "--infos/--no-infos",
    default=False,
    show_default=True,
    help="Show informational results in the text report.",
)
def validate(
    paths: tuple[Path, ...], shape_files: tuple[Path, ...], format_name: str, strict: bool, engine: str, infos: bool
) -> None:
    """Validate the data (or the given files) against the SHACL shapes.

    Exit 0 when there is no violation (no warning either, with --strict), 1 when there is; 2 for
    unreadable input or broken shapes, 3 for a SHACL feature palsov does not support. The Turtle
    report's sh:conforms follows SHACL: false when there is any result, informational ones too.
    """
    from .validation.report import Report
    from .validation.validate import validate_files, validate_project

    if shape_files:
        if not paths:
            raise click.UsageError("--shapes needs the DATA files to validate")
        report = validate_files(list(shape_files), list(paths), engine=engine)
    else:
        report = validate_project(_project(), list(paths) if paths else None, engine=engine)
    if format_name == "json":
        sys.stdout.write(report.to_json())
    elif format_name == "turtle":
        sys.stdout.write(report.to_turtle())
    else:
        shown = report if infos else Report([r for r in report.results if r.severity != INFO])
        sys.stdout.write(shown.to_text(summary=report.summary()))
    sys.exit(EXIT_OK if report.passes(strict) else EXIT_DATA)


@cli.command()
def stats() -> None:
    """Count the events, actors, stances, links and candidates, and the evidence share."""
    from .publish.stats import compute
    from .rdf.graph import KnowledgeGraph

    _print_pairs("palsov stats", compute(KnowledgeGraph.read(_project()).store).rows())


@cli.command("export")
@click.option(
    "--format",
    "format_name",
    default="turtle",
    show_default=True,
    help="turtle, jsonld, ntriples, nquads, trig or rdfxml",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; standard output when omitted.",
)
def export_command(format_name: str, out: Path | None) -> None:
    """Serialise the merged graph (ontology and data)."""
    from .publish.formats import export, exported, get_format
    from .publish.jsonld import context_path, load_context
    from .rdf.graph import KnowledgeGraph

    get_format(format_name)
    project = _project()
    kg = KnowledgeGraph.read(project)
    context = load_context(context_path(project.ontology_dir))
    if out is None:
        sys.stdout.buffer.write(exported(kg, format_name, context))
    else:
        export(kg, format_name, out, context)


def _conforming_graph(project: Project) -> KnowledgeGraph:
    """The project's graph, once it has passed validation (the one policy: see require_conforming)."""
    from .rdf.graph import KnowledgeGraph
    from .validation.validate import require_conforming, validate_project

    kg = KnowledgeGraph.read(project)
    require_conforming(validate_project(project, kg=kg), "nothing was served or loaded")
    return kg


@cli.command()
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--timeout-s",
    "timeout_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--allow-service",
    "allowed",
    multiple=True,
    metavar="URL",
    help="A SPARQL endpoint that queries may call with SERVICE (through palsov's own client); "
    "by default every SERVICE is refused.",
)
def serve(port: int, timeout_s: float, allowed: tuple[str, ...]) -> None:
    """Serve the build read-only at http://127.0.0.1:PORT/sparql, and its site with every IRI by
    content negotiation at http://127.0.0.1:PORT/, until Ctrl-C (or SIGTERM, SIGHUP)."""
    from .endpoints.serve import HOST, SPARQL_PATH, served, served_triples
    from .endpoints.site import SiteRoute
    from .publish.jsonld import context_path, load_context
    from .publish.site.model import SiteModel
    from .publish.site.write import write_site
    from .rdf.http import checked_url
    from .runtime.signals import Interrupted

    for url in allowed:
        checked_url(url)
    project = _project()
    kg = _conforming_graph(project)
    context = load_context(context_path(project.ontology_dir))
    endpoint = f"http://{HOST}:{port}{SPARQL_PATH}"

    def site(folder: Path) -> SiteRoute:  # the pages of the graph served, beside it in its folder
        dumps = project.dist_dir if project.dist_dir.is_dir() else None
        write_site(SiteModel.of(kg), context, folder / "site", dumps)
        return SiteRoute(folder / "site")

    try:
        with served(served_triples(kg, endpoint), port, timeout_s, frozenset(allowed), site=site) as (base, front):
            console.print(f"SPARQL endpoint: {endpoint} (read-only; Ctrl-C stops it)", highlight=False)
            console.print(f"site: {base}/ (every IRI of the graph by content negotiation)", highlight=False)
            sys.stdout.flush()  # a supervising process reads the URL before the server stops
            front.serve_forever()
    except Interrupted:
        console.print("stopped", highlight=False)


@cli.command("load")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's Graph Store Protocol endpoint, e.g. http://localhost:7878/store.",
)
@click.option("--graph", metavar="IRI", help="Named graph to replace (default: the default graph).")
@_network_options(timeout=300.0)
def load_command(endpoint: str, graph: str | None, timeout: float, retries: int) -> None:
    """Replace a graph of any store with the build (SPARQL 1.1 Graph Store Protocol, HTTP PUT)."""
    from .endpoints.gsp import push
    from .rdf.http import checked_url

    checked_url(endpoint)
    kg = _conforming_graph(_project())
    sent = push(list(kg.all_triples()), endpoint, graph, _http_client(timeout, retries))
    console.print(f"loaded {sent} triples into {graph or 'the default graph'} of {endpoint}", highlight=False)


@cli.command("plot")
def plot_command() -> None:
    """Draw the timeline chart and the actor network (PNG and SVG) into dist/."""
    from .publish.charts import plot
    from .rdf.graph import KnowledgeGraph

    project = _project()
    charts = plot(KnowledgeGraph.read(project), project.dist_dir)
    console.print(
        f"timeline: {charts.events} events, {charts.bands} stance bands in {charts.rows} rows; "
        f"network: {charts.actors} actors, {charts.ties} ties",
        highlight=False,
    )
    for path in charts.written:
        console.print(f"wrote {path}", highlight=False)


@cli.command("site")
def site_command() -> None:
    """Validate, then write the static site (a page and three RDF forms per IRI) to dist/site/."""
    from .publish.jsonld import context_path, load_context
    from .publish.site.write import write_into

    project = _project()
    kg = _conforming_graph(project)
    context = load_context(context_path(project.ontology_dir))
    written = write_into(project.dist_dir / "site", kg, context, project.dist_dir)
    console.print(f"wrote {len(written)} files to {project.dist_dir / 'site'}", highlight=False)


@cli.command()
@click.argument("thing")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "turtle", "jsonld", "ntriples"]),
    default="text",
    show_default=True,
    help="In words for people, or its description as RDF (the same as the site's index.ttl, .jsonld, .nt).",
)
def describe(thing: str, format_name: str) -> None:
    """Describe THING (a CURIE such as actor:soviet-union, an IRI, or a name) as a historian reads it."""
    from .publish.site.model import SiteModel
    from .publish.site.text import describe as in_words
    from .publish.site.text import resolve
    from .rdf.graph import KnowledgeGraph

    project = _project()
    model = SiteModel.of(KnowledgeGraph.read(project))
    document = resolve(model, thing)
    if format_name == "text":
        sys.stdout.write(in_words(model, document))
        return
    from .publish.jsonld import context_path, load_context
    from .publish.site.layout import document_iri
    from .publish.site.write import Description

    document = document_iri(document)  # a hash IRI is described by its document
    description = Description(model, load_context(context_path(project.ontology_dir)))
    triples = description.triples(document)
    if format_name == "turtle":
        sys.stdout.buffer.write(description.turtle(triples))
    elif format_name == "ntriples":
        sys.stdout.buffer.write(description.ntriples(triples))
    else:
        sys.stdout.write(description.jsonld(document, triples) + "\n")


@cli.command("search")
@click.argument("text")
def search_command(text: str) -> None:
    """Find resources by label, other name or the source's own spelling ("PLFP"); one a line, best first."""
    from .publish.site.model import SiteModel
    from .publish.site.text import search
    from .rdf.graph import KnowledgeGraph

    found = search(SiteModel.of(KnowledgeGraph.read(_project())), text)
    if not found:
        errors.print(f"palsov: nothing is named {text!r}", markup=False, highlight=False)
    sys.stdout.write(found)


_LINK_DEFAULTS: dict[str, Any] = {
    "endpoint": WIKIDATA_ENDPOINT,
    "offline": False,
    "timeout": 60.0,
    "retries": 4,
}


def _link_setting(context: click.Context, parameter: click.Parameter, value: object) -> None:
    """The link options are read before the subcommand and after it (`palsov link check --offline`);
    a value given after wins."""
    if value is not None and value is not False:
        context.meta.setdefault("palsov.link", {})[parameter.name] = value


def _link_options(command: Command) -> Command:
    options = [
        click.option(
            "--endpoint",
            metavar="URL",
            expose_value=False,
            callback=_link_setting,
            help=f"Wikidata's SPARQL endpoint, or a mirror (default {_LINK_DEFAULTS['endpoint']}).",
        ),
        click.option(
            "--offline",
            is_flag=True,
            default=None,
            expose_value=False,
            callback=_link_setting,
            help="Answer from the cache only; never touch the network.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1),
            expose_value=False,
            callback=_link_setting,
            help="Seconds for each request, from connecting to the last byte (default 60).",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 20),
            expose_value=False,
            callback=_link_setting,
            help="Retries on 429, 5xx, timeouts and dropped connections, honouring Retry-After (default 4).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _wikidata_client(project: Project) -> Client:
    from .wikidata.client import Client

    given = click.get_current_context().meta.get("palsov.link", {})
    settings = {**_LINK_DEFAULTS, **given}
    return Client(
        endpoint=settings["endpoint"],
        cache_dir=project.wikidata_dir / "cache",
        offline=settings["offline"],
        http=_http_client(settings["timeout"], settings["retries"]),
        endpoint_named="endpoint" in given,
    )


@cli.group()
@_link_options
def link() -> None:
    """Check, suggest and enrich Wikidata links; accept a verified one.

    The options may come before the subcommand or after it."""


@link.command("check")
@_link_options
def link_check() -> None:
    """Compare every link with its item: labels, classes, dates, existence, redirects, sharing."""
    from .rdf.graph import KnowledgeGraph
    from .wikidata.check import check

    project = _project()
    client = _wikidata_client(project)
    findings = check(KnowledgeGraph.read(project), client)
    if not findings:
        console.print(f"every Wikidata link agrees with {client.endpoint}", highlight=False)
        return
    table = Table(title=f"{len(findings)} problems with Wikidata links", title_justify="left")
    for column in ("resource", "item", "problem"):
        table.add_column(column, overflow="fold")
    for f in findings:
        table.add_row(f.label, f"wd:{f.item}", f.problem)
    console.print(table)
    sys.exit(EXIT_DATA)


@link.command("suggest")
@_link_options
def link_suggest() -> None:
    """Propose items for unlinked actors and places, into dist/wikidata-proposals.csv (never the data)."""
    from .rdf.files import write_atomically
    from .rdf.graph import KnowledgeGraph
    from .wikidata.suggest import proposals_csv, suggest

    project = _project()
    client = _wikidata_client(project)
    proposals = suggest(KnowledgeGraph.read(project), client)
    out = project.dist_dir / "wikidata-proposals.csv"
    write_atomically(out, proposals_csv(proposals))
    table = Table(title="Wikidata proposals (review them; accept with palsov link accept)", title_justify="left")
    for column in ("resource", "item", "status", "score", "evidence"):
        table.add_column(column, overflow="fold")
    for p in proposals:
        table.add_row(p.label, f"wd:{p.item} {p.item_label}", p.status, f"{p.score:.2f}", p.evidence)
    console.print(table)
    console.print(f"wrote {out}", highlight=False)


@link.command("enrich")
@_link_options
def link_enrich() -> None:
    """Fetch labels (ru, ar, he) and dates of the linked items into data/wikidata/enrichment.ttl."""
    from .rdf.graph import KnowledgeGraph
    from .wikidata.enrich import enrich

    project = _project()
    client = _wikidata_client(project)
    count, path = enrich(KnowledgeGraph.read(project), client, project)
    console.print(f"wrote {count} facts to {path}", highlight=False)


@link.command("accept")
@click.argument("resource")
@click.argument("qid")
@click.option(
    "--source", "sources", multiple=True, required=True, help="An independent source confirming the item; give two."
)
@click.option("--note", help="How the link was verified, in a sentence.")
def link_accept(resource: str, qid: str, sources: tuple[str, ...], note: str | None) -> None:
    """Record RESOURCE (e.g. actor:nikita-khrushchev) as the Wikidata item QID, with its sources."""
    from .wikidata.accept import accept

    project = _project()
    accept(project, resource, qid, list(sources), note)
    console.print(f"linked {resource} to wd:{qid} in {project.data_dir / 'links.ttl'}", highlight=False)


@cli.command()
def queries() -> None:
    """List the saved queries: name, summary and parameters."""
    from .queries.saved import saved_queries

    table = Table(title="saved queries", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("summary")
    table.add_column("parameters (default)")
    for query in saved_queries(_project().queries_dir):
        parameters = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in query.parameters.values())
        table.add_row(query.name, query.summary, parameters)
    console.print(table)


_RESULTS_FORMATS = {"json": "JSON", "csv": "CSV", "tsv": "TSV"}


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise click.UsageError(f"{option} takes NAME=VALUE, not {value!r}")
        pairs[key] = rest
    return pairs


@cli.command("query")
@click.argument("name")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter's value; repeat for several.",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run on this SPARQL 1.1 endpoint instead of the embedded store.",
)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="FROM=TO",
    help="Send the query's SERVICE <FROM> calls to TO instead (e.g. a local Wikidata mirror).",
)
@_network_options(timeout=60.0)
def query_command(
    name: str,
    params: tuple[str, ...],
    format_name: str,
    endpoint: str | None,
    services: tuple[str, ...],
    timeout: float,
    retries: int,
) -> None:
    """Run the saved query NAME on the embedded store or on --endpoint."""
    from .queries.run import run_embedded, run_endpoint, with_services
    from .queries.saved import find_query
    from .rdf.http import checked_url

    project = _project()
    saved = find_query(project.queries_dir, name)
    redirected = _pairs(services, "--service")
    for url in [*([endpoint] if endpoint else []), *redirected.values()]:
        checked_url(url)
    text = with_services(saved, saved.bind(_pairs(params, "--param")), redirected)
    client = _http_client(timeout, retries)
    if endpoint:
        results = run_endpoint(endpoint, text, client)
    else:
        from .rdf.graph import KnowledgeGraph

        results = run_embedded(KnowledgeGraph.read(project).store, text, client)
    if format_name in _RESULTS_FORMATS:
        import pyoxigraph as ox

        sys.stdout.buffer.write(results.serialize(getattr(ox.QueryResultsFormat, _RESULTS_FORMATS[format_name])))
    else:
        table = Table(title=f"{saved.name}: {saved.summary}", title_justify="left")
        for variable in results.variables:
            table.add_column(variable, overflow="fold")
        for row in results.rows:
            table.add_row(*(row[v].value if v in row else "" for v in results.variables))
        console.print(table)
        console.print(f"{len(results.rows)} rows", highlight=False)


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write (default dist/ontology.html).",
)
def docs(out: Path | None) -> None:
    """Render the ontology's documentation page (pyLODE) into dist/."""
    from .publish.ontology_page import render
    from .rdf.graph import KnowledgeGraph

    project = _project()
    target = out or project.dist_dir / "ontology.html"
    render(KnowledgeGraph.read(project, data_files=[]), target)
    console.print(f"wrote {target}")


@cli.command()
@click.option(
    "--runs",
    default=5,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Runs of each measurement; the median is reported.",
)
@click.option(
    "--sizes",
    metavar="N,N,…",
    help="Measure the stages on synthetic corpora of about these many triples (e.g. 10000,100000,1000000) "
    "instead of timing the commands on the real data.",
)
@click.option("--rdflib-everywhere", is_flag=True, help="Time bare rdflib at every size (slow past 200k triples).")
def bench(runs: int, sizes: str | None, rdflib_everywhere: bool) -> None:
    """Time every command on the real data, or every stage at growing sizes; medians, and JSON in dist/."""
    import json

    from .rdf.files import write_atomically

    project = _project()
    if sizes:
        from .devtools.stages import run as run_scale

        try:
            wanted = [int(size.replace("_", "")) for size in sizes.split(",")]
        except ValueError:
            raise click.UsageError(f"--sizes takes whole numbers separated by commas, not {sizes!r}") from None
        results = run_scale(project, wanted, runs, rdflib_everywhere)
        stages = list(next(iter(results.values())))
        table = Table(title=f"palsov bench: stages by corpus size, median of {runs} runs (s)", title_justify="left")
        table.add_column("stage")
        for size in results:
            table.add_column(f"{size:,}", justify="right")
        for stage in stages:
            table.add_row(stage, *(str(results[size].get(stage, "–")) for size in results))
        console.print(table)
        out = project.dist_dir / "bench-scale.json"
        write_atomically(out, json.dumps({"runs": runs, "sizes": results}, indent=2) + "\n")
        console.print(f"wrote {out}", highlight=False)
        return
    from .devtools.bench import run

    table = Table(title=f"palsov bench: whole process, {runs} runs", title_justify="left")
    for column in ("command", "median s", "min s", "max s"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for timing in run(project, runs):
        table.add_row(timing.command, f"{timing.median_s:.3f}", f"{timing.min_s:.3f}", f"{timing.max_s:.3f}")
    console.print(table)
    console.print(f"wrote {project.dist_dir / 'bench.json'}")


def main() -> None:
    from .validation.validate import NotConforming

    try:
        status = cli.main(standalone_mode=False, prog_name="palsov")
    except NotConforming as error:
        errors.print(error.report.to_text(), markup=False, highlight=False, end="")
        _fail(f"palsov: {error}", EXIT_DATA)
    except UnsupportedError as error:
        _fail(f"palsov: unsupported: {error} (details in {write_crash_log(error)})", EXIT_UNSUPPORTED)
    except PalsovError as error:
        _fail(f"palsov: error: {error}", error.exit_code)
    except click.exceptions.Abort:
        errors.print("palsov: aborted")
        sys.exit(EXIT_INTERRUPTED)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx is not None else "palsov"
        errors.print(
            f"palsov: error: {error.format_message().rstrip('.')} (see '{command} --help')",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        errors.print(f"palsov: error: {error.format_message()}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # a bug: one line, and the traceback in a file for the report
        cause = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
        _fail(
            f"palsov: internal error: {type(error).__name__}: {cause} (traceback in {write_crash_log(error)})",
            EXIT_UNSUPPORTED,
        )
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def _fail(line: str, status: int) -> None:
    errors.print(line, markup=False, highlight=False, soft_wrap=True)
    sys.exit(status)
