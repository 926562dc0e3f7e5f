// The whole cluster at a glance: resources with their recent history, counts of agents,
// frameworks and tasks, the masters, the Keeper ensemble; red where something is wrong.

import { h, fill, amount, number } from "./dom.js";
import { sparkline, bar } from "./chart.js";
import { allTasks, keeperRows } from "./model.js";

export function mount(view) {
  const root = h("div");
  view.append(h("h1", {}, "Overview"), root);
  return { update: (store) => fill(root, store.state ? sections(store) : h("p", { class: "muted" }, "Reading the master's state…")) };
}

function sections(store) {
  return [
    h("h2", {}, "Resources"),
    h("div", { class: "cards" }, ["cpus", "mem", "disk", "gpus"].map((name) => resourceCard(name, store))),
    h("h2", {}, "Counts"),
    h("div", { class: "cards" }, countCards(store.state)),
    h("h2", {}, "Masters"),
    masters(store),
    h("h2", {}, "Keeper ensemble"),
    ensemble(store),
  ];
}

function resourceCard(name, store) {
  const latest = store.history[store.history.length - 1];
  const figures = latest ? latest.resources[name] : { total: 0, used: 0, offered: 0 };
  const idle = Math.max(0, figures.total - figures.used - figures.offered);
  return h("div", { class: "card", id: `resource-${name}` },
    h("div", { class: "label" }, name),
    h("div", { class: "big" }, `${amount(name, figures.used)} / ${amount(name, figures.total)}`),
    bar(figures.total ? figures.used / figures.total : 0),
    h("div", { class: "row" }, h("span", {}, "used"), h("span", {}, amount(name, figures.used))),
    h("div", { class: "row" }, h("span", {}, "offered"), h("span", {}, amount(name, figures.offered))),
    h("div", { class: "row" }, h("span", {}, "idle"), h("span", {}, amount(name, idle))),
    sparkline(store.history.map((sample) => sample.resources[name].used), { max: figures.total }),
    h("div", { class: "muted" }, `used over the last ${minutes(store.history)}`));
}

function minutes(history) {
  if (history.length < 2) return "moments";
  const seconds = (history[history.length - 1].at - history[0].at) / 1000;
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

function countCards(state) {
  const active = state.slaves.filter((agent) => agent.active).length;
  const draining = state.slaves.filter((agent) => agent.drain_info).length;
  const frameworksActive = state.frameworks.filter((f) => f.active).length;
  const byState = {};
  for (const task of allTasks(state)) byState[task.state] = (byState[task.state] || 0) + 1;
  const inactive = state.slaves.length - active;
  return [
    h("div", { class: inactive ? "card bad" : "card" },
      h("div", { class: "label" }, "Agents"),
      h("div", { class: "big", id: "count-agents" }, state.slaves.length),
      h("div", { class: "row" }, h("span", {}, "active"), h("span", { id: "count-agents-active" }, active)),
      h("div", { class: "row" }, h("span", {}, "inactive"), h("span", {}, inactive)),
      h("div", { class: "row" }, h("span", {}, "draining"), h("span", {}, draining))),
    h("div", { class: "card" },
      h("div", { class: "label" }, "Frameworks"),
      h("div", { class: "big", id: "count-frameworks" }, state.frameworks.length),
      h("div", { class: "row" }, h("span", {}, "active"), h("span", {}, frameworksActive)),
      h("div", { class: "row" }, h("span", {}, "inactive"), h("span", {}, state.frameworks.length - frameworksActive))),
    h("div", { class: "card" },
      h("div", { class: "label" }, "Tasks"),
      h("div", { class: "big", id: "count-tasks-running" }, byState.TASK_RUNNING || 0),
      h("div", { class: "muted" }, "running"),
      Object.keys(byState).sort().map((name) =>
        h("div", { class: "row" }, h("span", { class: `state-${name}` }, name.replace("TASK_", "").toLowerCase()),
          h("span", { id: `count-${name}` }, byState[name])))),
  ];
}

function masters(store) {
  const info = store.state.leader_info || {};
  const leader = `${info.hostname || "?"}:${info.port || "?"}`;
  const listed = (store.masters && store.masters.masters) || [];
  const standbys = listed.slice(1).map((m) => m.address);
  return h("div", { class: "cards" },
    h("div", { class: "card" }, h("div", { class: "label" }, "Leading"),
      h("div", { class: "big", id: "leading-master" }, leader),
      h("div", { class: "muted" }, store.state.elected_time ? `elected ${new Date(store.state.elected_time * 1000).toLocaleString()}` : "")),
    h("div", { class: standbys.length ? "card" : "card bad" }, h("div", { class: "label" }, "Standing by"),
      standbys.length ? standbys.map((address) => h("div", {}, address)) : h("div", {}, store.masters ? "none: no master would take over" : "unknown (no Keeper)")));
}

function ensemble(store) {
  if (!store.ensemble) return h("p", { class: "muted" }, "No Keeper ensemble (this master runs without --zk), or it did not answer.");
  const rows = keeperRows(store.ensemble);
  const leaders = rows.filter((row) => row.mode === "leader" || row.mode === "standalone").length;
  return h("div", {},
    leaders === 1 ? null : h("p", { class: "banner" }, "The ensemble has no leader: Keeper cannot serve writes."),
    h("table", { id: "keeper-ensemble" },
      h("thead", {}, h("tr", {}, ["server", "mode", "zxid", "lag", "connections", "latency avg/max ms", "outstanding", "znodes"].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.map((row) => h("tr", { class: row.problem ? "bad" : null, title: row.problem || "" },
        h("td", {}, row.server), h("td", {}, row.mode), h("td", {}, row.zxid), h("td", { class: "num" }, number(row.lag)),
        h("td", { class: "num" }, row.connections), h("td", { class: "num" }, row.latency),
        h("td", { class: "num" }, row.outstanding), h("td", { class: "num" }, row.znodes))))));
}
