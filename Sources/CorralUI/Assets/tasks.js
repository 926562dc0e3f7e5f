// Tasks: every task (running, unreachable, recently ended), and one task's states, agent,
// resources and sandbox (`#/tasks/FRAMEWORK/TASK`): its files, each file viewed as it
// grows (a tail that follows), or downloaded. The sandbox is read from the agent's own
// `/state` and `/files` endpoints, with the credentials typed for that agent when it asks.

import { h, fill, amount, time, pairs, link, bytesText } from "./dom.js";
import { Table } from "./table.js";
import { getJSON, agentURL, HTTPError } from "./api.js";
import { allTasks } from "./model.js";
import { signInForm } from "./signin.js";

export function mount(view, store, params) {
  return params.length >= 2 ? detail(view, params[0], params[1]) : list(view);
}

function taskHash(task) {
  return `#/tasks/${encodeURIComponent(task.framework_id)}/${encodeURIComponent(task.id)}`;
}

function startedAt(task) {
  const running = (task.statuses || []).find((s) => s.state === "TASK_RUNNING");
  return running ? running.timestamp : 0;
}

/** A table of tasks, shared by the agent and framework pages. */
export function taskTable() {
  return new Table({
    filterPlaceholder: "Filter by id, name, state, agent…",
    rowClass: (t) => (["TASK_FAILED", "TASK_ERROR", "TASK_LOST"].includes(t.state) ? "bad" : null),
    columns: [
      { title: "ID", value: (t) => t.id, cell: (t) => link(t.id, taskHash(t)) },
      { title: "Name", value: (t) => t.name },
      { title: "State", value: (t) => t.state, cell: (t) => h("span", { class: `state-${t.state}` }, t.state) },
      { title: "Framework", value: (t) => t.framework_id, cell: (t) => link(t.framework_id, `#/frameworks/${encodeURIComponent(t.framework_id)}`) },
      { title: "Agent", value: (t) => t.slave_id, cell: (t) => link(t.slave_id, `#/agents/${encodeURIComponent(t.slave_id)}`) },
      { title: "CPUs", num: true, value: (t) => (t.resources || {}).cpus || 0 },
      { title: "Memory", num: true, value: (t) => (t.resources || {}).mem || 0, cell: (t) => amount("mem", (t.resources || {}).mem || 0) },
      { title: "Started", value: startedAt, cell: (t) => time(startedAt(t)) },
    ],
  });
}

function list(view) {
  const table = taskTable();
  table.element.id = "tasks-table";
  view.append(h("h1", {}, "Tasks"), table.element);
  let shown = null;
  return {
    update(store) {
      if (!store.state || store.state === shown) return; // a new read, not the Keeper poll
      shown = store.state;
      table.setRows(allTasks(store.state));
    },
  };
}

function detail(view, frameworkID, taskID) {
  const root = h("div");
  const sandbox = new Sandbox();
  view.append(h("h1", {}, "Task ", h("span", { class: "muted" }, taskID)), root, h("h2", {}, "Sandbox"), sandbox.element);
  return {
    update(store) {
      if (!store.state) return;
      const task = allTasks(store.state).find((t) => t.id === taskID && t.framework_id === frameworkID);
      if (!task) return fill(root, h("p", {}, "No such task at this master (it may have ended long ago). ", link("All tasks", "#/tasks")));
      const agent = store.state.slaves.find((a) => a.id === task.slave_id);
      fill(root,
        pairs([
          ["State", h("span", { class: `state-${task.state}`, id: "task-state" }, task.state)],
          ["Name", task.name],
          ["Framework", link(task.framework_id, `#/frameworks/${encodeURIComponent(task.framework_id)}`)],
          ["Agent", agent ? link(`${agent.hostname}:${agent.port}`, `#/agents/${encodeURIComponent(agent.id)}`) : task.slave_id],
          ["Resources", Object.entries(task.resources || {}).filter(([, v]) => typeof v === "number").map(([k, v]) => `${k}: ${amount(k, v)}`).join(", ")],
        ]),
        h("h2", {}, "State history"),
        h("table", {}, h("tbody", {}, (task.statuses || []).map((s) =>
          h("tr", {}, h("td", { class: `state-${s.state}` }, s.state), h("td", {}, time(s.timestamp)))))));
      if (agent) sandbox.show(agent, task);
    },
  };
}

/** A task's sandbox on its agent: the file list, and one file followed as it grows. */
class Sandbox {
  constructor() {
    this.files = h("div", {}, h("p", { class: "muted" }, "Looking for the sandbox…"));
    this.viewer = h("div");
    this.element = h("div", { id: "sandbox" }, this.files, this.viewer);
    this.directory = null;
    this.following = null;
  }

  async show(agent, task) {
    if (this.directory || this.looking || this.notFound || this.signingIn) return;
    this.looking = true;
    this.base = agentURL(agent);
    try {
      this.directory = await this.find(task);
      if (!this.directory) {
        this.notFound = true; // asked once: an agent lists only the executors it runs
        return fill(this.files, h("p", { class: "muted" }, "The agent lists no sandbox for this task: it keeps only those of the executors it runs."));
      }
      await this.list();
      this.follow("stdout");
    } catch (error) {
      this.directory = null;
      if (error instanceof HTTPError && error.status === 401) {
        this.signingIn = true;
        fill(this.files, signInForm(error, () => {
          this.signingIn = false;
          fill(this.files, h("p", { class: "muted" }, "Looking for the sandbox…"));
          this.show(agent, task);
        }));
      } else if (error instanceof HTTPError && error.status === 403) {
        this.notFound = true; // the agent's --acls: asking again changes nothing
        fill(this.files, h("p", { class: "muted", id: "sandbox-refused" }, `The agent at ${this.base} refused: ${error.text}`));
      } else {
        fill(this.files, h("p", { class: "muted" }, `The agent at ${this.base} did not answer: ${error.message}`));
      }
    } finally {
      this.looking = false;
    }
  }

  async find(task) {
    const state = await getJSON(`${this.base}/state`);
    for (const framework of [...state.frameworks, ...(state.completed_frameworks || [])]) {
      if (framework.id !== task.framework_id) continue;
      for (const executor of [...framework.executors, ...(framework.completed_executors || [])]) {
        const tasks = [...(executor.tasks || []), ...(executor.completed_tasks || [])];
        if (executor.id === task.executor_id || executor.id === task.id || tasks.some((t) => t.id === task.id)) return executor.directory;
      }
    }
    return null;
  }

  async list() {
    const entries = await getJSON(`${this.base}/files/browse?path=${encodeURIComponent(this.directory)}`);
    fill(this.files, h("table", { id: "sandbox-files" },
      h("thead", {}, h("tr", {}, ["file", "size", "mode", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, entries.map((entry) => {
        const name = entry.path.split("/").pop();
        const isFile = !entry.mode.startsWith("d");
        return h("tr", {},
          h("td", {}, isFile ? h("a", { href: "javascript:void 0", onclick: () => this.follow(name) }, name) : name + "/"),
          h("td", { class: "num" }, bytesText(entry.size)), h("td", {}, entry.mode),
          h("td", {}, isFile ? h("a", { href: `${this.base}/files/download?path=${encodeURIComponent(entry.path)}` }, "download") : ""));
      }))));
  }

  /** Shows `name` from its last 64 KiB and appends what is written to it: one read a
   *  second, each after the last one ended. The view keeps the last 256 KiB; a file that
   *  shrank (truncated, rotated) is shown again from its new end. */
  follow(name) {
    const following = Symbol(name);
    this.following = following;
    const path = `${this.directory}/${name}`;
    const output = h("pre", { id: `sandbox-${name}` });
    fill(this.viewer, h("h2", {}, name, " ", h("span", { class: "muted" }, "(following)")), output);
    let offset = null;
    const read = async () => {
      const size = (await getJSON(`${this.base}/files/read?path=${encodeURIComponent(path)}&offset=-1`)).offset;
      if (offset === null || size < offset) {
        if (offset !== null) output.append(`\n[${name} shrank to ${size} bytes]\n`);
        offset = Math.max(0, size - 65536);
      }
      if (size <= offset) return;
      const length = Math.min(size - offset, 65536);
      const chunk = await getJSON(`${this.base}/files/read?path=${encodeURIComponent(path)}&offset=${offset}&length=${length}`);
      offset += length;
      const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
      output.append(chunk.data);
      if (output.textContent.length > 262144) output.textContent = output.textContent.slice(-262144);
      if (atBottom) output.scrollTop = output.scrollHeight;
    };
    const poll = async () => {
      if (this.following !== following || !document.body.contains(output)) return;
      try {
        await read();
      } catch {
        // The agent may be restarting; the next read tries again.
      }
      setTimeout(poll, 1000);
    };
    poll();
  }
}
