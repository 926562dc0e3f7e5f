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
  let parts;
  try {
    parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    parts = []; // a malformed address: the overview
  }
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

let reading = false;
let readAgain = false;
let lastReadAt = 0;
const READ_GAP_MS = 1000;

/** Reads the state, one read at a time and at most one a second: a change heard while a
 *  read is under way is covered by one more read after it, never by reads side by side. */
export async function refreshState() {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = true;
  try {
    const wait = lastReadAt + READ_GAP_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastReadAt = Date.now();
    await readState();
  } finally {
    reading = false;
  }
  if (readAgain) {
    readAgain = false;
    refreshState();
  }
}

async function readState() {
  try {
    store.state = await getJSON("/master/state", 30000);
    store.error = null;
    failures = 0;
    remember(store.state);
  } catch (error) {
    failures += 1;
    store.error = error instanceof HTTPError
      ? `This master answers ${error.message}`
      : `The master at ${location.host} does not answer (${error.message}).`;
    if (failures >= 2) await followLeader();
    else setTimeout(refreshState, 1000); // a second look soon, not at the next poll
  }
  changed();
}

async function refreshKeeper() {
  const [masters, ensemble] = await Promise.allSettled([getJSON("/corral/v1/masters"), getJSON("/corral/v1/keeper/ensemble")]);
  // The masters last heard of are kept: when this master dies, they are where to go next.
  if (masters.status === "fulfilled") store.masters = masters.value;
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
      await fetch(`${location.protocol}//${address}/health`, { mode: "no-cors", signal: AbortSignal.timeout(2000) });
      store.error = `Following the leader: going to ${address}…`;
      location.replace(`${location.protocol}//${address}/${location.hash}`);
      return;
    } catch {
      // try the next one
    }
  }
}

/** Follows the operator event stream; each event (but heartbeats) asks for a fresh read
 *  of the state. Reconnects with back-off, 2 s doubling to 30 s, while it fails. */
async function listen() {
  const live = document.getElementById("live");
  let backoff = 2000;
  for (;;) {
    try {
      await subscribe((event) => {
        backoff = 2000;
        live.textContent = "live";
        live.classList.add("on");
        if (event.type !== "HEARTBEAT") refreshState();
      });
    } catch {
      // The stream failed or fell silent; the poll goes on while it is down.
    }
    refreshState(); // the stream's end may be the master's: find out now
    live.textContent = `polling every ${POLL_MS / 1000} s`;
    live.classList.remove("on");
    await new Promise((resolve) => setTimeout(resolve, backoff));
    backoff = Math.min(backoff * 2, 30000);
  }
}

window.addEventListener("hashchange", mount);
mount();
refreshState();
refreshKeeper();
setInterval(refreshState, POLL_MS);
setInterval(refreshKeeper, POLL_MS);
listen();
