// policykg query page: plain JavaScript, no framework, talks only to this server.
"use strict";

const MAX_ROWS_SHOWN = 2000;
const RESULT_LINKS = [["CSV", "csv"], ["TSV", "tsv"], ["JSON", "json"], ["XML", "xml"]];
const GRAPH_LINKS = [["Turtle", "turtle"], ["N-Triples", "ntriples"], ["RDF/XML", "rdfxml"], ["JSON-LD", "jsonld"]];

let prefixes = {};  // prefix -> namespace, from /prefixes
let running = false;

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function shorten(iri) {
  let best = null;
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
  }
  if (best) {
    const local = iri.slice(best[1].length);
    if (/^[\w.\-\/%]*$/u.test(local)) return best[0] + ":" + local;
  }
  return "<" + iri + ">";
}

function showError(message) {
  const e = $("error");
  e.textContent = message;
  e.hidden = !message;
}

function clearResults() {
  showError("");
  $("table").replaceChildren();
  $("graph").hidden = true;
  $("graph").textContent = "";
  $("note").hidden = true;
  $("downloads").replaceChildren();
}

function setDownloads(query, links) {
  const box = $("downloads");
  box.replaceChildren(document.createTextNode("Download: "));
  for (const [label, fmt] of links) {
    const params = new URLSearchParams({ query, format: fmt, download: "1" });
    box.append(el("a", { href: "/sparql?" + params.toString() }, label));
  }
}

function cell(term) {
  const td = el("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = el("a", { href: "#", class: "iri mono", title: term.value }, shorten(term.value));
    a.addEventListener("click", (ev) => { ev.preventDefault(); explore(term.value); });
    td.append(a);
  } else if (term.type === "bnode") {
    td.append(el("span", { class: "mono" }, "_:" + term.value));
  } else if (term.type === "triple") {
    td.append(el("span", { class: "mono" }, "<< " + JSON.stringify(term.value) + " >>"));
  } else {
    td.append(term.value);
    if (term["xml:lang"]) td.append(el("span", { class: "tag" }, "@" + term["xml:lang"]));
    else if (term.datatype) {
      const short = shorten(term.datatype);
      if (/^xsd:(integer|decimal|double|float|long|int)$/.test(short)) td.className = "num";
      else td.append(el("span", { class: "tag" }, short));
    }
  }
  return td;
}

function renderJson(data, elapsed) {
  const table = $("table");
  if ("boolean" in data) {
    table.append(el("tr", {}, el("th", {}, "ask")), el("tr", {}, el("td", {}, String(data.boolean))));
    $("status").textContent = `ASK: ${data.boolean} · ${elapsed} ms`;
    return;
  }
  const vars = data.head.vars || [];
  const rows = data.results.bindings;
  const head = el("tr", {}, el("th", {}, "#"));
  for (const v of vars) head.append(el("th", {}, v));
  const body = document.createDocumentFragment();
  rows.slice(0, MAX_ROWS_SHOWN).forEach((row, i) => {
    const tr = el("tr", {}, el("td", { class: "rownum" }, i + 1));
    for (const v of vars) tr.append(cell(row[v]));
    body.append(tr);
  });
  table.append(el("thead", {}, head), el("tbody", {}, body));
  $("status").textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} · ${elapsed} ms`;
  if (rows.length > MAX_ROWS_SHOWN) {
    $("note").textContent = `Showing the first ${MAX_ROWS_SHOWN} rows of ${rows.length}; download the results for all of them.`;
    $("note").hidden = false;
  }
}

async function run() {
  if (running) return;
  const query = $("query").value;
  running = true;
  $("run").disabled = true;
  clearResults();
  $("status").textContent = "running…";
  const t0 = performance.now();
  try {
    const resp = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query }),
    });
    const text = await resp.text();
    const elapsed = Math.round(performance.now() - t0);
    if (!resp.ok) {
      $("status").textContent = `${resp.status} ${resp.statusText} · ${elapsed} ms`;
      showError(text);
      return;
    }
    history.replaceState(null, "", "#query=" + encodeURIComponent(query));
    const type = resp.headers.get("Content-Type") || "";
    if (type.startsWith("application/sparql-results+json")) {
      renderJson(JSON.parse(text), elapsed);
      setDownloads(query, RESULT_LINKS);
    } else {
      $("graph").textContent = text;
      $("graph").hidden = false;
      const n = text.split("\n").filter((l) => l.trim() && !l.startsWith("@prefix")).length;
      $("status").textContent = `graph · ${n} lines · ${elapsed} ms`;
      setDownloads(query, GRAPH_LINKS);
    }
  } catch (err) {
    $("status").textContent = "";
    showError("The server did not answer: " + err);
  } finally {
    running = false;
    $("run").disabled = false;
  }
}

function explore(iri) {
  $("query").value = `# What the store says about ${shorten(iri)}\nSELECT ?property ?value WHERE {\n  <${iri}> ?property ?value .\n}\nORDER BY ?property ?value`;
  run();
}

async function loadNamed(q, inputs, andRun) {
  const params = new URLSearchParams();
  for (const [name, input] of Object.entries(inputs)) {
    if (input.value.trim()) params.set(name, input.value.trim());
  }
  if (!q.params.length || !params.toString()) {
    $("query").value = q.text;
  } else {
    showError("");
    const resp = await fetch(`/named/${encodeURIComponent(q.name)}/query?${params}`);
    const text = await resp.text();
    if (!resp.ok) {
      clearResults();
      $("status").textContent = `${resp.status} ${resp.statusText}`;
      showError(text);
      return;
    }
    $("query").value = `# bound on the server: ${[...params].map(([k, v]) => k + "=" + v).join(", ")}\n` + text.trim();
  }
  if (andRun) run();
}

function renderNamed(queries) {
  const box = $("named");
  box.replaceChildren();
  for (const q of queries) {
    const inputs = {};
    const example = (q.example_params && q.example_params[0]) || {};
    const card = el("div", { class: "named" }, el("h3", {}, q.title), el("p", {}, q.description || ""));
    for (const p of q.params) {
      const id = `p-${q.name}-${p.name}`;
      const input = el("input", { id, type: "text", placeholder: p.doc || p.type });
      if (!p.optional && example[p.name]) input.value = example[p.name];
      input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") loadNamed(q, inputs, true); });
      inputs[p.name] = input;
      card.append(el("div", { class: "param" },
        el("label", { for: id }, `${p.name} `, el("span", { class: "muted" }, `${p.type}${p.optional ? ", optional" : ""}`)),
        input));
    }
    card.append(el("div", { class: "buttons" },
      el("button", { type: "button", onclick: () => loadNamed(q, inputs, true) }, "Run"),
      el("button", { type: "button", class: "secondary", onclick: () => loadNamed(q, inputs, false) }, "Show query")));
    box.append(card);
  }
}

async function init() {
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
  });
  const m = location.hash.match(/^#query=(.*)$/s);
  if (m) $("query").value = decodeURIComponent(m[1]);
  try {
    const [p, q, h] = await Promise.all(["/prefixes", "/queries", "/health"].map((u) => fetch(u).then((r) => r.json())));
    prefixes = p;
    const rows = Object.entries(p).map(([k, v]) => el("tr", {}, el("td", { class: "mono" }, k + ":"), el("td", { class: "mono" }, v)));
    $("prefixes").replaceChildren(...rows);
    renderNamed(q);
    $("store").textContent = `store ${h.store} (${h.backend}) · read-only endpoint at /sparql · time limit ${h.timeout} s`;
  } catch (err) {
    showError("Could not load the named queries: " + err);
  }
}

document.addEventListener("DOMContentLoaded", init);
