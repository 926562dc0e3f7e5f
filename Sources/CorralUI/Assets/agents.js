// Agents: a table of every agent (filter, sort, pages), and one agent's resources,
// attributes, drain state and running tasks (`#/agents/ID`).

import { h, fill, amount, time, pairs, link } from "./dom.js";
import { Table } from "./table.js";
import { allTasks } from "./model.js";
import { taskTable } from "./tasks.js";

export function mount(view, store, params) {
  return params[0] ? detail(view, params[0]) : list(view);
}

function usedOf(agent, name) {
  return `${amount(name, (agent.used_resources || {})[name] || 0)} / ${amount(name, (agent.resources || {})[name] || 0)}`;
}

function drainState(agent) {
  if (agent.drain_info) return (agent.drain_info.state || "DRAINING").toLowerCase();
  return agent.deactivated ? "deactivated" : "";
}

function list(view) {
  const table = new Table({
    filterPlaceholder: "Filter by id, host, attribute…",
    rowClass: (agent) => (agent.active ? null : "bad"),
    columns: [
      { title: "ID", value: (a) => a.id, cell: (a) => link(a.id, `#/agents/${encodeURIComponent(a.id)}`) },
      { title: "Host", value: (a) => a.hostname },
      { title: "CPUs", num: true, value: (a) => (a.used_resources || {}).cpus || 0, cell: (a) => usedOf(a, "cpus") },
      { title: "Memory", num: true, value: (a) => (a.used_resources || {}).mem || 0, cell: (a) => usedOf(a, "mem") },
      { title: "Disk", num: true, value: (a) => (a.used_resources || {}).disk || 0, cell: (a) => usedOf(a, "disk") },
      { title: "Active", value: (a) => (a.active ? "yes" : "no") },
      { title: "Drain", value: drainState },
      { title: "Attributes", value: (a) => Object.entries(a.attributes || {}).map(([k, v]) => `${k}:${v}`).join(" ") },
    ],
  });
  view.append(h("h1", {}, "Agents"), table.element);
  let shown = null;
  return {
    update(store) {
      if (!store.state || store.state === shown) return; // a new read, not the Keeper poll
      shown = store.state;
      table.setRows(store.state.slaves);
    },
  };
}

function detail(view, id) {
  const root = h("div");
  view.append(h("h1", {}, "Agent ", h("span", { class: "muted" }, id)), root);
  const tasks = taskTable();
  return {
    update(store) {
      if (!store.state) return;
      const agent = store.state.slaves.find((a) => a.id === id);
      if (!agent) return fill(root, h("p", {}, "No such agent at this master (it may have been removed). ", link("All agents", "#/agents")));
      fill(root,
        pairs([
          ["Host", `${agent.hostname}:${agent.port}`],
          ["Active", agent.active ? "yes" : "no (disconnected)"],
          ["Drain", drainState(agent) || "not draining"],
          ["Registered", time(agent.registered_time)],
          ["Attributes", Object.entries(agent.attributes || {}).map(([k, v]) => `${k}:${v}`).join(", ") || "none"],
        ]),
        h("h2", {}, "Resources"),
        h("table", {},
          h("thead", {}, h("tr", {}, ["resource", "total", "used", "offered"].map((t) => h("th", {}, t)))),
          h("tbody", {}, ["cpus", "mem", "disk", "gpus"].map((name) => h("tr", {},
            h("td", {}, name), ["resources", "used_resources", "offered_resources"].map((key) =>
              h("td", { class: "num" }, amount(name, (agent[key] || {})[name] || 0))))))),
        h("h2", {}, "Tasks"),
        tasks.element);
      tasks.setRows(allTasks(store.state).filter((task) => task.slave_id === id && !isEnded(task)));
    },
  };
}

function isEnded(task) {
  return ["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR"].includes(task.state);
}
