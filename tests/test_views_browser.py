"""The views in a real browser: Debian's headless Chromium driven by Selenium, from file://.

Each page must load with no error in the console; a network page must hold the nodes and
edges its data says and draw them (the canvas has many coloured pixels); hovering a node
shows its tooltip, clicking it opens its page, the kind filters hide nodes and the search
finds them. A screenshot of each page is kept: under ``$POLICYKG_ARTIFACTS`` when set, else
in pytest's temporary folder; the path is printed (``pytest -s`` shows it).

Skipped, with the reason, when Chromium, its driver or Selenium is missing (``.ci/run``
installs Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policykg.graph.store import Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip("Debian's chromium and chromium-driver are not installed "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (a dev dependency) is not installed")

FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
         "--window-size=1400,900", "--force-device-scale-factor=1")

# Counts the canvas's non-white pixels and its distinct colours (sampled).
_PIXELS = """
const c = document.querySelector('#network canvas');
if (!c) { return null; }
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let ink = 0; const colours = new Set();
for (let i = 0; i < d.length; i += 4) {
  if (d[i + 3] > 0 && (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245)) {
    ink++; if (ink % 7 === 0) { colours.add((d[i] >> 4) + ',' + (d[i + 1] >> 4) + ',' + (d[i + 2] >> 4)); }
  }
}
return [ink, colours.size, c.width, c.height];
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("spacy")
    pytest.importorskip("pymorphy3")
    from policykg.graph.build import build
    from policykg.views import load_corpus, write_site

    root = tmp_path_factory.mktemp("browser")
    with Store(root / "store", write=True) as s:
        assert not build(sorted(CORPUS.iterdir()), s).errors
        corpus = load_corpus(s)
    return write_site(corpus, root / "views")


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("POLICYKG_ARTIFACTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="policykg-chromium-")
    opts = webdriver.ChromeOptions()
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.binary_location = str(CHROMIUM)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    d.set_page_load_timeout(60)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: Any, page: Path, *, network: bool, settle: float = 0.5) -> list[dict[str, Any]]:
    """Load ``page``; wait for the first drawn frame (and the end of the physics, if any);
    return the console's entries."""
    driver.get_log("browser")  # forget the previous page's
    driver.get(page.as_uri())
    if network:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = driver.execute_script(
                "const s = window.policykgView; if (!s || !s.ready) return null;"
                "const p = s.network.physics.options.enabled; return {stable: !p || s.stabilized !== null};")
            if state and state["stable"]:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"{page.name}: the network was not drawn within 30 s")
    time.sleep(settle)
    return driver.get_log("browser")  # type: ignore[no-any-return]


def errors(log: list[dict[str, Any]]) -> list[str]:
    return [f"{e['level']}: {e['message']}" for e in log if e.get("level") in ("SEVERE", "ERROR")]


def screenshot(driver: Any, artifacts: Path, name: str) -> Path:
    path = artifacts / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def pages(site: Any) -> dict[str, tuple[Path, bool]]:
    law = next(p for p in site.pages.values() if p.name == "act-federal-law-273-fz-2012.html")
    doc = next(p for p in site.pages.values() if p.name == "a01-rasskazovo-2022.html")
    return {"index": (site.index, False), "corpus": (site.out / "corpus.html", True),
            "cocitation": (site.out / "cocitation.html", True), "entity": (law, True), "document": (doc, False),
            "entities": (site.out / "entities.html", False)}


@pytest.mark.parametrize("name", ["index", "corpus", "cocitation", "entity", "document", "entities"])
def test_page_loads_without_errors_and_draws(driver: Any, site: Any, artifacts: Path, name: str) -> None:
    page, network = pages(site)[name]
    log = open_page(driver, page, network=network)
    assert errors(log) == []
    assert driver.execute_script("return document.characterSet") == "UTF-8"
    h1 = driver.execute_script("return document.querySelector('h1').textContent")
    assert any("а" <= ch.lower() <= "я" for ch in h1), h1
    if network:
        got = driver.execute_script("const s = window.policykgView;"
                                    "return [s.nodes.length, s.edges.length, s.network.body.nodeIndices.length];")
        key = str(page.relative_to(site.out))
        want_nodes, want_edges = site.networks[key]
        assert got == [want_nodes, want_edges, want_nodes]
        ink, colours, width, height = driver.execute_script(_PIXELS)
        assert width > 300 and height > 300
        assert ink > 0.01 * width * height, f"{name}: the canvas is (almost) blank: {ink} pixels"
        assert colours >= 4, f"{name}: the canvas has {colours} colours"
        driver.execute_script("document.getElementById('network').scrollIntoView({block: 'center'})")
    screenshot(driver, artifacts, name)


def node_on_screen(driver: Any, label: str) -> tuple[str, float, float]:
    """A node's id and its position in the page's viewport (CSS pixels)."""
    return tuple(driver.execute_script("""
        const s = window.policykgView;
        const id = s.tips().findIndex(t => t && t.t === arguments[0]);
        s.network.focus(id, {scale: 1.2, animation: false});
        const p = s.network.canvasToDOM(s.network.getPositions([id])[id]);
        const r = document.getElementById('network').getBoundingClientRect();
        return [id, r.left + p.x, r.top + p.y];""", label))  # type: ignore[return-value]


def test_tooltip_shows_label_kind_iri_and_quotes(driver: Any, site: Any, artifacts: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(driver, site.out / "corpus.html", network=True)
    _id, x, y = node_on_screen(driver, "Указ Президента РФ № 474")
    time.sleep(0.3)
    ActionChains(driver).move_by_offset(0, 0).perform()
    body = driver.find_element("tag name", "body")
    ActionChains(driver).move_to_element_with_offset(body, 0, 0).perform()  # top left corner
    width = driver.execute_script("return document.body.getBoundingClientRect().width")
    height = driver.execute_script("return document.body.getBoundingClientRect().height")
    ActionChains(driver).move_to_element_with_offset(body, int(x - width / 2), int(y - height / 2)).perform()
    deadline = time.monotonic() + 5
    text = ""
    while time.monotonic() < deadline:
        text = driver.execute_script(
            "const t = document.querySelector('div.vis-tooltip');"
            "return t && t.style.visibility !== 'hidden' ? t.innerText : '';")
        if text:
            break
        time.sleep(0.1)
    screenshot(driver, artifacts, "tooltip")
    assert "Указ Президента РФ № 474" in text
    assert "указ Президента" in text  # kind · subtype
    assert "https://w3id.org/policykg/id/act/presidential_decree/474" in text
    assert "474" in driver.execute_script("return document.querySelector('div.vis-tooltip mark').textContent")


def test_clicking_a_node_opens_its_page(driver: Any, site: Any) -> None:
    open_page(driver, site.out / "corpus.html", network=True)
    node_id, _x, _y = node_on_screen(driver, "Точка роста")
    url = driver.execute_script("return window.policykgView.info(arguments[0]).url", node_id)
    # The click handler, as vis-network calls it on a click of the node.
    driver.execute_script("""const s = window.policykgView;
        s.network.body.emitter.emit('click', {nodes: [arguments[0]], edges: [], event: {srcEvent: {}}});""", node_id)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not driver.current_url.endswith(url):
        time.sleep(0.1)
    assert driver.current_url.endswith(url)
    assert driver.execute_script("return document.querySelector('h1').textContent") == "Точка роста"


def test_kind_filters_and_search(driver: Any, site: Any, artifacts: Path) -> None:
    open_page(driver, site.out / "corpus.html", network=True)
    n_orgs = driver.execute_script("return window.policykgView.nodes.get({filter: n => n.group === 'organisation'}).length")
    assert n_orgs > 100
    driver.find_element("css selector", "input[data-kind=organisation]").click()
    hidden = driver.execute_script("return window.policykgView.nodes.get({filter: n => n.hidden}).length")
    assert hidden == n_orgs
    box = driver.find_element("id", "search")
    box.send_keys("273-ФЗ")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        status = driver.find_element("id", "search-status").text
        if status:
            break
        time.sleep(0.1)
    assert status == "найдено: 1"
    selected = driver.execute_script("const s = window.policykgView;"
                                     "return s.network.getSelectedNodes().map(id => s.info(id).tip.t)")
    assert selected == ["Федеральный закон № 273-ФЗ"]
    screenshot(driver, artifacts, "filtered")
    driver.find_element("css selector", "input[data-kind=organisation]").click()
    assert driver.execute_script("return window.policykgView.nodes.get({filter: n => n.hidden}).length") == 0


def test_focus_link_from_a_page_selects_the_node(driver: Any, site: Any) -> None:
    law = pages(site)["entity"][0]
    target = f"{(site.out / 'corpus.html').as_uri()}#focus=entity/{law.name}"
    driver.get(target)
    deadline = time.monotonic() + 20
    selected: list[str] = []
    while time.monotonic() < deadline and not selected:
        selected = driver.execute_script(
            "const s = window.policykgView; if (!s || !s.ready) return [];"
            "return s.network.getSelectedNodes().map(id => s.info(id).tip.t)")
        time.sleep(0.1)
    assert selected == ["Федеральный закон № 273-ФЗ"]


def test_a_big_network_is_drawn_whole_at_once(driver: Any, tmp_path: Path, artifacts: Path) -> None:
    """Its first frame has every node and every edge (the edges drawn by the page's script);
    vis-network gets the edges after it, and then shows their tooltips."""
    from policykg.views.build import Paths, corpus_network, select
    from policykg.views.data import synthetic_corpus
    from policykg.views.pages import network_page, prepare_folder

    corpus = synthetic_corpus(250, 2250, cites_per_doc=12, seed=2)
    view = corpus_network(corpus, select(corpus), Paths(corpus))
    assert len(view.nodes) == 2500 and view.physics is False
    prepare_folder(tmp_path / "big")
    page = tmp_path / "big" / "corpus.html"
    page.write_text(network_page(view, "Большая сеть", "corpus.html"), "utf-8")
    log = open_page(driver, page, network=True)
    assert errors(log) == []
    timings = driver.execute_script("const s = window.policykgView;"
                                    "return [s.nodes.length, s.edges.length, s.firstDraw, s.complete, s.firstDrawEdges];")
    assert timings[:2] == [len(view.nodes), len(view.edges)]
    assert timings[2] <= timings[3]  # the whole picture first, vis-network's edges after
    assert timings[4] == len(view.edges)  # every edge was in the first frame
    ink, colours, width, height = driver.execute_script(_PIXELS)
    assert ink > 0.01 * width * height and colours >= 4
    title = driver.execute_script("const s = window.policykgView;"
                                  "s.network.body.emitter.emit('hoverEdge', {edge: 0});"
                                  "return s.network.body.edges[0].title;")
    assert title == view.edges[0]["title"]
    screenshot(driver, artifacts, "big")
