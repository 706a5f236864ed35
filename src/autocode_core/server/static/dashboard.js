// autocode dashboard: vanilla JS, no build step, no external assets.
// Data comes from the JSON API; live updates from /api/events (Server-Sent Events).
"use strict";

const HISTORY_POINTS = 30;
const LIST_LIMIT = 8;
const TOKEN_KEY = "autocode-api-token";
const PRIMARY_KEYS = ["doc_path", "test", "file", "path", "name", "id", "code_path"];
const BAD = new Set(["error", "failing", "collection_error", "failed"]);
const WARN = new Set(["warning", "missing", "outdated", "orphaned", "empty", "skipped", "modified", "untracked"]);

const state = {
  checks: new Map(),   // name -> {entry, detail, history}
  live: true,
  source: null,
  status: null,
  statusAt: 0,
  stale: false,        // events may have been missed: refresh when the stream opens
};

// ---------------------------------------------------------------- helpers
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function label(key) {
  return String(key).replace(/_/g, " ");
}

function severity(value) {
  const text = String(value);
  if (BAD.has(text)) return "bad";
  if (WARN.has(text)) return "warn";
  if (text === "success" || text === "passing" || text === "up_to_date") return "ok";
  return "neutral";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return `${Math.round(seconds / 60)} min`;
}

function uptime(seconds) {
  const s = Math.floor(seconds || 0);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

function when(iso) {
  if (!iso) return "never";
  const date = new Date(iso);
  const ago = (Date.now() - date.getTime()) / 1000;
  const text = date.toLocaleString();
  if (ago < -3600) return text;
  if (ago < -60) return `in ${Math.round(-ago / 60)} min`;
  if (ago < 0) return `in ${Math.round(-ago)} s`;
  if (ago < 60) return `${Math.round(ago)} s ago`;
  if (ago < 3600) return `${Math.round(ago / 60)} min ago`;
  return text;
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function showError(message) {
  const node = document.getElementById("error");
  node.textContent = message || "";
  node.hidden = !message;
}

// ---------------------------------------------------------------- API
class ApiError extends Error {
  constructor(status, body) {
    super(ApiError.text(status, body));
    this.status = status;
    this.body = body;
  }
  static text(status, body) {
    const detail = body && body.detail;
    if (Array.isArray(detail)) {
      return detail.map((d) => `${(d.loc || []).filter((p) => p !== "body").join(".")}: ${d.msg}`).join("; ");
    }
    return typeof detail === "string" ? detail : `HTTP ${status}`;
  }
}

function askToken() {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  input.value = "";
  return new Promise((resolve) => {
    const done = (value) => {
      dialog.removeEventListener("close", onClose);
      resolve(value);
    };
    const onClose = () => done(dialog.returnValue === "ok" && input.value ? input.value : null);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
  });
}

async function api(path, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  for (let attempt = 0; attempt < 3; attempt++) {
    const headers = {Accept: "application/json"};
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token && method !== "GET") headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (response.status === 401 && method !== "GET") {
      const given = await askToken();
      if (!given) throw new ApiError(401, body);
      sessionStorage.setItem(TOKEN_KEY, given);
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return {status: response.status, body};
  }
  throw new ApiError(401, {detail: "the token was refused"});
}

// ---------------------------------------------------------------- daemon
function renderStatus(status) {
  state.status = status;
  state.statusAt = Date.now();
  const d = status.daemon;
  document.getElementById("project").textContent = d.project_root;
  document.getElementById("daemon-state").textContent = d.is_running ? "running" : "stopped";
  document.getElementById("daemon-state").dataset.state = d.is_running ? "ok" : "bad";
  document.getElementById("daemon-total").textContent = d.total_checks_run;
  document.getElementById("daemon-success").textContent =
    d.success_rate === null ? "–" : `${Math.round(d.success_rate * 100)} %`;
  document.getElementById("daemon-memory").textContent =
    d.memory_mb === null ? "–" : `${Math.round(d.memory_mb)} MB` + (d.memory_limit_mb ? ` / ${d.memory_limit_mb}` : "");
  tickUptime();
}

function tickUptime() {
  if (!state.status) return;
  const d = state.status.daemon;
  const extra = d.is_running ? (Date.now() - state.statusAt) / 1000 : 0;
  document.getElementById("daemon-uptime").textContent = d.is_running ? uptime(d.uptime_seconds + extra) : "–";
}

// ---------------------------------------------------------------- details
function tokenMeter(tokens) {
  const box = el("div", "tokens");
  const ratio = tokens.threshold > 0 ? tokens.total / tokens.threshold : 0;
  const approx = tokens.exact === false ? "~" : "";
  box.append(el("div", "tokens-text",
    `${approx}${Number(tokens.total).toLocaleString()} / ${Number(tokens.threshold).toLocaleString()} tokens` +
    (tokens.model ? ` (${tokens.model})` : "")));
  const meter = el("div", "meter");
  meter.dataset.state = tokens.over_threshold || ratio > 1 ? "bad" : ratio > 0.8 ? "warn" : "ok";
  meter.setAttribute("role", "meter");
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
    const chip = el("span", "chip", `${label(key)} ${value}`);
    chip.dataset.state = severity(key);
    row.append(chip);
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
  if (numbers.length && numbers.every((v) => isPlainObject(v) && Object.values(v).every((n) => typeof n === "number"))) {
    const box = el("div", "counts");
    box.append(el("span", "counts-label", label(key)));
    for (const [group, inner] of Object.entries(value)) {
      const row = chips(inner);
      if (row) {
        row.prepend(el("span", "muted", `${label(group)}:`));
        box.append(row);
      }
    }
    return box.childElementCount > 1 ? box : null;
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
    if (typeof v === "number" || typeof v === "boolean") extra.push(`${label(k)} ${v === true ? "" : v}`.trim());
    else if (typeof v === "string" && v.length <= 80) extra.push(`${label(k)}: ${v}`);
    else if (Array.isArray(v) && v.length && v.every((x) => typeof x === "string")) extra.push(`${label(k)}: ${v.slice(0, 3).join(", ")}${v.length > 3 ? "…" : ""}`);
    else if (Array.isArray(v) && v.length) extra.push(`${v.length} ${label(k)}`);
  }
  return {primary, status: item.status || null, extra: extra.slice(0, 3).join(" · ")};
}

function itemList(key, items, more) {
  const box = el("div", "items");
  box.append(el("span", "counts-label", `${label(key)} (${items.length + (more || 0)})`));
  const list = el("ul");
  for (const item of items.slice(0, LIST_LIMIT)) {
    const {primary, status, extra} = itemText(item);
    const li = el("li");
    if (status) {
      const badge = el("span", "chip", label(status));
      badge.dataset.state = severity(status);
      li.append(badge, " ");
    }
    li.append(el("code", "", primary));
    if (extra) li.append(el("span", "muted", ` ${extra}`));
    list.append(li);
  }
  const hidden = items.length - Math.min(items.length, LIST_LIMIT) + (more || 0);
  if (hidden > 0) list.append(el("li", "muted", `… and ${hidden} more`));
  box.append(list);
  return box;
}

function renderDetails(container, details) {
  container.textContent = "";
  if (!isPlainObject(details)) return;
  const facts = el("dl", "facts");
  const long = [];
  for (const [key, value] of Object.entries(details)) {
    if (/_(truncated|omitted)$/.test(key) || key === "failure") continue;
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
      row.append(el("dt", "", label(key)), el("dd", "", value === true ? "yes" : value === false ? "no" : value));
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

// ---------------------------------------------------------------- chart
function sparkline(runs) {
  const box = el("div", "chart");
  if (!runs || !runs.length) {
    box.append(el("span", "muted", "no history yet"));
    return box;
  }
  const points = runs.slice(0, HISTORY_POINTS).reverse();
  const width = 240, height = 40, pad = 4;
  const max = Math.max(...points.map((r) => r.duration_seconds || 0), 0.001);
  const step = points.length > 1 ? (width - 2 * pad) / (points.length - 1) : 0;
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, class: "sparkline", role: "img",
    "aria-label": `last ${points.length} runs: durations and statuses`});
  const coords = points.map((r, i) => [pad + i * step, height - pad - ((r.duration_seconds || 0) / max) * (height - 2 * pad)]);
  chart.append(svg("polyline", {points: coords.map((c) => c.join(",")).join(" "), class: "spark-line"}));
  points.forEach((r, i) => {
    const dot = svg("circle", {cx: coords[i][0], cy: coords[i][1], r: 3, class: `spark-dot ${severity(r.status)}`});
    const title = svg("title");
    title.textContent = `${new Date(r.timestamp).toLocaleString()}: ${r.status}, ${duration(r.duration_seconds)}`;
    dot.append(title);
    chart.append(dot);
  });
  box.append(chart, el("span", "muted chart-label", `max ${duration(max)}`));
  return box;
}

// ---------------------------------------------------------------- cards
function cardFor(name) {
  let card = document.querySelector(`.card[data-check="${CSS.escape(name)}"]`);
  if (card) return card;
  card = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
  card.dataset.check = name;
  card.querySelector(".card-name").textContent = name;
  card.querySelector(".run").addEventListener("click", () => runNow(name));
  card.querySelector(".pause").addEventListener("click", () => {
    const entry = state.checks.get(name).entry;
    taskAction(name, entry.paused ? "resume" : "pause");
  });
  card.querySelector(".enabled-input").addEventListener("change", (event) => {
    taskAction(name, event.target.checked ? "enable" : "disable");
  });
  card.querySelector(".interval-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveInterval(name, card.querySelector(".interval-input").value);
  });
  document.getElementById("checks").append(card);
  return card;
}

function renderCard(name) {
  const info = state.checks.get(name);
  if (!info || !info.entry) return;
  const card = cardFor(name);
  const {entry} = info;
  const result = (info.detail && info.detail.result) || entry.result;
  const status = result ? result.status : "none";
  card.dataset.status = status;
  card.dataset.running = entry.running ? "true" : "false";
  card.querySelector(".card-status").textContent = entry.running ? "running…" : result ? status : "no result yet";
  card.querySelector(".card-message").textContent = result ? result.message : entry.description || "Not run yet.";
  const meta = [];
  meta.push(`last run ${when(result && result.timestamp)}`);
  if (result) meta.push(`took ${duration(result.duration_seconds)}`);
  if (entry.loaded) {
    meta.push(entry.enabled ? (entry.paused ? "paused" : `next ${entry.next_run ? when(entry.next_run) : "–"}`) : "disabled");
  } else {
    meta.push("plugin failed to load");
  }
  card.querySelector(".card-meta").textContent = meta.join(" · ");
  const chart = card.querySelector(".card-chart");
  chart.textContent = "";
  if (info.history) chart.append(sparkline(info.history));
  renderDetails(card.querySelector(".card-details"), result ? (result.details || result.summary) : null);
  const controls = card.querySelector(".card-controls");
  controls.hidden = !entry.loaded;
  card.querySelector(".run").disabled = Boolean(entry.running);
  if (info.busy) return;  // a control change is on its way: do not undo what the user just did
  card.querySelector(".pause").textContent = entry.paused ? "Resume" : "Pause";
  card.querySelector(".pause").setAttribute("aria-pressed", entry.paused ? "true" : "false");
  card.querySelector(".enabled-input").checked = Boolean(entry.enabled);
  const input = card.querySelector(".interval-input");
  if (document.activeElement !== input && entry.interval_minutes !== null) input.value = String(+entry.interval_minutes.toFixed(3));
}

async function refreshCheck(name) {
  const info = state.checks.get(name);
  if (!info) return;
  const [detail, history] = await Promise.all([
    api(`/api/checks/${encodeURIComponent(name)}`),
    api(`/api/checks/${encodeURIComponent(name)}/history?limit=${HISTORY_POINTS}`),
  ]);
  info.detail = detail.body;
  info.entry = {...info.entry, ...stripResult(detail.body)};
  info.history = history.body.runs;
  renderCard(name);
}

function stripResult(entry) {
  const copy = {...entry};
  delete copy.result;
  delete copy.figures;
  return copy;
}

async function refreshList() {
  const [status, list] = await Promise.all([api("/api/status"), api("/api/checks")]);
  renderStatus(status.body);
  const names = new Set();
  for (const entry of list.body.checks) {
    names.add(entry.name);
    const info = state.checks.get(entry.name) || {entry: null, detail: null, history: null};
    info.entry = entry;
    state.checks.set(entry.name, info);
    renderCard(entry.name);
  }
  for (const name of [...state.checks.keys()]) {
    if (!names.has(name)) {
      state.checks.delete(name);
      const card = document.querySelector(`.card[data-check="${CSS.escape(name)}"]`);
      if (card) card.remove();
    }
  }
  document.getElementById("no-checks").hidden = names.size > 0;
  return [...names];
}

async function refreshAll() {
  try {
    const names = await refreshList();
    await Promise.all(names.map(refreshCheck));
    showError("");
  } catch (error) {
    showError(`Could not load: ${error.message}`);
  }
}

// ---------------------------------------------------------------- actions
async function runNow(name) {
  const info = state.checks.get(name);
  info.entry.running = true;
  renderCard(name);
  try {
    const started = await api(`/api/checks/${encodeURIComponent(name)}/run?wait=false`, {method: "POST"});
    let run = started.body;
    for (let delay = 200; ; delay = Math.min(delay * 1.5, 2000)) {
      const current = await api(`/api/runs/${run.run_id || run.id}`);
      if (current.body.state !== "running") {
        run = current.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    if (run.result) info.detail = {...(info.detail || {}), result: run.result};
    info.entry.running = false;
    renderCard(name);
    await Promise.all([refreshCheck(name), refreshList()]);
    showError("");
  } catch (error) {
    info.entry.running = false;
    renderCard(name);
    showError(`Run of ${name} failed: ${error.message}`);
  }
}

async function taskAction(name, action) {
  const info = state.checks.get(name);
  info.busy = (info.busy || 0) + 1;
  try {
    await api(`/api/scheduler/tasks/${encodeURIComponent(name)}/${action}`, {method: "POST"});
    showError("");
  } catch (error) {
    showError(`Could not ${action} ${name}: ${error.message}`);
  } finally {
    info.busy -= 1;
  }
  await refreshList().catch(() => {});
}

async function saveInterval(name, value) {
  const minutes = Number(value);
  try {
    await api("/api/config", {method: "PATCH", body: {daemon: {[name]: {interval_minutes: minutes}}}});
    await refreshList();
    showError("");
  } catch (error) {
    showError(`Interval of ${name} not saved: ${error.message}`);
  }
}

// ---------------------------------------------------------------- live updates
function setConnection(status, text) {
  const node = document.getElementById("connection");
  node.dataset.state = status;
  node.textContent = text;
}

function connect() {
  disconnect();
  setConnection("connecting", "connecting…");
  const source = new EventSource("/api/events");
  state.source = source;
  source.onopen = () => {
    setConnection("live", "live");
    if (state.stale) refreshAll();  // catch up with what happened while disconnected
    state.stale = false;
  };
  source.onerror = () => {
    state.stale = true;
    if (source.readyState === EventSource.CLOSED) {
      setConnection("offline", "offline, retrying…");
      setTimeout(() => { if (state.live && state.source === source) connect(); }, 5000);
    } else {
      setConnection("connecting", "reconnecting…");
    }
  };
  source.addEventListener("check_started", (event) => {
    const data = JSON.parse(event.data);
    const info = state.checks.get(data.check_name);
    if (info && info.entry) {
      info.entry.running = true;
      renderCard(data.check_name);
    }
  });
  source.addEventListener("check_completed", (event) => {
    const data = JSON.parse(event.data);
    const info = state.checks.get(data.check_name);
    if (!info) return refreshAll();
    info.entry = {...info.entry, running: false, result: data.result};
    if (info.detail) info.detail = {...info.detail, result: {...data.result, details: null}};
    renderCard(data.check_name);
    refreshCheck(data.check_name).catch(() => {});
    api("/api/status").then((s) => renderStatus(s.body)).catch(() => {});
  });
  for (const type of ["config_changed", "task_changed"]) {
    source.addEventListener(type, () => refreshList().catch(() => {}));
  }
}

function disconnect() {
  if (state.source) state.source.close();
  state.source = null;
}

function setLive(on) {
  state.live = on;
  const button = document.getElementById("live-toggle");
  button.textContent = on ? "Live: on" : "Live: off";
  button.setAttribute("aria-pressed", on ? "true" : "false");
  if (on) {
    connect();
  } else {
    disconnect();
    state.stale = true;
    setConnection("paused", "live updates off (R)");
  }
}

// ---------------------------------------------------------------- start
function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT", "BUTTON", "SUMMARY"].includes(target.tagName) || target.closest("dialog"));
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.key === " ") {
    event.preventDefault();
    refreshAll();
  } else if (event.key === "r" || event.key === "R") {
    event.preventDefault();
    setLive(!state.live);
  }
});

document.getElementById("refresh").addEventListener("click", () => refreshAll());
document.getElementById("live-toggle").addEventListener("click", () => setLive(!state.live));
document.getElementById("token-cancel").addEventListener("click", () => document.getElementById("token-dialog").close("cancel"));
document.getElementById("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  document.getElementById("token-dialog").close("ok");
});
setInterval(tickUptime, 1000);
setInterval(() => { for (const name of state.checks.keys()) renderCard(name); }, 30000);
refreshAll().then(() => setLive(true));
