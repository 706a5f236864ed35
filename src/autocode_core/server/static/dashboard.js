// autocode dashboard, part 2: state, API, cards in triage order, actions, live updates.
// The first paint needs one request (GET /api/status carries every card); the event stream
// (/api/events) then carries each new result, so a run costs no further request.
"use strict";

const HISTORY_RUNS = 50;
const TOKEN_KEY = "autocode-api-token";
const RANK = {error: 0, warning: 1, none: 2, success: 3};
const FILTERS = ["all", "error", "warning", "running", "paused", "disabled", "none", "success"];

const state = {
  checks: new Map(),   // name -> {entry, result, runStart, busy, full}
  live: true,
  source: null,
  status: null,
  statusAt: 0,
  updatedAt: null,
  stale: false,        // events may have been missed: refresh when the stream opens
  filter: "all",
  query: "",
};

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

function askToken(problem) {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  const alert = document.getElementById("token-problem");
  alert.textContent = problem || "";
  alert.hidden = !problem;
  input.value = "";
  return new Promise((resolve) => {
    const onClose = () => {
      dialog.removeEventListener("close", onClose);
      resolve(dialog.returnValue === "ok" && input.value ? input.value : null);
    };
    dialog.addEventListener("close", onClose);
    dialog.showModal();
  });
}

async function api(path, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  for (;;) {
    const headers = {Accept: "application/json"};
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, {
      method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (response.status === 401) {
      const refused = Boolean(token);  // the server said "token refused": say so now
      if (refused) {
        sessionStorage.removeItem(TOKEN_KEY);
        showError(`token refused: ${method} ${path} was not done`);
      }
      const given = await askToken(refused ? "token refused: try again" : null);
      if (!given) throw new ApiError(401, body);
      sessionStorage.setItem(TOKEN_KEY, given);
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return {status: response.status, body};
  }
}

// ---------------------------------------------------------------- what a check looks like now
function view(info) {
  const {entry, result} = info;
  const status = result ? result.status : "none";
  let sched = "";
  if (!entry.loaded) sched = "unloaded";
  else if (!entry.enabled) sched = "disabled";
  else if (entry.paused) sched = "paused";
  return {status, sched, running: Boolean(entry.running), rank: entry.loaded ? RANK[status] ?? 2 : 0};
}

function matches(name, info) {
  const v = view(info);
  const f = state.filter;
  if (f === "running" && !v.running) return false;
  if ((f === "paused" || f === "disabled") && v.sched !== f) return false;
  if (RANK[f] !== undefined && v.status !== f) return false;
  if (!state.query) return true;
  const result = info.result || {};
  const text = [name, info.entry.description, result.message,
    ...(result.findings || []).flatMap((x) => [x.message, x.path, x.id, x.kind])].join("\n").toLowerCase();
  return state.query.split(/\s+/).every((word) => text.includes(word));
}

// ---------------------------------------------------------------- summary bar
function renderSummary() {
  const counts = Object.fromEntries(FILTERS.map((f) => [f, 0]));
  for (const info of state.checks.values()) {
    const v = view(info);
    counts.all += 1;
    counts[v.status] += 1;
    if (v.running) counts.running += 1;
    if (v.sched === "paused" || v.sched === "disabled") counts[v.sched] += 1;
  }
  for (const button of document.querySelectorAll("#summary [data-filter]")) {
    const f = button.dataset.filter;
    button.querySelector(".count").textContent = num(counts[f]);
    button.hidden = f !== "all" && f !== "error" && counts[f] === 0 && state.filter !== f;
    button.setAttribute("aria-pressed", state.filter === f ? "true" : "false");
  }
  const status = state.status;
  if (status) {
    const d = status.daemon;
    const daemon = document.getElementById("daemon-state");
    daemon.textContent = d.state || (d.is_running ? "running" : "stopped");
    daemon.dataset.state = d.is_running ? "ok" : "bad";
    document.getElementById("daemon-total").textContent = num(d.total_checks_run);
    document.getElementById("daemon-success").textContent =
      d.success_rate === null ? "–" : `${num(d.success_rate * 100)} %`;
    document.getElementById("daemon-memory").textContent =
      d.memory_mb === null ? "–" : `${num(d.memory_mb)} MB` + (d.memory_limit_mb ? ` / ${num(d.memory_limit_mb)}` : "");
    document.getElementById("project").textContent = d.project_root;
  }
  document.getElementById("last-refresh").textContent =
    state.updatedAt ? state.updatedAt.toLocaleTimeString() : "–";
  tick();
}

function tick() {
  if (state.status) {
    const d = state.status.daemon;
    const extra = d.is_running ? (Date.now() - state.statusAt) / 1000 : 0;
    document.getElementById("daemon-uptime").textContent = d.is_running ? uptime(d.uptime_seconds + extra) : "–";
  }
  for (const [name, info] of state.checks) {
    if (info.entry.running) renderBadge(cardFor(name), info);
  }
}

// ---------------------------------------------------------------- cards
function cardFor(name) {
  let card = document.querySelector(`.card[data-check="${CSS.escape(name)}"]`);
  if (card) return card;
  card = document.getElementById("card-template").content.firstElementChild.cloneNode(true);
  card.dataset.check = name;
  const title = card.querySelector(".card-name");
  title.textContent = name;
  title.id = `check-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  card.setAttribute("aria-labelledby", title.id);
  card.querySelector(".run").addEventListener("click", () => runNow(name));
  card.querySelector(".cancel").addEventListener("click", () => cancelRun(name));
  card.querySelector(".pause").addEventListener("click", () => {
    taskAction(name, state.checks.get(name).entry.paused ? "resume" : "pause");
  });
  card.querySelector(".enabled-input").addEventListener("change", (event) => {
    taskAction(name, event.target.checked ? "enable" : "disable");
  });
  card.querySelector(".interval-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveInterval(name, card.querySelector(".interval-input").value);
  });
  card.querySelector(".history").addEventListener("toggle", (event) => {
    if (event.target.open) loadHistory(name);
  });
  card.querySelector(".all-details").addEventListener("toggle", (event) => {
    if (event.target.open) loadFull(name);
  });
  document.getElementById("checks").append(card);
  return card;
}

function renderBadge(card, info) {
  const v = view(info);
  const badge = card.querySelector(".card-status");
  badge.dataset.state = v.running ? "running" : v.status;
  if (v.running) {
    const since = info.runStart ? (Date.now() - new Date(info.runStart).getTime()) / 1000 : null;
    const queued = info.entry.run && info.entry.run.state === "queued";
    badge.textContent = `${queued ? "queued" : "running"}${since !== null && since >= 0 ? ` ${duration(since)}` : "…"}`;
  } else {
    badge.textContent = v.status === "none" ? "no result yet" : v.status;
  }
}

/** What the run in progress is about: its trigger, the files whose change started it, a partial result. */
function runText(info) {
  const run = info.entry.run || {};
  const parts = [];
  if (run.trigger === "change" && run.changed_paths) {
    const shown = run.changed_paths.slice(0, 5);
    const more = (run.changed_count || run.changed_paths.length) - shown.length;
    parts.push(`changed: ${shown.join(", ")}${more > 0 ? ` (+${more} more)` : ""}`);
  } else if (run.trigger) {
    parts.push(`trigger: ${run.trigger}`);
  }
  if (info.partial) parts.push(`first answer: ${info.partial.message}`);
  return parts.join(" · ");
}

function renderRun(card, info, running) {
  const line = card.querySelector(".card-run");
  const text = running ? runText(info) : "";
  line.hidden = !text;
  line.textContent = text;
}

function schedText(entry, sched) {
  if (sched === "unloaded") return "Plugin failed to load: see the plugins list (autocode plugins).";
  const saved = entry.saved || {};
  const kept = sched === "paused" ? saved.paused === true : saved.enabled === false;
  const what = sched === "paused" ? "Paused: scheduled runs are skipped" : "Disabled: not scheduled";
  return kept ? `${what}. Saved in the state folder: stays ${sched} after a restart.` : `${what}.`;
}

function renderCard(name) {
  const info = state.checks.get(name);
  if (!info || !info.entry) return;
  const card = cardFor(name);
  const {entry, result} = info;
  const v = view(info);
  card.dataset.status = v.status;
  card.dataset.running = v.running ? "true" : "false";
  card.dataset.sched = v.sched;
  renderBadge(card, info);
  renderRun(card, info, v.running);
  const sched = card.querySelector(".card-state");
  sched.hidden = !v.sched;
  sched.textContent = v.sched ? schedText(entry, v.sched) : "";
  card.querySelector(".card-message").textContent = result ? result.message : entry.description || "Not run yet.";
  const meta = [`last run ${when(result && result.timestamp)}`];
  if (result) meta.push(`took ${duration(result.duration_seconds)}`);
  if (result && result.executed_on) meta.push(`on ${ranOn(result.executed_on)}`);
  if (entry.loaded && !v.sched) meta.push(`next ${entry.next_run ? when(entry.next_run) : "–"}`);
  card.querySelector(".card-meta").textContent = meta.join(" · ");
  renderFindings(card, result);
  renderDetails(card.querySelector(".card-details"), result ? result.summary : null);
  card.querySelector(".card-controls").hidden = !entry.loaded;
  card.querySelector(".run").disabled = v.running;
  card.querySelector(".cancel").hidden = !v.running;
  if (info.busy) return;  // a control change is on its way: do not undo what the user just did
  const pause = card.querySelector(".pause");
  pause.textContent = entry.paused ? "Resume" : "Pause";
  pause.setAttribute("aria-pressed", entry.paused ? "true" : "false");
  card.querySelector(".enabled-input").checked = Boolean(entry.enabled);
  const input = card.querySelector(".interval-input");
  if (document.activeElement !== input && entry.interval_minutes !== null) input.value = String(+entry.interval_minutes.toFixed(3));
}

/** Cards in triage order (errors first), the filter applied, the summary counted again. */
function arrange() {
  const names = [...state.checks.keys()].sort((a, b) => {
    const ra = view(state.checks.get(a)).rank, rb = view(state.checks.get(b)).rank;
    return ra - rb || a.localeCompare(b);
  });
  const box = document.getElementById("checks");
  const cards = names.map(cardFor);
  if (cards.some((card, i) => box.children[i] !== card)) {
    const focused = document.activeElement;
    box.append(...cards);
    if (focused instanceof HTMLElement && box.contains(focused)) focused.focus();
  }
  let shown = 0;
  for (const name of names) {
    const visible = matches(name, state.checks.get(name));
    cardFor(name).hidden = !visible;
    shown += visible ? 1 : 0;
  }
  document.getElementById("no-checks").hidden = names.length > 0;
  document.getElementById("no-match").hidden = !names.length || shown > 0;
  renderSummary();
}

function applyStatus(body) {
  state.status = body;
  state.statusAt = Date.now();
  state.updatedAt = new Date();
  const names = new Set();
  for (const entry of body.entries) {
    names.add(entry.name);
    const info = state.checks.get(entry.name) || {busy: 0};
    info.entry = entry;
    info.result = body.checks[entry.name] || null;
    info.runStart = entry.run ? entry.run.started_at || entry.run.requested_at : null;
    state.checks.set(entry.name, info);
    renderCard(entry.name);
  }
  for (const name of [...state.checks.keys()]) {
    if (!names.has(name)) {
      state.checks.delete(name);
      cardFor(name).remove();
    }
  }
  arrange();
}

async function refreshAll() {
  try {
    applyStatus((await api("/api/status")).body);
    showError("");
  } catch (error) {
    showError(`Could not load the status: ${error.message}`);
  }
}

async function loadHistory(name) {
  const card = cardFor(name);
  const box = card.querySelector(".history-body");
  try {
    const answer = await api(`/api/checks/${encodeURIComponent(name)}/history?limit=${HISTORY_RUNS}`);
    renderHistory(box, answer.body);
  } catch (error) {
    box.textContent = `Could not load the history: ${error.message}`;
  }
}

async function loadFull(name) {
  const box = cardFor(name).querySelector(".all-details-body");
  try {
    const answer = await api(`/api/checks/${encodeURIComponent(name)}`);
    renderDetails(box, answer.body.result ? answer.body.result.details : null);
    if (!box.childElementCount) box.textContent = "No details.";
  } catch (error) {
    box.textContent = `Could not load the details: ${error.message}`;
  }
}
