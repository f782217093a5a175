"""Interactive HTML views of the knowledge graph, for analysts and officials, offline.

``policykg view`` writes a folder that opens from ``file://`` with no network at all:

``index.html``
    counts by kind, the most cited entities, the documents with municipality and date,
    links to every view.
``corpus.html``
    the network of documents and the entities they cite.
``cocitation.html``
    entities joined by the number of documents citing both, coloured by community and
    sized by PageRank.
``entities.html``, ``doc/<id>.html``, ``entity/<slug>.html``
    every entity by kind; one page per document (its references by kind, with quotes) and
    per entity (who cites it, what is cited with it, its ego network).

Why our own page template rather than pyvis's ``write_html``: pyvis 0.3.2's template loads
Bootstrap from a CDN whatever ``cdn_resources`` says (pyvis issues #228/#229, PR #201 never
merged), and its ``select_menu``/``filter_menu`` pull tom-select from a CDN in remote mode;
``cdn_resources="in_line"`` would also paste vis-network (~470 KB of JavaScript plus 220 KB
of CSS) into every one of hundreds of pages. So pyvis provides the model and the library:
:mod:`policykg.views.build` fills :class:`pyvis.network.Network` objects (nodes, edges,
vis options; usable in a notebook too), and the vis-network 9.1.2 standalone build that
pyvis ships is copied once into ``assets/``, next to our small style sheet and script,
and linked relatively from every page. Nothing else is loaded: no CDN, no web font.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from policykg.views.data import Corpus, load_corpus, synthetic_corpus
from policykg.views.pages import DEFAULT_TOP, Site, ViewError, write_site

if TYPE_CHECKING:
    from collections.abc import Iterable

    from policykg.graph.store import Store

__all__ = ["DEFAULT_TOP", "Corpus", "Site", "ViewError", "load_corpus", "synthetic_corpus", "write_site",
           "write_views"]


def write_views(store: Store, out: Path | str, *, kinds: Iterable[str] | None = None, min_docs: int = 1,
                top: int | None = DEFAULT_TOP, force: Iterable[str] = ()) -> Site:
    """Read ``store`` and write every view into ``out`` (see :func:`write_site`)."""
    return write_site(load_corpus(store), Path(out), kinds=kinds, min_docs=min_docs, top=top, force=force)
