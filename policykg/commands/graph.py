"""``build``, ``query``, ``queries`` and ``stats``: the knowledge graph from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policykg.commands.common import add_store_option, store_path
from policykg.errors import PolicyKGError

__all__ = ["register"]


def cmd_build(args: argparse.Namespace) -> int:
    from policykg.cli import progress
    from policykg.graph.build import build
    from policykg.graph.store import Store
    from policykg.load import iter_paths

    failed = False
    paths: list[Path] = []
    try:
        paths.extend(iter_paths(args.docs))
    except PolicyKGError as e:
        print(f"policykg: {e}", file=sys.stderr)
        failed = True
    with Store(store_path(args), write=True, backend=args.backend, base=args.base, wait=args.wait) as store:
        report = build(paths, store, prune=args.prune, jobs=args.jobs, force=args.force, progress=progress)
        total = len(store)
    print(f"{store_path(args)}: {report.summary()}; the store holds {total} triples", file=sys.stderr)
    if report.interrupted:
        return 130
    return 1 if failed or report.errors else 0


def _params(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise PolicyKGError(f"--param {item!r}: write it as key=value")
        key, value = item.split("=", 1)
        out[key.strip()] = value
    return out


def cmd_query(args: argparse.Namespace) -> int:
    from policykg.graph.query import QueryError, bind_params, format_result, named_queries, run_query
    from policykg.graph.store import Store

    given = [x for x in (args.sparql, args.file, args.name) if x]
    if len(given) != 1:
        raise QueryError("give one query: SPARQL text, -f FILE, or --name NAME (`policykg queries` lists the names)")
    named = None
    if args.name:
        queries = named_queries()
        if args.name not in queries:
            raise QueryError(f"no named query {args.name!r}; `policykg queries` lists them: {', '.join(queries)}")
        named = queries[args.name]
        text = named.text
    elif args.file:
        try:
            text = Path(args.file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(f"{args.file}: cannot read the query ({e})") from None
    else:
        text = args.sparql
    with Store(store_path(args)) as store:
        bindings = bind_params(store, named, _params(args.param))
        result = run_query(store, text, bindings)
        out = format_result(result, args.format)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    from policykg.graph.query import named_queries

    for name, q in named_queries().items():
        params = " ".join(f"--param {p.name}=…" + ("" if not p.optional else " (optional)") for p in q.params)
        print(f"{name:28} {q.title}" + (f"  [{params}]" if params else ""))
        if args.verbose:
            if q.description:
                print(f"{'':28} {q.description}")
            for ex in q.examples:
                print(f"{'':28} e.g. policykg query --name {name} {ex}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from policykg.graph.store import Store

    with Store(store_path(args)) as store:
        docs = store.documents()
        rows = store.select("""
            SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {
              ?doc dcterms:references ?e . ?e dcterms:type/skos:broader/skos:notation ?kind }
            GROUP BY ?kind ORDER BY ?kind""")
        mentions = store.select("SELECT (COUNT(?m) AS ?n) WHERE { ?m a pkg:Mention }")[0][0]
        unresolved = store.select(
            "SELECT (COUNT(?m) AS ?n) WHERE { ?m a pkg:Mention ; oa:motivatedBy oa:classifying }")[0][0]
        triples, graphs, size = len(store), len(store.graph_names()), store.size_bytes()
        print(f"store      {store.path} ({store.backend}, base {store.iris.base})")
        print(f"documents  {len(docs)}")
        for kind, n in rows:
            print(f"  {str(kind):13} {int(n):6} entities")
        print(f"mentions   {int(mentions)} ({int(unresolved)} unresolved)")
        print(f"triples    {triples} in {graphs} named graphs")
        print(f"size       {size / 1e6:.1f} MB on disk")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="extract documents and add them to the store (re-run = update)",
                       description="Extract each document and put its graph in the store. Unchanged "
                                   "documents are skipped, changed ones replaced.")
    b.add_argument("docs", nargs="+", help="files or folders (recursive)")
    add_store_option(b)
    b.add_argument("--base", help="base IRI of the store's entities (only when the store is created)")
    b.add_argument("--backend", choices=("oxigraph", "memory"), help="storage (only when the store is created; default oxigraph)")
    b.add_argument("--prune", action="store_true", help="remove documents whose source file is gone")
    b.add_argument("--force", action="store_true", help="re-extract unchanged documents too")
    b.add_argument("--jobs", "-j", type=int, default=1, help="worker processes for extraction")
    b.add_argument("--wait", action="store_true", help="wait for another process using the store instead of refusing")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query or a named query on the store",
                       description="SPARQL 1.1 over the union of the store's graphs.")
    q.add_argument("sparql", nargs="?", help="the query text")
    q.add_argument("-f", "--file", help="read the query from this .rq file")
    q.add_argument("--name", "-n", help="a shipped named query (see `policykg queries`)")
    q.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="a parameter of the named query (repeatable)")
    q.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table")
    add_store_option(q)
    q.set_defaults(func=cmd_query)

    qs = sub.add_parser("queries", help="list the shipped named queries")
    qs.add_argument("-v", "--verbose", action="store_true", help="with descriptions and examples")
    qs.set_defaults(func=cmd_queries)

    st = sub.add_parser("stats", help="documents, entities by kind, triples, store size")
    add_store_option(st)
    st.set_defaults(func=cmd_stats)
