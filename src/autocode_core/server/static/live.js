// autocode dashboard, part 3: actions (run, cancel, pause, enable, interval), live updates, keys.
"use strict";

// ---------------------------------------------------------------- actions
function setRunning(name, running, start) {
  const info = state.checks.get(name);
  if (!info) return;
  info.entry = {...info.entry, running};
  info.runStart = running ? start || new Date().toISOString() : null;
  renderCard(name);
  arrange();
}

async function runNow(name) {
  setRunning(name, true);
  try {
    const started = await api(`/api/checks/${encodeURIComponent(name)}/run?wait=false`, {method: "POST"});
    showError("");
    if (state.live && state.source && state.source.readyState === EventSource.OPEN) return;  // the stream tells
    for (let delay = 200; ; delay = Math.min(delay * 1.5, 2000)) {  // no stream: ask until it ends
      const current = await api(started.body.url);
      if (current.body.state !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    await refreshAll();
  } catch (error) {
    setRunning(name, false);
    showError(`Run of ${name} failed: ${error.message}`);
  }
}

async function cancelRun(name) {
  const button = cardFor(name).querySelector(".cancel");
  button.disabled = true;
  try {
    await api(`/api/checks/${encodeURIComponent(name)}/cancel?reason=${encodeURIComponent("cancelled from the dashboard")}`,
      {method: "POST"});
    showError("");
  } catch (error) {
    showError(`Could not cancel ${name}: ${error.message}`);
    if (error.status === 409) setRunning(name, false);
  } finally {
    button.disabled = false;
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
  await refreshAll();
}

async function saveInterval(name, value) {
  try {
    await api("/api/config", {method: "PATCH", body: {daemon: {[name]: {interval_minutes: Number(value)}}}});
    await refreshAll();
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

function completed(data) {
  const info = state.checks.get(data.check_name);
  if (!info) return refreshAll();  // a check we do not know yet
  info.result = data.result;
  info.entry = {...info.entry, running: false, run: null, last_run: data.result && data.result.timestamp};
  info.runStart = null;
  info.partial = null;
  if (state.status) state.status.daemon.total_checks_run += 1;
  state.updatedAt = new Date();
  renderCard(data.check_name);
  arrange();
  const history = cardFor(data.check_name).querySelector(".history");
  if (history.open) loadHistory(data.check_name);
  const full = cardFor(data.check_name).querySelector(".all-details");
  if (full.open) loadFull(data.check_name);
  return null;
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
    if (info && info.entry) {  // what the card says about the run: its trigger and changed files
      const extra = data.data || {};
      info.entry = {...info.entry, run: {...(info.entry.run || {}), state: "running", trigger: data.trigger,
        changed_paths: extra.changed_paths || null, changed_count: extra.changed_count || null}};
      info.partial = null;
    }
    setRunning(data.check_name, true, data.timestamp);
  });
  source.addEventListener("check_progress", (event) => {  // a partial answer before the run ends
    const data = JSON.parse(event.data);
    const info = state.checks.get(data.check_name);
    if (!info || !data.result) return;
    info.partial = data.result;
    renderCard(data.check_name);
  });
  source.addEventListener("check_completed", (event) => completed(JSON.parse(event.data)));
  for (const type of ["config_changed", "task_changed"]) {
    source.addEventListener(type, () => refreshAll());
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
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const field = event.target instanceof HTMLElement && event.target.closest("input, textarea, select, dialog");
  if (event.key === "/" && !field) {
    event.preventDefault();
    document.getElementById("search").focus();
    return;
  }
  if (typing(event.target)) return;
  if (event.key === " ") {
    event.preventDefault();
    refreshAll();
  } else if (event.key === "r" || event.key === "R") {
    event.preventDefault();
    setLive(!state.live);
  }
});

for (const button of document.querySelectorAll("#summary [data-filter]")) {
  button.addEventListener("click", () => {
    state.filter = state.filter === button.dataset.filter ? "all" : button.dataset.filter;
    arrange();
  });
}
document.getElementById("search").addEventListener("input", (event) => {
  state.query = event.target.value.trim().toLowerCase();
  arrange();
});
document.getElementById("refresh").addEventListener("click", () => refreshAll());
document.getElementById("live-toggle").addEventListener("click", () => setLive(!state.live));
document.getElementById("token-cancel").addEventListener("click", () => document.getElementById("token-dialog").close("cancel"));
document.getElementById("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  document.getElementById("token-dialog").close("ok");
});
setInterval(tick, 1000);
setInterval(() => { for (const name of state.checks.keys()) renderCard(name); }, 30000);
refreshAll().then(() => setLive(true));
