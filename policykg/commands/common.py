"""Options shared by the commands that read or write a store."""

from __future__ import annotations

import argparse
from pathlib import Path

from policykg.graph.store import DEFAULT_STORE, STORE_ENV, default_store_path

__all__ = ["add_store_option", "store_path"]


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=None, metavar="DIR",
                        help=f"the store folder (default: ${STORE_ENV}, else ./{DEFAULT_STORE})")


def store_path(args: argparse.Namespace) -> Path:
    return args.store if args.store is not None else default_store_path()
