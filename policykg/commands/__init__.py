"""Subcommands beyond ``extract`` and ``eval``: each module has ``register(subparsers)``.

:mod:`policykg.cli` imports the modules listed in ``MODULES``; a module registers its
commands with argparse and imports its heavy dependencies (rdflib, pyvis…) only when run.
"""

MODULES = (
    "policykg.commands.graph",
    "policykg.commands.analyze",
    "policykg.commands.export",
    "policykg.commands.serve",
    "policykg.commands.view",
    "policykg.commands.validate",
)
