// Frameworks and roles: each framework's tasks, offers and dominant share; the roles with
// their weights and what they hold, and the allocation policy in use.

import { h, fill, amount, number, time, pairs, link } from "./dom.js";
import { Table } from "./table.js";
import { getJSON } from "./api.js";
import { allTasks, dominantShare } from "./model.js";
import { taskTable } from "./tasks.js";

export function mount(view, store, params) {
  return params[0] ? detail(view, params[0]) : list(view);
}

function running(framework) {
  return framework.tasks.filter((t) => t.state === "TASK_RUNNING").length;
}

function list(view) {
  let state = null;
  const table = new Table({
    filterPlaceholder: "Filter by id, name, role…",
    rowClass: (f) => (f.active ? null : "bad"),
    columns: [
      { title: "ID", value: (f) => f.id, cell: (f) => link(f.id, `#/frameworks/${encodeURIComponent(f.id)}`) },
      { title: "Name", value: (f) => f.name },
      { title: "Roles", value: (f) => (f.roles || [f.role]).join(", ") },
      { title: "Active", value: (f) => (f.active ? "yes" : "no") },
      { title: "Running tasks", num: true, value: running },
      { title: "Offers", num: true, value: (f) => (f.offers || []).length },
      { title: "CPUs", num: true, value: (f) => (f.used_resources || {}).cpus || 0, cell: (f) => amount("cpus", (f.used_resources || {}).cpus || 0) },
      { title: "Memory", num: true, value: (f) => (f.used_resources || {}).mem || 0, cell: (f) => amount("mem", (f.used_resources || {}).mem || 0) },
      { title: "Dominant share", num: true, value: (f) => dominantShare(state, f.used_resources), cell: (f) => `${number(dominantShare(state, f.used_resources) * 100)} %` },
    ],
  });
  const roles = h("div");
  const policy = h("span", { id: "allocation-policy" });
  view.append(h("h1", {}, "Frameworks"), table.element, h("h2", {}, "Roles ", h("span", { class: "muted" }, "allocation policy: ", policy)), roles);
  let rolesReadAt = 0;
  return {
    update(store) {
      if (!store.state || store.state === state) return; // a new read, not the Keeper poll
      state = store.state;
      table.setRows(state.frameworks);
      policy.textContent = (state.flags || {}).allocator || "drf";
      if (Date.now() - rolesReadAt < 4000) return;
      rolesReadAt = Date.now();
      getJSON("/master/roles").then((answer) => fill(roles, roleTable(answer.roles, state))).catch(() => {});
    },
  };
}

function roleTable(roles, state) {
  return h("table", { id: "roles" },
    h("thead", {}, h("tr", {}, ["role", "weight", "frameworks", "cpus", "mem", "dominant share"].map((t) => h("th", {}, t)))),
    h("tbody", {}, roles.map((role) => h("tr", {},
      h("td", {}, role.name), h("td", { class: "num" }, number(role.weight)),
      h("td", { class: "num" }, role.frameworks.length),
      h("td", { class: "num" }, amount("cpus", (role.resources || {}).cpus || 0)),
      h("td", { class: "num" }, amount("mem", (role.resources || {}).mem || 0)),
      h("td", { class: "num" }, `${number(dominantShare(state, role.resources) * 100)} %`)))));
}

function detail(view, id) {
  const root = h("div");
  view.append(h("h1", {}, "Framework ", h("span", { class: "muted" }, id)), root);
  const tasks = taskTable();
  return {
    update(store) {
      if (!store.state) return;
      const framework = store.state.frameworks.find((f) => f.id === id);
      if (!framework) return fill(root, h("p", {}, "No such framework at this master. ", link("All frameworks", "#/frameworks")));
      fill(root,
        pairs([
          ["Name", framework.name], ["User", framework.user], ["Roles", (framework.roles || []).join(", ")],
          ["Active", framework.active ? "yes" : "no"], ["Connected", framework.connected ? "yes" : "no"],
          ["Registered", time(framework.registered_time)],
          ["Dominant share", `${number(dominantShare(store.state, framework.used_resources) * 100)} %`],
          ["Capabilities", (framework.capabilities || []).join(", ") || "none"],
        ]),
        h("h2", {}, "Offers"),
        h("table", {},
          h("thead", {}, h("tr", {}, ["offer", "agent", "cpus", "mem"].map((t) => h("th", {}, t)))),
          h("tbody", {}, (framework.offers || []).map((offer) => h("tr", {},
            h("td", {}, offer.id), h("td", {}, link(offer.slave_id, `#/agents/${encodeURIComponent(offer.slave_id)}`)),
            h("td", { class: "num" }, amount("cpus", (offer.resources || {}).cpus || 0)),
            h("td", { class: "num" }, amount("mem", (offer.resources || {}).mem || 0)))))),
        h("h2", {}, "Tasks"),
        tasks.element);
      tasks.setRows(allTasks(store.state).filter((task) => task.framework_id === id));
    },
  };
}
