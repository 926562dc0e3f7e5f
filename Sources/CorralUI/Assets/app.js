// The UI's shell: what the pages share (the master's state, the masters, the Keeper
// ensemble, a few minutes of resource history), the router (`#/agents/ID` deep links),
// and live updates: the operator API's event stream triggers a fresh read of the state,
// with a poll every few seconds behind it.

import { getJSON, subscribe, HTTPError } from "./api.js";
import * as overview from "./overview.js";
import * as agents from "./agents.js";
import * as frameworks from "./frameworks.js";
import * as tasks from "./tasks.js";
import * as keeper from "./keeper.js";
import * as apps from "./apps.js";

const pages = { overview, agents, frameworks, tasks, keeper, apps };
const POLL_MS = 5000;
const HISTORY_MAX = 120;

export const store = {
  state: null,        // /master/state
  masters: null,      // /corral/v1/masters
  ensemble: null,     // /corral/v1/keeper/ensemble
  history: [],        // [{at, resources: {cpus: {total, used, offered}, …}}]
  error: null,
};

let current = null;
let failures = 0;

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  return pages[parts[0]] ? { name: parts[0], params: parts.slice(1) } : { name: "overview", params: [] };
}

function mount() {
  const { name, params } = route();
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.route === name);
  const view = document.getElementById("view");
  view.replaceChildren();
  current = { name, page: pages[name].mount(view, store, params) };
  current.page.update(store);
}

function changed() {
  const banner = document.getElementById("banner");
  banner.hidden = !store.error;
  banner.textContent = store.error || "";
  if (current) current.page.update(store);
}

export async function refreshState() {
  try {
    store.state = await getJSON("/master/state");
    store.error = null;
    failures = 0;
    remember(store.state);
  } catch (error) {
    failures += 1;
    store.error = error instanceof HTTPError
      ? `This master answers ${error.message}`
      : `The master at ${location.host} does not answer (${error.message}).`;
    if (failures >= 2) await followLeader();
  }
  changed();
}

async function refreshKeeper() {
  const [masters, ensemble] = await Promise.allSettled([getJSON("/corral/v1/masters"), getJSON("/corral/v1/keeper/ensemble")]);
  store.masters = masters.status === "fulfilled" ? masters.value : null;
  store.ensemble = ensemble.status === "fulfilled" ? ensemble.value : null;
  changed();
}

/** The resources in use, offered and in all, kept for the overview's charts. */
function remember(state) {
  const now = Date.now();
  const last = store.history[store.history.length - 1];
  if (last && now - last.at < 2000) return;
  const resources = {};
  for (const name of ["cpus", "mem", "disk", "gpus"]) {
    const sum = (list, key) => list.reduce((total, item) => total + ((item[key] || {})[name] || 0), 0);
    resources[name] = {
      total: sum(state.slaves, "resources"),
      used: sum(state.frameworks, "used_resources"),
      offered: sum(state.frameworks, "offered_resources"),
    };
  }
  store.history.push({ at: now, resources });
  if (store.history.length > HISTORY_MAX) store.history.shift();
}

/** The master this page came from stopped answering: go to one that answers (it sends the
 *  browser on to the leader's UI), keeping the page the user was on. */
async function followLeader() {
  const others = ((store.masters && store.masters.masters) || []).map((m) => m.address).filter((a) => a !== location.host);
  for (const address of others) {
    try {
      await fetch(`http://${address}/health`, { mode: "no-cors", signal: AbortSignal.timeout(2000) });
      store.error = `Following the leader: going to ${address}…`;
      location.href = `http://${address}/${location.hash}`;
      return;
    } catch {
      // try the next one
    }
  }
}

let refreshQueued = false;
/** Reads the state again soon: events come in bursts, one read covers a burst. */
function refreshSoon() {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => { refreshQueued = false; refreshState(); }, 300);
}

async function listen() {
  const live = document.getElementById("live");
  for (;;) {
    try {
      live.textContent = "live";
      live.classList.add("on");
      await subscribe((event) => { if (event.type !== "HEARTBEAT") refreshSoon(); });
    } catch {
      // The stream failed; the poll goes on while it is down.
    }
    live.textContent = `polling every ${POLL_MS / 1000} s`;
    live.classList.remove("on");
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

window.addEventListener("hashchange", mount);
mount();
refreshState();
refreshKeeper();
setInterval(refreshState, POLL_MS);
setInterval(refreshKeeper, POLL_MS);
listen();
