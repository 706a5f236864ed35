// autocode dashboard, part 1: how things are drawn (numbers, findings, figures, run history).
// No framework and no external assets; data goes into the page through textContent only.
"use strict";

const LIST_LIMIT = 8;
const PRIMARY_KEYS = ["doc_path", "test", "file", "path", "name", "id", "code_path"];
const BAD = new Set(["error", "failing", "collection_error", "failed"]);
const WARN = new Set(["warning", "missing", "outdated", "orphaned", "empty", "skipped", "modified", "untracked"]);
const NUMBER = new Intl.NumberFormat(undefined, {maximumFractionDigits: 1});

// ---------------------------------------------------------------- helpers
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function label(key) {
  return String(key).replace(/_/g, " ");
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function severity(value) {
  const text = String(value);
  if (BAD.has(text)) return "bad";
  if (WARN.has(text)) return "warn";
  if (text === "success" || text === "passing" || text === "up_to_date") return "ok";
  return "neutral";
}

/** Every number on the page goes through here: one format (the viewer's locale). */
function num(value) {
  return typeof value === "number" && Number.isFinite(value) ? NUMBER.format(value) : "–";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 1) return `${num(Math.round(seconds * 1000))} ms`;
  if (seconds < 120) return `${num(seconds)} s`;
  if (seconds < 7200) return `${num(Math.floor(seconds / 60))} min ${Math.floor(seconds % 60)} s`;
  return `${num(seconds / 3600)} h`;
}

function uptime(seconds) {
  const s = Math.floor(seconds || 0);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

/** A time in the viewer's zone. */
function localTime(iso) {
  return iso ? new Date(iso).toLocaleString() : "–";
}

function when(iso) {
  if (!iso) return "never";
  const ago = (Date.now() - new Date(iso).getTime()) / 1000;
  if (ago < -3600) return localTime(iso);
  if (ago < -60) return `in ${Math.round(-ago / 60)} min`;
  if (ago < 0) return `in ${Math.round(-ago)} s`;
  if (ago < 60) return `${Math.round(ago)} s ago`;
  if (ago < 3600) return `${Math.round(ago / 60)} min ago`;
  return localTime(iso);
}

function chip(text, state) {
  const node = el("span", "chip", text);
  node.dataset.state = state || "neutral";
  return node;
}

// ---------------------------------------------------------------- findings
const FINDING_STATE = {error: "bad", warning: "warn", info: "neutral"};

function findingFacts(finding) {
  const data = isPlainObject(finding.data) ? finding.data : {};
  const facts = [];
  if (typeof data.total === "number" && typeof data.threshold === "number") {
    facts.push(chip(`${num(data.total)} / ${num(data.threshold)} tokens`, data.total > data.threshold ? "bad" : "ok"));
  } else if (typeof data.tokens === "number") {
    facts.push(chip(`${num(data.tokens)} tokens`));
  }
  if (data.uncommitted_changes === true) facts.push(chip("uncommitted", "warn"));
  if (typeof data.commits_behind === "number" && data.commits_behind > 0) {
    facts.push(chip(`${num(data.commits_behind)} commit${data.commits_behind === 1 ? "" : "s"} behind`, "warn"));
  }
  const code = Array.isArray(data.code) ? data.code : typeof data.code === "string" ? [data.code] : [];
  if (code.length) {
    const what = el("span", "finding-code muted", "code: ");
    what.append(el("code", "", code.join(", ")));
    facts.push(what);
  }
  return facts;
}

function findingItem(finding) {
  const li = el("li", "finding");
  li.dataset.severity = finding.severity;
  const head = el("div", "finding-head");
  head.append(chip(finding.severity, FINDING_STATE[finding.severity]));
  if (finding.kind) head.append(el("span", "finding-kind muted", label(finding.kind)));
  const where = finding.id || (finding.path ? finding.path + (finding.line ? `:${finding.line}` : "") : null);
  if (where) head.append(el("code", "finding-where", where));
  li.append(head);
  let message = String(finding.message || "");
  if (where && message.startsWith(`${where}: `)) message = message.slice(where.length + 2);
  li.append(message.includes("\n") ? el("pre", "finding-message", message) : el("p", "finding-message", message));
  const facts = findingFacts(finding);
  if (facts.length) {
    const row = el("div", "chips");
    row.append(...facts);
    li.append(row);
  }
  return li;
}

function renderFindings(card, result) {
  const list = card.querySelector(".findings");
  const more = card.querySelector(".findings-more");
  list.textContent = "";
  const findings = (result && result.findings) || [];
  for (const finding of findings) list.append(findingItem(finding));
  list.hidden = !findings.length;
  const hidden = ((result && result.findings_total) || 0) - findings.length;
  more.textContent = hidden > 0 ? `… and ${num(hidden)} more findings (open “All details”)` : "";
  more.hidden = hidden <= 0;
  const trace = card.querySelector(".traceback");
  trace.hidden = !(result && result.traceback);
  trace.querySelector("pre").textContent = (result && result.traceback) || "";
}

// ---------------------------------------------------------------- figures of details
function tokenMeter(tokens) {
  const box = el("div", "tokens");
  const ratio = tokens.threshold > 0 ? tokens.total / tokens.threshold : 0;
  const approx = tokens.exact === false ? "~" : "";
  box.append(el("div", "tokens-text",
    `${approx}${num(tokens.total)} / ${num(tokens.threshold)} tokens` + (tokens.model ? ` (${tokens.model})` : "")));
  const meter = el("div", "meter");
  meter.dataset.state = tokens.over_threshold || ratio > 1 ? "bad" : ratio > 0.8 ? "warn" : "ok";
  meter.setAttribute("role", "meter");
  meter.setAttribute("aria-label", "tokens against the threshold");
  meter.setAttribute("aria-valuemin", "0");
  meter.setAttribute("aria-valuemax", String(tokens.threshold));
  meter.setAttribute("aria-valuenow", String(tokens.total));
  const fill = el("div", "meter-fill");
  fill.style.width = `${Math.min(100, Math.round(ratio * 100))}%`;
  meter.append(fill);
  box.append(meter);
  if (Array.isArray(tokens.top_files) && tokens.top_files.length) {
    box.append(itemList("largest changes", tokens.top_files, 0));
  }
  return box;
}

function chips(counts) {
  const row = el("div", "chips");
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value !== "number" || value === 0) continue;
    row.append(chip(`${label(key)} ${num(value)}`, severity(key)));
  }
  return row.childElementCount ? row : null;
}

function countsBlock(key, value) {
  const numbers = Object.values(value);
  if (numbers.length && numbers.every((v) => typeof v === "number")) {
    const row = chips(value);
    if (!row) return null;
    const box = el("div", "counts");
    box.append(el("span", "counts-label", label(key)), row);
    return box;
  }
  return null;
}

function itemText(item) {
  if (!isPlainObject(item)) return {primary: String(item), status: null, extra: ""};
  const primaryKey = PRIMARY_KEYS.find((k) => typeof item[k] === "string");
  const primary = primaryKey ? item[primaryKey] : JSON.stringify(item).slice(0, 120);
  const extra = [];
  for (const [k, v] of Object.entries(item)) {
    if (k === primaryKey || k === "status" || v === null || v === false) continue;
    if (typeof v === "number") extra.push(`${label(k)} ${num(v)}`);
    else if (v === true) extra.push(label(k));
    else if (typeof v === "string" && v.length <= 80) extra.push(`${label(k)}: ${v}`);
    else if (Array.isArray(v) && v.length) extra.push(`${num(v.length)} ${label(k)}`);
  }
  return {primary, status: item.status || null, extra: extra.slice(0, 3).join(" · ")};
}

function itemList(key, items, more) {
  const box = el("div", "items");
  box.append(el("span", "counts-label", `${label(key)} (${num(items.length + (more || 0))})`));
  const list = el("ul");
  for (const item of items.slice(0, LIST_LIMIT)) {
    const {primary, status, extra} = itemText(item);
    const li = el("li");
    if (status) li.append(chip(label(status), severity(status)), " ");
    li.append(el("code", "", primary));
    if (extra) li.append(el("span", "muted", ` ${extra}`));
    list.append(li);
  }
  const hidden = items.length - Math.min(items.length, LIST_LIMIT) + (more || 0);
  if (hidden > 0) list.append(el("li", "muted", `… and ${num(hidden)} more`));
  box.append(list);
  return box;
}

/** The figures of ``details`` (a compact summary or the full details): counts, tokens, facts, lists. */
function renderDetails(container, details) {
  container.textContent = "";
  if (!isPlainObject(details)) return;
  const facts = el("dl", "facts");
  const long = [];
  for (const [key, value] of Object.entries(details)) {
    if (/_(truncated|omitted)$/.test(key) || key === "failure" || key === "traceback") continue;
    if (isPlainObject(value) && typeof value.total === "number" && typeof value.threshold === "number") {
      container.append(tokenMeter(value));
    } else if (isPlainObject(value)) {
      const block = countsBlock(key, value);
      if (block) container.append(block);
    } else if (Array.isArray(value)) {
      const more = details[`${key}_truncated`] || details[`${key}_omitted`] || 0;
      if (value.length) container.append(itemList(key, value, typeof more === "number" ? more : 0));
    } else if (typeof value === "string" && (value.length > 80 || value.includes("\n"))) {
      long.push([key, value]);
    } else if (value !== null && value !== "") {
      const row = el("div");
      const shown = value === true ? "yes" : value === false ? "no" : typeof value === "number" ? num(value) : value;
      row.append(el("dt", "", label(key)), el("dd", "", shown));
      facts.append(row);
    }
  }
  if (facts.childElementCount) container.append(facts);
  for (const [key, value] of long) {
    const more = el("details");
    more.append(el("summary", "", label(key)), el("pre", "", value));
    container.append(more);
  }
}

// ---------------------------------------------------------------- run history
const CHART = {width: 400, height: 120, left: 54, right: 8, top: 10, bottom: 24};

function timeTicks(start, end) {
  const span = end - start;
  const count = span < 60000 ? 2 : 4;
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  const options = sameDay ? {hour: "2-digit", minute: "2-digit"} : {month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"};
  if (span < 600000) options.second = "2-digit";
  const ticks = [];
  for (let i = 0; i < count; i++) {
    const t = start + (span * i) / (count - 1);
    const text = new Date(t).toLocaleString([], options);
    if (!ticks.length || ticks[ticks.length - 1][1] !== text) ticks.push([t, text]);
  }
  return ticks;
}

/** Durations of ``runs`` (newest first) on a time axis, one dot per run coloured by status. */
function historyChart(runs) {
  const points = runs.filter((r) => r.timestamp).map((r) => ({...r, t: new Date(r.timestamp).getTime()})).reverse();
  const {width, height, left, right, top, bottom} = CHART;
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, class: "history-chart", role: "img",
    "aria-label": `durations of the last ${points.length} runs over time`});
  if (!points.length) return chart;
  const start = points[0].t, end = points[points.length - 1].t;
  const span = Math.max(end - start, 1);
  const max = Math.max(...points.map((r) => r.duration_seconds || 0), 0.001);
  const x = (t) => points.length === 1 ? left + (width - left - right) / 2 : left + ((t - start) / span) * (width - left - right);
  const y = (d) => top + (1 - (d || 0) / max) * (height - top - bottom);
  chart.append(svg("line", {x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: "axis"}));
  chart.append(svg("line", {x1: left, y1: top, x2: left, y2: height - bottom, class: "axis"}));
  chart.append(svg("text", {x: left - 4, y: top + 10, class: "axis-label", "text-anchor": "end"}, duration(max)));
  chart.append(svg("text", {x: left - 4, y: height - bottom, class: "axis-label", "text-anchor": "end"}, "0"));
  const ticks = points.length === 1 ? [[start, localTime(points[0].timestamp)]] : timeTicks(start, end);
  ticks.forEach(([t, text], i) => {
    const anchor = points.length === 1 ? "middle" : i === 0 ? "start" : t === end ? "end" : "middle";
    chart.append(svg("line", {x1: x(t), y1: height - bottom, x2: x(t), y2: height - bottom + 4, class: "axis"}));
    chart.append(svg("text", {x: x(t), y: height - 6, class: "axis-label", "text-anchor": anchor}, text));
  });
  if (points.length > 1) {
    chart.append(svg("polyline", {points: points.map((r) => `${x(r.t)},${y(r.duration_seconds)}`).join(" "), class: "spark-line"}));
  }
  for (const r of points) {
    const dot = svg("circle", {cx: x(r.t), cy: y(r.duration_seconds), r: 4, class: `spark-dot ${severity(r.status)}`});
    dot.append(svg("title", {}, `${localTime(r.timestamp)}: ${r.status}, ${duration(r.duration_seconds)}`));
    chart.append(dot);
  }
  return chart;
}

const RUN_TIME = {hour: "2-digit", minute: "2-digit", second: "2-digit"};
const RUN_DATE = {month: "short", day: "numeric", ...RUN_TIME};

function runTime(iso) {
  const date = new Date(iso);
  const today = date.toDateString() === new Date().toDateString();
  return date.toLocaleString([], today ? RUN_TIME : RUN_DATE);
}

/** Where a remote executor ran a run: "worker (queue name)". */
function ranOn(executedOn) {
  return executedOn.queue ? `${executedOn.worker} (queue ${executedOn.queue})` : executedOn.worker;
}

/** One run per two rows: time, trigger, status, duration (and where it ran, when any run
 * went to a remote worker); then its message across the table. */
function historyTable(runs) {
  const table = el("table", "history-table");
  table.append(el("caption", "", `Last ${num(runs.length)} runs, newest first, in your time zone`));
  const remote = runs.some((run) => run.executed_on);
  const columns = ["Time", "Trigger", "Status", "Duration", ...(remote ? ["Ran on"] : [])];
  const head = el("tr");
  for (const name of columns) {
    const th = el("th", name === "Duration" ? "num" : "", name);
    th.scope = "col";
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  table.append(thead);
  for (const run of runs) {
    const body = el("tbody", "run");
    const row = el("tr");
    const status = el("td");
    status.append(chip(run.status, severity(run.status)));
    const time = el("td", "nowrap", run.timestamp ? runTime(run.timestamp) : "–");
    if (run.timestamp) time.title = localTime(run.timestamp);
    row.append(time, el("td", "", run.trigger || "–"), status, el("td", "nowrap num", duration(run.duration_seconds)));
    if (remote) row.append(el("td", "", run.executed_on ? ranOn(run.executed_on) : "here"));
    const message = el("tr", "history-message");
    const cell = el("td", "", run.message);
    cell.colSpan = columns.length;
    message.append(cell);
    body.append(row, message);
    table.append(body);
  }
  return table;
}

function renderHistory(container, body) {
  container.textContent = "";
  if (!body.history_enabled) {
    container.append(el("p", "muted", "The run history is off (history.enabled)."));
    return;
  }
  if (!body.runs.length) {
    container.append(el("p", "muted", "No run recorded yet."));
    return;
  }
  const scroll = el("div", "table-scroll");
  scroll.append(historyTable(body.runs));
  container.append(historyChart(body.runs), scroll);
}
