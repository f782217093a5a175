/* policykg views: draws one network with vis-network (loaded before this file).
 * Reads the JSON of <script type="application/json" id="graph-data">, builds each node's
 * tooltip from its "tip" (text only, never HTML from the data), and wires the kind filters,
 * the search box, clicks (open the node's page) and #focus=<page> links.
 * window.policykgView exposes the network, its data sets and timings (tests, benchmarks):
 * performance.now() when this script started, when the network was built, at its first
 * drawn frame and at the end of the physics, all from the start of the navigation.
 */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function norm(s) {
    return String(s || "").toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim();
  }

  function tooltip(tip) {
    var box = el("div", "pkg-tip");
    box.appendChild(el("div", "pkg-tip-title", tip.t));
    box.appendChild(el("div", "pkg-tip-kind", tip.k));
    if (tip.c) { box.appendChild(el("div", "pkg-tip-kind", tip.c)); }
    box.appendChild(el("div", "pkg-tip-iri", tip.i));
    (tip.x || []).forEach(function (line) { box.appendChild(el("div", "pkg-tip-line", line)); });
    if (tip.n) { box.appendChild(el("div", "pkg-tip-line", tip.n)); }
    (tip.d || []).forEach(function (doc) {
      var row = el("div", "pkg-tip-doc");
      row.appendChild(el("span", "pkg-tip-docname", doc[0]));
      row.appendChild(el("span", "pkg-tip-count", " · " + doc[1]));
      (doc[2] || []).forEach(function (q) {
        var quote = el("div", "pkg-tip-quote");
        quote.appendChild(document.createTextNode(q[0]));
        quote.appendChild(el("mark", null, q[1]));
        quote.appendChild(document.createTextNode(q[2]));
        row.appendChild(quote);
      });
      box.appendChild(row);
    });
    if (tip.m) { box.appendChild(el("div", "pkg-tip-more", tip.m)); }
    box.appendChild(el("div", "pkg-tip-hint", "Щелчок — страница узла"));
    return box;
  }

  function init(options) {
    var dataEl = document.getElementById(options.data || "graph-data");
    var container = document.getElementById(options.container || "network");
    var data = JSON.parse(dataEl.textContent);
    var root = options.root || "";
    var state = { network: null, nodes: null, edges: null, started: performance.now(), built: null,
                  firstDraw: null, stabilized: null, ready: false,
                  nodeCount: data.nodes.length, edgeCount: data.edges.length };
    window.policykgView = state;

    data.nodes.forEach(function (n) {
      n.searchText = norm((n.label || "") + " " + (n.search || ""));
    });
    // A big network is drawn in two steps: its nodes (already laid out) at once, its edges
    // right after the first frame; vis-network builds an edge about as slowly as a node.
    var progressive = data.nodes.length > (data.progressive || 2000);
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(progressive ? [] : data.edges);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    state.network = network; state.nodes = nodes; state.edges = edges;
    state.built = performance.now();
    state.complete = progressive ? null : undefined;

    network.once("afterDrawing", function () {
      state.firstDraw = performance.now();
      if (progressive) {
        setTimeout(function () {
          edges.add(data.edges);
          network.once("afterDrawing", function () {
            state.complete = performance.now();
            state.ready = true;
            document.body.setAttribute("data-drawn", "1");
          });
        }, 0);
      } else {
        state.complete = state.firstDraw;
        state.ready = true;
        document.body.setAttribute("data-drawn", "1");
      }
      focusFromHash();
    });
    if (data.options.physics && data.options.physics.enabled) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        state.stabilized = performance.now();
      });
    }
    // Tooltips are built when the pointer first reaches a node (before vis-network's
    // tooltip delay ends), not for every node up front.
    network.on("hoverNode", function (params) {
      container.style.cursor = "pointer";
      var n = nodes.get(params.node);
      if (n && n.tip && !n.title) { nodes.update({ id: n.id, title: tooltip(n.tip) }); }
    });
    network.on("blurNode", function () { container.style.cursor = "default"; });

    network.on("click", function (params) {
      if (params.nodes.length !== 1) { return; }
      var node = nodes.get(params.nodes[0]);
      if (!node || !node.url) { return; }
      var src = params.event && params.event.srcEvent;
      if (src && (src.ctrlKey || src.metaKey)) { window.open(root + node.url, "_blank"); }
      else { window.location.href = root + node.url; }
    });

    // --- filters by kind ---------------------------------------------------------------
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-kind]"));
    function applyFilters() {
      var off = {};
      boxes.forEach(function (b) { if (!b.checked) { off[b.getAttribute("data-kind")] = true; } });
      var changes = [];
      nodes.forEach(function (n) {
        var hide = !!off[n.group];
        if (!!n.hidden !== hide) { changes.push({ id: n.id, hidden: hide }); }
      });
      if (changes.length) { nodes.update(changes); }
    }
    boxes.forEach(function (b) { b.addEventListener("change", applyFilters); });

    // --- search ----------------------------------------------------------------------------
    var input = document.getElementById(options.search || "search");
    var status = document.getElementById(options.status || "search-status");
    var timer = null;
    function matches() {
      var q = norm(input.value);
      if (q.length < 2) { return null; }
      return nodes.get({ filter: function (n) { return !n.hidden && n.searchText.indexOf(q) >= 0; } })
        .map(function (n) { return n.id; });
    }
    function runSearch(fit) {
      var ids = matches();
      if (ids === null) { network.unselectAll(); if (status) { status.textContent = ""; } return; }
      network.selectNodes(ids);
      if (status) { status.textContent = ids.length ? "найдено: " + ids.length : "ничего не найдено"; }
      if (fit && ids.length === 1) { network.focus(ids[0], { scale: 1.4, animation: false }); }
      else if (fit && ids.length) { network.fit({ nodes: ids, animation: false }); }
    }
    if (input) {
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { runSearch(false); }, 180);
      });
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); runSearch(true); }
        if (ev.key === "Escape") { input.value = ""; runSearch(false); network.fit({ animation: false }); }
      });
    }
    var fitButton = document.getElementById(options.fit || "fit");
    if (fitButton) { fitButton.addEventListener("click", function () { network.fit({ animation: false }); }); }

    // --- #focus=<page of a node> -------------------------------------------------------------
    function focusFromHash() {
      var m = /^#focus=(.+)$/.exec(window.location.hash || "");
      if (!m) { return; }
      var url = decodeURIComponent(m[1]);
      var found = nodes.get({ filter: function (n) { return n.url === url; } });
      if (found.length) {
        network.selectNodes([found[0].id]);
        network.focus(found[0].id, { scale: 1.3, animation: false });
      }
    }
    window.addEventListener("hashchange", focusFromHash);
    return state;
  }

  window.PolicyKG = { init: init, tooltip: tooltip };
}());
