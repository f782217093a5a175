"""``serve``: a read-only SPARQL endpoint and query page over the store (see :mod:`policykg.graph.serve`)."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys

from policykg.commands.common import add_store_option, store_path

__all__ = ["register"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    from policykg.graph.serve import SparqlServer

    with SparqlServer(store_path(args), args.host, args.port, timeout=args.timeout,
                      workers=args.workers, quiet=args.quiet) as server:
        print(f"policykg serve: {server.url} (SPARQL endpoint {server.url}sparql) over {server.store.path}; "
              f"{server.pool.size} query workers, time limit {args.timeout:g} s; "
              "Ctrl-C to stop", file=sys.stderr, flush=True)
        if not _is_loopback(args.host):
            print(f"policykg serve: warning: listening on {args.host}, not only this machine; "
                  "the endpoint has no authentication", file=sys.stderr, flush=True)
        previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill`, `docker stop`: stop like Ctrl-C
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("policykg serve: stopped", file=sys.stderr)
        finally:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    from policykg.graph.serve import DEFAULT_PORT, DEFAULT_TIMEOUT, DEFAULT_WORKERS

    s = sub.add_parser("serve", help="a read-only SPARQL endpoint and query page over the store",
                       description="Serve the store over the SPARQL 1.1 Protocol at /sparql (read-only: "
                                   "updates and SERVICE are refused) with a query page at /, which "
                                   "works without internet.")
    add_store_option(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free one)")
    s.add_argument("--timeout", type=_positive, default=DEFAULT_TIMEOUT, metavar="S",
                   help=f"time limit of a query in seconds; past it the query is stopped and the client "
                        f"gets 503 (default {DEFAULT_TIMEOUT:g})")
    s.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="N",
                   help=f"query worker processes, i.e. queries run at once (default {DEFAULT_WORKERS})")
    s.add_argument("--quiet", "-q", action="store_true", help="do not log each request on stderr")
    s.set_defaults(func=cmd_serve)
