/* policykg views: draws one network with vis-network (loaded before this file).
 * Reads the JSON of <script type="application/json" id="graph-data"> (compact: node
 * attributes in columns, edges as a flat [from, to, n, ...] list; see
 * policykg.views.build.page_data) and hands vis-network only what it draws: position,
 * size, label, shape. The tooltips stay in <script id="graph-tips"> until the pointer
 * first reaches a node; each is then built from its "tip" (text only, never HTML from the
 * data). Also wires the kind filters, the search box, clicks (open the node's page) and
 * #focus=<page> links.
 * window.policykgView exposes the network, its data sets and timings (tests, benchmarks):
 * performance.now() when this script started, when the network was built, at its first
 * drawn frame, when the picture was complete, and at the end of the physics, all from the
 * start of the navigation; tips() gives the tooltips' data, info(id) a node's.
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

  // The label size above which a label is drawn when the whole network is in view, so that
  // at most the `budget` largest labels are (vis-network draws a label when its size on
  // screen is at least drawThreshold - 1, fading it in over that last pixel; smaller ones
  // appear on zooming in). `scale` is the view's, or null: then the one vis-network's
  // fit() would choose from the nodes alone (the canvas over their extent, plus 10 %).
  function drawThreshold(cols, fontOf, budget, container, base, scale) {
    var n = cols.x.length, i;
    if (budget === null || budget === undefined || n <= budget) { return base; }
    if (!scale) {
      var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      for (i = 0; i < n; i++) {
        var s = cols.size[i];
        if (cols.x[i] - s < minX) { minX = cols.x[i] - s; }
        if (cols.x[i] + s > maxX) { maxX = cols.x[i] + s; }
        if (cols.y[i] - s < minY) { minY = cols.y[i] - s; }
        if (cols.y[i] + s > maxY) { maxY = cols.y[i] + s; }
      }
      var w = container.clientWidth || 800, h = container.clientHeight || 600;
      scale = Math.min(1, w / (1.1 * Math.max(maxX - minX, 1)), h / (1.1 * Math.max(maxY - minY, 1)));
    }
    var fonts = new Array(n);
    for (i = 0; i < n; i++) { fonts[i] = fontOf(i); }
    fonts.sort(function (a, b) { return b - a; });
    // Labels as large as the first one past the budget are left out, all of them (when
    // 500 documents share a label size, none of theirs is drawn rather than all).
    return Math.max(base, fonts[budget] * scale + 1.001);
  }

  function init(options) {
    var started = performance.now();
    var dataEl = document.getElementById(options.data || "graph-data");
    var tipsEl = document.getElementById(options.tips || "graph-tips");
    var container = document.getElementById(options.container || "network");
    var data = JSON.parse(dataEl.textContent);
    var root = options.root || "";
    var cols = data.nodes, flat = data.edges, groups = data.groups;
    var n = cols.label.length, m = flat.length / 3;
    var tipsData = null;
    function tips() {
      if (tipsData === null) { tipsData = tipsEl ? JSON.parse(tipsEl.textContent) : []; }
      return tipsData;
    }
    function info(id) {
      if (typeof id !== "number" || id < 0 || id >= n) { return null; }
      return { id: id, label: cols.label[id], kind: groups[cols.group[id]], url: cols.url[id], tip: tips()[id] };
    }
    var state = { network: null, nodes: null, edges: null, started: started, built: null,
                  firstDraw: null, firstDrawEdges: null, pageDrawnEdges: 0, complete: null, stabilized: null,
                  ready: false,
                  nodeCount: n, edgeCount: m, tips: tips, info: info };
    window.policykgView = state;

    // --- what vis-network is given ---------------------------------------------------------
    var groupOptions = data.options.groups || {};
    var defaultFont = (data.options.nodes && data.options.nodes.font && data.options.nodes.font.size) || 14;
    function fontOf(i) {
      if (cols.font[i]) { return cols.font[i]; }
      var g = groupOptions[groups[cols.group[i]]];
      return (g && g.font && g.font.size) || defaultFont;
    }
    var labelOptions = data.options.nodes && data.options.nodes.scaling && data.options.nodes.scaling.label;
    var baseThreshold = labelOptions ? labelOptions.drawThreshold || 5 : 5;
    if (labelOptions) {
      labelOptions.drawThreshold = drawThreshold(cols, fontOf, data.labels, container, baseThreshold, null);
    }
    var items = new Array(n);
    for (var i = 0; i < n; i++) {
      var it = { id: i, label: cols.label[i], group: groups[cols.group[i]], x: cols.x[i], y: cols.y[i],
                 size: cols.size[i] };
      if (cols.font[i]) { it.font = { size: cols.font[i] }; }
      if (cols.colour[i] >= 0) { it.color = data.palette[cols.colour[i]]; }
      var extra = data.style[i];
      if (extra) {
        for (var k in extra) {
          if (k === "font" && it.font) { it.font = Object.assign({}, it.font, extra.font); }
          else { it[k] = extra[k]; }
        }
      }
      items[i] = it;
    }
    var edgeItems = new Array(m);
    for (var j = 0; j < m; j++) {
      var st = data.edgeStyle[flat[3 * j + 2]];
      edgeItems[j] = { id: j, from: flat[3 * j], to: flat[3 * j + 1], width: st ? st[0] : 1 };
    }

    // vis-network builds an edge about as slowly as a node (~0.1 ms each). A network with
    // many edges is drawn at once all the same: its nodes by vis-network, its edges by this
    // script (one path per width, under the nodes), which hands them to vis-network in
    // one go after the first frame, and stops drawing them then.
    var progressive = m > (data.progressive || 2000);
    var nodes = new vis.DataSet(items);
    var edges = new vis.DataSet(progressive ? [] : edgeItems);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    state.network = network; state.nodes = nodes; state.edges = edges;
    // vis-network has fitted the view (its fit counts the labels too): the threshold again,
    // at the real scale. Set on the nodes' shared options, which every node inherits
    // (network.setOptions would revisit all of them: ~0.4 s at 5,000 nodes).
    var shared = network.nodesHandler && network.nodesHandler.options.scaling;
    if (labelOptions && shared && shared.label) {
      shared.label.drawThreshold = drawThreshold(cols, fontOf, data.labels, container, baseThreshold,
                                                 network.getScale());
    }
    state.built = performance.now();
    var handed = progressive ? 0 : m;  // edges [0, handed) are vis-network's
    var hidden = new Array(n);  // by the kind filters

    function done() {
      state.complete = performance.now();
      state.ready = true;
      document.body.setAttribute("data-drawn", "1");
    }
    if (progressive) {
      var edgeOptions = data.options.edges || {};
      var colour = (edgeOptions.color && edgeOptions.color.color) || "#848484";
      var opacity = edgeOptions.color && edgeOptions.color.opacity !== undefined ? edgeOptions.color.opacity : 1;
      var byStyle = {};
      for (var e = 0; e < m; e++) { (byStyle[flat[3 * e + 2]] = byStyle[flat[3 * e + 2]] || []).push(e); }
      var styles = Object.keys(byStyle);
      network.on("beforeDrawing", function (ctx) {
        if (handed >= m) { return; }
        var body = network.body.nodes, scale = network.getScale(), drawn = 0;
        ctx.save();
        ctx.globalAlpha = opacity;
        ctx.strokeStyle = colour;
        ctx.lineCap = "round";
        styles.forEach(function (key) {
          var list = byStyle[key], st = data.edgeStyle[key];
          ctx.lineWidth = Math.max(st ? st[0] : 1, 0.3 / scale);
          ctx.beginPath();
          for (var q = 0; q < list.length; q++) {
            var j = list[q];
            if (j < handed) { continue; }
            var a = body[flat[3 * j]], b = body[flat[3 * j + 1]];
            if (!a || !b || hidden[flat[3 * j]] || hidden[flat[3 * j + 1]]) { continue; }
            ctx.moveTo(a.x, a.y);
            ctx.lineTo(b.x, b.y);
            drawn++;
          }
          ctx.stroke();
        });
        ctx.restore();
        state.pageDrawnEdges = drawn;
      });
    }
    function handOver() {  // one add: in chunks, each would cost a whole redraw and more
      edges.add(edgeItems);
      handed = m;
      network.once("afterDrawing", done);
    }
    network.once("afterDrawing", function () {
      state.firstDraw = performance.now();
      state.firstDrawEdges = handed + (state.pageDrawnEdges || 0);  // vis-network's and the page's
      if (progressive) { setTimeout(handOver, 0); } else { done(); }
      focusFromHash();
    });
    if (data.options.physics && data.options.physics.enabled) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        state.stabilized = performance.now();
      });
    }
    // Tooltips are built when the pointer first reaches a node or an edge (before
    // vis-network's tooltip delay ends), not for every one up front. They are given to
    // vis-network's node or edge directly (vis-network 9.1.2, as copied beside the pages):
    // through the data sets, each would cost a pass over the whole network.
    var titled = {}, edgeTitled = {};
    network.on("hoverNode", function (params) {
      container.style.cursor = "pointer";
      var id = params.node;
      if (titled[id]) { return; }
      titled[id] = true;
      var tip = tips()[id], node = network.body.nodes[id];
      if (tip && node) { node.options.title = tooltip(tip); }
    });
    network.on("blurNode", function () { container.style.cursor = "default"; });
    network.on("hoverEdge", function (params) {
      var id = params.edge;
      if (edgeTitled[id] || typeof id !== "number") { return; }
      edgeTitled[id] = true;
      var st = data.edgeStyle[flat[3 * id + 2]], edge = network.body.edges[id];
      if (st && st[1] && edge) { edge.title = st[1]; }
    });

    network.on("click", function (params) {
      if (params.nodes.length !== 1) { return; }
      var url = cols.url[params.nodes[0]];
      if (!url) { return; }
      var src = params.event && params.event.srcEvent;
      if (src && (src.ctrlKey || src.metaKey)) { window.open(root + url, "_blank"); }
      else { window.location.href = root + url; }
    });

    // --- filters by kind ---------------------------------------------------------------
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-kind]"));
    function applyFilters() {
      var off = {};
      boxes.forEach(function (b) { if (!b.checked) { off[b.getAttribute("data-kind")] = true; } });
      var changes = [];
      for (var i = 0; i < n; i++) {
        var hide = !!off[groups[cols.group[i]]];
        if (!!hidden[i] !== hide) { hidden[i] = hide; changes.push({ id: i, hidden: hide }); }
      }
      if (changes.length) { nodes.update(changes); }
    }
    boxes.forEach(function (b) { b.addEventListener("change", applyFilters); });

    // --- search ----------------------------------------------------------------------------
    var input = document.getElementById(options.search || "search");
    var status = document.getElementById(options.status || "search-status");
    var timer = null, searchText = null;
    function matches() {
      var q = norm(input.value);
      if (q.length < 2) { return null; }
      if (searchText === null) {
        searchText = new Array(n);
        for (var i = 0; i < n; i++) { searchText[i] = norm(cols.label[i] + " " + cols.search[i]); }
      }
      var ids = [];
      for (var j = 0; j < n; j++) { if (!hidden[j] && searchText[j].indexOf(q) >= 0) { ids.push(j); } }
      return ids;
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
      var found = /^#focus=(.+)$/.exec(window.location.hash || "");
      if (!found) { return; }
      var id = cols.url.indexOf(decodeURIComponent(found[1]));
      if (id >= 0) {
        network.selectNodes([id]);
        network.focus(id, { scale: 1.3, animation: false });
      }
    }
    window.addEventListener("hashchange", focusFromHash);
    return state;
  }

  window.PolicyKG = { init: init, tooltip: tooltip };
}());
