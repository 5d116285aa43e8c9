"""The `palsov` command line: one subcommand per stage of the pipeline, kept thin.

Start-up is measured (issue 19): the rule of this module is that **a command imports only what it
uses, inside its own function**. At the top: click, and palsov's lightest modules (no pyoxigraph,
rdflib, rich, importlib.metadata, yaml, edtf, httpx). A type used only in signatures goes under
TYPE_CHECKING; rich's Console is made on first use (`console`, `errors` below); a table is
`from rich.table import Table` inside the command that draws it. tests/test_startup.py checks that
`palsov --version`, `stats` and `query --format csv` never load rdflib or rich.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from .errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNSUPPORTED, EXIT_USAGE, PalsovError, UnsupportedError
from .validation import ENGINE_NAMES

if TYPE_CHECKING:
    from rich.console import Console

    from .project import Project
    from .queries.saved import SavedQuery
    from .rdf.graph import KnowledgeGraph
    from .rdf.http import HttpClient
    from .wikidata.client import Client


class _LazyConsole:
    """A rich Console made the first time something is printed through it: importing rich takes
    longer than a command that writes CSV or JSON needs to run."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


# Typed as the Console they stand for: every attribute is the Console's own.
console = cast("Console", _LazyConsole(soft_wrap=True))
errors = cast("Console", _LazyConsole(stderr=True))


def _project() -> Project:
    from .project import find_project

    return find_project()


def _print_pairs(title: str, rows: list[tuple[str, str]]) -> None:
    """A title and a two-column table of names and values, drawn without rich (`stats` and `build`
    print nothing else, and rich would take longer to import than `stats` takes to count)."""
    names = max((len(name) for name, _ in rows), default=0)
    values = max((len(value) for _, value in rows), default=0)
    lines = [title, f"┌{'─' * (names + 2)}┬{'─' * (values + 2)}┐"]
    lines += [f"│ {name:<{names}} │ {value:>{values}} │" for name, value in rows]
    lines.append(f"└{'─' * (names + 2)}┴{'─' * (values + 2)}┘")
    sys.stdout.write("\n".join(lines) + "\n")


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


def _http_client(timeout: float, retries: int, endpoint: str | None = None) -> HttpClient:
    """The client, with the credentials palsov finds for `endpoint` (see rdf.http.credentials)."""
    from .rdf.http import HttpClient, challenge_auth, credentials

    found = credentials(endpoint) if endpoint else None
    auth = challenge_auth(endpoint, *found) if endpoint and found else None
    return HttpClient(timeout=timeout, retries=retries, auth=auth)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda context, _, value: _print_version(context) if value else None,
    help="Show the version and exit.",
)
def cli() -> None:
    """palsov: the Palestine–Soviet Union relations knowledge graph."""


def _print_version(context: click.Context) -> None:
    from .runtime.versions import version_line

    click.echo(version_line())
    context.exit()


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
    moved = (
        " and moved the site from the previous build (what it is made of is unchanged)" if written.site_moved else ""
    )
    click.echo(f"wrote {len(written.files)} files to {project.dist_dir}{moved}")  # not rich: 10 ms to import


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
    from .validation.report import INFO, Report
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
    from .runtime.progress import stage

    get_format(format_name)
    project = _project()
    kg = KnowledgeGraph.read(project)
    context = load_context(context_path(project.ontology_dir))
    with stage(f"writing the graph in {format_name}"):
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
        write_site(SiteModel.of(kg), context, folder / "site", dumps, site_url="/")  # the site at the root
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
    help="The store's Graph Store Protocol endpoint, e.g. http://localhost:7878/store. Credentials, if it "
    "asks for them (Basic or Digest), come from PALSOV_HTTP_USER and PALSOV_HTTP_PASSWORD, else ~/.netrc.",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Put the merged graph into this one graph instead of keeping the dataset's named graphs.",
)
@_network_options(timeout=300.0)
def load_command(endpoint: str, graph: str | None, timeout: float, retries: int) -> None:
    """Load the build into any store (SPARQL 1.1 Graph Store Protocol, one HTTP PUT a graph): its
    named graphs, as in dist/palsov.nq, each replaced, so that loading again changes nothing."""
    from .endpoints.gsp import load_dataset, push
    from .rdf.http import checked_url

    checked_url(endpoint)
    kg = _conforming_graph(_project())
    client = _http_client(timeout, retries, endpoint)
    if graph is not None:
        # A graph is a set: a triple two files state (a source both links cite) is sent, and counted, once.
        sent = push(list(dict.fromkeys(kg.all_triples())), endpoint, graph, client)
        console.print(f"loaded {sent} triples, the merged graph, into {graph} of {endpoint}", highlight=False)
        return
    loaded = load_dataset(kg, endpoint, client)
    for name, count in loaded.graphs:
        console.print(f"loaded {count} triples into {name}", highlight=False)
    for name in loaded.deleted:
        console.print(f"deleted {name} (the build has no such graph)", highlight=False)
    total = sum(count for _, count in loaded.graphs)
    console.print(f"loaded {total} triples in {len(loaded.graphs)} named graphs into {endpoint}", highlight=False)


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
    from .publish import w3id
    from .publish.jsonld import context_path, load_context
    from .publish.site.write import write_into

    project = _project()
    kg = _conforming_graph(project)
    context = load_context(context_path(project.ontology_dir))
    written = write_into(project.dist_dir / "site", kg, context, project.dist_dir, site_url=w3id.target())
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
            help="Wikidata's SPARQL endpoint, or a mirror (default: Wikidata's own, query.wikidata.org).",
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
    from .rdf.vocab import WIKIDATA_ENDPOINT
    from .wikidata.client import Client

    given = click.get_current_context().meta.get("palsov.link", {})
    settings = {"endpoint": WIKIDATA_ENDPOINT, **_LINK_DEFAULTS, **given}
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
    """Check, suggest, enrich and export Wikidata links; accept a verified one.

    The options may come before the subcommand or after it."""


@link.command("check")
@_link_options
def link_check() -> None:
    """Compare every link with its item: labels, classes, dates, existence, redirects, sharing.

    Each link's result (passed or failed, the endpoint, the date) is kept in
    data/wikidata/link-checks.ttl, which upgrades a link corroborated offline."""
    from rich.table import Table

    from .rdf.graph import KnowledgeGraph
    from .wikidata.check import run_check
    from .wikidata.checked import record

    project = _project()
    client = _wikidata_client(project)
    kg = KnowledgeGraph.read(project)
    run = run_check(kg, client)
    findings = run.findings
    kept = record(project, kg, run)
    if not findings:
        console.print(f"every Wikidata link agrees with {run.endpoint}; the results are in {kept}", highlight=False)
        return
    table = Table(title=f"{len(findings)} problems with Wikidata links", title_justify="left")
    for column in ("resource", "item", "problem"):
        table.add_column(column, overflow="fold")
    for f in findings:
        table.add_row(f.label, f"wd:{f.item}", f.problem)
    console.print(table)
    console.print(f"the results are in {kept}", highlight=False)
    sys.exit(EXIT_DATA)


@link.command("suggest")
@_link_options
def link_suggest() -> None:
    """Propose items for every unlinked resource (actors, places, events, periods, missions, the
    relation), into dist/wikidata-proposals.csv (never the data)."""
    from rich.table import Table

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


@link.command("export")
@click.option("--quickstatements", "as_quickstatements", is_flag=True, required=True, help="Write QuickStatements.")
@click.option(
    "--described-by",
    metavar="QID",
    help="The Wikidata item of a source that describes the linked items: adds described by source (P1343).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Default dist/wikidata-quickstatements.txt."
)
def link_export(as_quickstatements: bool, described_by: str | None, out: Path | None) -> None:
    """Write what Wikidata lacks for our linked resources as QuickStatements, for a person to review.

    Nothing is sent anywhere: paste the file into QuickStatements yourself, after reading it."""
    from .rdf.files import write_atomically
    from .rdf.graph import KnowledgeGraph
    from .wikidata.export import quickstatements

    project = _project()
    text = quickstatements(KnowledgeGraph.read(project), described_by)
    path = out or project.dist_dir / "wikidata-quickstatements.txt"
    write_atomically(path, text)
    console.print(
        f"wrote {text.count(chr(10))} statements to {path}: review them, then run them in QuickStatements yourself "
        "(palsov sends nothing)",
        highlight=False,
    )


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
@click.option("--wide", is_flag=True, help="On a terminal, every cell whole (the table as wide as it needs).")
def queries(wide: bool) -> None:
    """List the saved queries: name, summary and parameters (on a terminal a table, else TSV)."""
    from .queries.saved import saved_queries

    found = saved_queries(_project().queries_dir)
    terminal = sys.stdout.isatty()
    if terminal:
        import pyoxigraph as ox

        from .queries.show import print_table, shown

    def default(kind: str, value: str) -> str:
        return shown(ox.NamedNode(value)) if terminal and kind == "iri" else value

    rows = [
        [
            q.name,
            q.summary,
            ", ".join(f"{p.name}={default(p.kind, p.default)}" if p.default else p.name for p in q.parameters.values()),
        ]
        for q in found
    ]
    headers = ["name", "summary", "parameters (default)"]
    if not terminal:
        sys.stdout.write("".join("\t".join(" ".join(cell.split()) for cell in row) + "\n" for row in [headers, *rows]))
        return

    print_table(console, "saved queries", headers, rows, wide, whole=frozenset({0}))
    console.print(f"{len(rows)} queries", highlight=False)


@cli.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["table", "sparql", "turtle"]),
    help="A table, SPARQL PREFIX lines or Turtle @prefix lines (default: a table on a terminal, sparql elsewhere).",
)
def prefixes(format_name: str | None) -> None:
    """The prefixes predeclared in every query palsov runs and bound in every file it writes."""
    from .rdf.vocab import PREFIXES

    chosen = format_name or ("table" if sys.stdout.isatty() else "sparql")
    if chosen == "table":
        from .queries.show import print_table

        rows = [[prefix, namespace] for prefix, namespace in PREFIXES.items()]
        print_table(console, "prefixes", ["prefix", "namespace"], rows, wide=True)
        return
    form = "PREFIX {}: <{}>\n" if chosen == "sparql" else "@prefix {}: <{}> .\n"
    sys.stdout.write("".join(form.format(prefix, namespace) for prefix, namespace in PREFIXES.items()))


#: --format: SPARQL results formats (SELECT, ASK) and RDF formats (CONSTRUCT, DESCRIBE).
_RESULTS_FORMATS = {"table": None, "tsv": "TSV", "csv": "CSV", "json": "JSON", "xml": "XML"}
_GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise click.UsageError(f"{option} takes NAME=VALUE, not {value!r}")
        pairs[key] = rest
    return pairs


@cli.command("query")
@click.argument("query", required=False, metavar="[NAME|FILE.rq|-]")
@click.option("--sparql", metavar="TEXT", help="Run this query text (the project's prefixes are predeclared).")
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
    type=click.Choice([*_RESULTS_FORMATS, *_GRAPH_FORMATS]),
    help="SELECT and ASK: table, tsv, csv, json or xml (default: table on a terminal, tsv elsewhere); "
    "CONSTRUCT and DESCRIBE: turtle (default), ntriples or jsonld (with the project's context).",
)
@click.option("--wide", is_flag=True, help="In a table, every cell whole instead of cut to the terminal's width.")
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
    query: str | None,
    sparql: str | None,
    params: tuple[str, ...],
    format_name: str | None,
    wide: bool,
    endpoint: str | None,
    services: tuple[str, ...],
    timeout: float,
    retries: int,
) -> None:
    """Run a query on the embedded store or on --endpoint: a saved query by NAME, a FILE.rq, - for
    standard input, or --sparql TEXT."""
    from .queries.run import (
        Results,
        answer_embedded,
        answer_endpoint,
        query_form,
        serialize_embedded,
        with_prefixes,
        with_services,
    )
    from .rdf.sparql import service_calls

    project = _project()
    saved = _query_to_run(project, query, sparql)
    redirected = _pairs(services, "--service")
    if endpoint or redirected:
        from .rdf.http import checked_url

        for url in [*([endpoint] if endpoint else []), *redirected.values()]:
            checked_url(url)
    text = with_services(saved, saved.bind(_pairs(params, "--param")), redirected)
    graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
    kind, allowed = ("CONSTRUCT and DESCRIBE", _GRAPH_FORMATS) if graph else ("SELECT and ASK", tuple(_RESULTS_FORMATS))
    if format_name is not None and format_name not in allowed:
        raise click.UsageError(f"{kind} answers print as {', '.join(allowed)}, not {format_name}")
    chosen = format_name or ("turtle" if graph else "table" if sys.stdout.isatty() else "tsv")
    # The HTTP client (and its imports) only for a query that goes to the network.
    client = _http_client(timeout, retries, endpoint) if endpoint or service_calls(text) else None
    if endpoint:
        answer = answer_endpoint(endpoint, with_prefixes(text), client)
    else:
        import pyoxigraph as ox

        from .rdf.graph import KnowledgeGraph

        store = KnowledgeGraph.read(project).store
        if _RESULTS_FORMATS.get(chosen):
            # Written by pyoxigraph straight from the store's solutions, no row read into Python.
            found = getattr(ox.QueryResultsFormat, str(_RESULTS_FORMATS[chosen]))
            sys.stdout.buffer.write(serialize_embedded(store, text, found, client, source=str(saved.path)))
            return
        answer = answer_embedded(store, text, client, source=str(saved.path))
    if isinstance(answer, Results):
        if chosen == "table":
            from .queries.show import print_results

            print_results(console, answer, ": ".join(filter(None, (saved.name, saved.summary))), wide)
            return
        import pyoxigraph as ox

        sys.stdout.buffer.write(answer.serialize(getattr(ox.QueryResultsFormat, str(_RESULTS_FORMATS[chosen]))))
        return
    sys.stdout.buffer.write(_graph_bytes(project, answer.triples, chosen))


def _query_to_run(project: Project, query: str | None, sparql: str | None) -> SavedQuery:
    """The saved query NAME, the query in a file, on standard input (-), or given with --sparql."""
    from .queries.saved import SavedQuery, find_query

    if (query is None) == (sparql is None):
        raise click.UsageError("give one query: a saved NAME, a FILE.rq, - (standard input) or --sparql TEXT")
    if sparql is not None:
        return SavedQuery.from_text(sparql, Path("--sparql"), "")
    assert query is not None
    if query == "-":
        return SavedQuery.from_text(sys.stdin.read(), Path("<stdin>"), "")
    path = Path(query)
    if (
        "/" in query
        or path.suffix in (".rq", ".sparql")
        or (path.is_file() and not (project.queries_dir / f"{query}.rq").exists())
    ):
        return SavedQuery.read(path)
    return find_query(project.queries_dir, query)


def _graph_bytes(project: Project, triples: tuple[Any, ...], format_name: str) -> bytes:
    """A CONSTRUCT's or DESCRIBE's triples as Turtle or N-Triples (pyoxigraph's, sorted), or as
    JSON-LD compacted with the project's context by the writer of the exports."""
    from .publish.formats import turtle_of
    from .publish.jsonld import context_path, load_context, write_compacted
    from .rdf.graph import sorted_ntriples
    from .rdf.vocab import PREFIXES

    lines = sorted_ntriples(triples)
    if format_name == "ntriples":
        return lines
    if format_name == "turtle":
        return turtle_of(lines, {p: ns for p, ns in PREFIXES.items() if f"<{ns}".encode() in lines})
    return write_compacted(triples, load_context(context_path(project.ontology_dir)))


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write (default dist/ontology.html); vocabularies.html is written beside it.",
)
def docs(out: Path | None) -> None:
    """Render the ontology's page (pyLODE) and its vocabularies' page into dist/."""
    from .publish.ontology_page import ONTOLOGY_PAGE, render
    from .rdf.graph import KnowledgeGraph

    project = _project()
    for path in render(KnowledgeGraph.read(project, data_files=[]), out or project.dist_dir / ONTOLOGY_PAGE):
        console.print(f"wrote {path}", highlight=False)


def _sizes(value: str) -> list[int]:
    try:
        wanted = [int(size.replace("_", "")) for size in value.split(",")]
    except ValueError:
        raise click.UsageError(f"--sizes takes whole numbers separated by commas, not {value!r}") from None
    refused = [size for size in wanted if size <= 0]
    if refused:
        raise click.UsageError(f"--sizes takes positive numbers of triples, not {refused[0]}")
    return wanted


@cli.command()
@click.option(
    "--runs",
    default=5,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Runs of each measurement (palsov's and the bare engine's, in turn); medians are reported.",
)
@click.option(
    "--sizes",
    metavar="N,N,…",
    help="Measure the stages on synthetic corpora of about these many triples (e.g. 10000,100000,1000000) "
    "instead of the commands on the real data.",
)
def bench(runs: int, sizes: str | None) -> None:
    """Each command on the real data (or each stage at growing sizes) beside pyoxigraph alone doing
    the same work, interleaved: medians, the ratio and its range over the runs; JSON in dist/."""
    from rich.table import Table

    from .devtools.bench import COLUMNS
    from .runtime.progress import stage

    project = _project()
    wanted = _sizes(sizes) if sizes else None
    with stage("palsov bench"):
        if wanted:
            from .devtools.stages import run as run_scale

            document, found = run_scale(project, wanted, runs)
            out = project.dist_dir / "bench-scale.json"
        else:
            from .devtools.bench import run

            document, on_real_data = run(project, runs)
            found = {0: on_real_data}
            out = project.dist_dir / "bench.json"
    about = document["machine"]
    console.print(
        f"{about['cores']} cores ({about['cpu']}), {about['memory_mb'] / 1024:.0f} GB, Python {about['python']}, "
        f"pyoxigraph {about['pyoxigraph']}; ratio = palsov / other (pyoxigraph alone doing the same work, or the "
        f"engine named), and its range over {runs} interleaved runs",
        highlight=False,
    )
    for size, pairs in found.items():
        title = f"{size:,} triples" if size else "the real data, whole processes"
        table = Table(title=f"palsov bench: {title}", title_justify="left")
        table.add_column(COLUMNS[0], no_wrap=True)  # a name whole on its line, to find it in a log
        for column in COLUMNS[1:]:
            table.add_column(column, justify="right")
        for pair in pairs:
            table.add_row(*pair.cells())
        console.print(table)
        if size:
            figures = document["sizes"][size]
            first = next(v for k, v in figures.items() if k.startswith("first palsov build"))
            memory = ", ".join(f"{name} {mb:,.0f} MB" for name, mb in figures["peak memory MB"].items())
            console.print(f"first build (drawing the page and the charts): {first:.1f} s; peak memory: {memory}")
    console.print(f"wrote {out}", highlight=False)


def main() -> None:
    try:
        status = cli.main(standalone_mode=False, prog_name="palsov")
    except UnsupportedError as error:
        _fail(f"palsov: unsupported: {error} (details in {_crash_log(error)})", EXIT_UNSUPPORTED)
    except PalsovError as error:
        if _not_conforming(error):
            errors.print(error.report.to_text(), markup=False, highlight=False, end="")  # type: ignore[attr-defined]
            _fail(f"palsov: {error}", EXIT_DATA)
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
            f"palsov: internal error: {type(error).__name__}: {cause} (traceback in {_crash_log(error)})",
            EXIT_UNSUPPORTED,
        )
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def _not_conforming(error: PalsovError) -> bool:
    """Whether the error is validation's NotConforming: only a command that validated can raise it,
    so a command that never loaded the validator is not made to import it to find out."""
    validate = sys.modules.get("palsov.validation.validate")
    return validate is not None and isinstance(error, validate.NotConforming)


def _crash_log(error: BaseException) -> Path:
    from .runtime.crashlog import write_crash_log

    return write_crash_log(error)


def _fail(line: str, status: int) -> None:
    errors.print(line, markup=False, highlight=False, soft_wrap=True)
    sys.exit(status)
