// Apps (when an Apps service is registered with the master): its apps with instance and
// health counts; an app's tasks, versions and deployments in progress with their steps;
// scale, restart and delete, each confirmed first. Everything goes through Apps' own
// Marathon REST API at the URL it registered (`webui_url`), with the credentials typed for
// it when it asks.

import { h, fill, link, pairs } from "./dom.js";
import { Table } from "./table.js";
import { getJSON, HTTPError, withCredentials } from "./api.js";
import { signInForm } from "./signin.js";

const POLL_MS = 3000;

/** Apps' base URL: the `webui_url` of the active Apps framework, if any. */
export function appsURL(state) {
  const framework = state && state.frameworks.find((f) => f.active && f.name === "corral-apps" && f.webui_url);
  return framework ? framework.webui_url.replace(/\/$/, "") : null;
}

export function mount(view, store, params) {
  const id = params.length ? "/" + params.join("/") : null;
  const root = h("div");
  const gate = h("div");
  view.append(h("h1", {}, id ? ["App ", h("span", { class: "muted" }, id)] : "Apps"), gate, root);
  const page = id ? detail(root, id) : list(root);
  let base = null;
  let timer = null;
  let signingIn = false;
  // A 401 holds the polls until credentials are typed (Apps' --http-credentials, --http-users).
  const poll = () => signingIn ? null : page.read(base).then(() => fill(gate)).catch((error) => {
    if (!(error instanceof HTTPError && error.status === 401)) return page.failed(error);
    signingIn = true;
    fill(gate, signInForm(error, () => {
      signingIn = false;
      fill(gate);
      poll();
    }));
  });
  return {
    update(store) {
      const found = appsURL(store.state);
      if (!store.state) return;
      if (!found) {
        base = null;
        clearInterval(timer);
        timer = null;
        return fill(root, h("p", { class: "muted", id: "apps-none" }, "No Apps service is registered with this master (start one with `corral apps`)."));
      }
      if (found === base) return;
      base = found;
      clearInterval(timer);
      poll();
      timer = setInterval(() => (document.body.contains(root) ? poll() : clearInterval(timer)), POLL_MS);
    },
  };
}

function list(root) {
  const table = new Table({
    filterPlaceholder: "Filter by id, command, label…",
    rowClass: (app) => (app.tasksUnhealthy > 0 || app.tasksRunning < app.instances ? "bad" : null),
    columns: [
      { title: "ID", value: (a) => a.id, cell: (a) => link(a.id, `#/apps${a.id.split("/").map(encodeURIComponent).join("/")}`) },
      { title: "Instances", num: true, value: (a) => a.instances },
      { title: "Running", num: true, value: (a) => a.tasksRunning },
      { title: "Healthy", num: true, value: (a) => a.tasksHealthy },
      { title: "Unhealthy", num: true, value: (a) => a.tasksUnhealthy },
      { title: "Staged", num: true, value: (a) => a.tasksStaged },
      { title: "Deployments", num: true, value: (a) => (a.deployments || []).length },
      { title: "Command", value: (a) => a.cmd || "" },
    ],
  });
  table.element.id = "apps-table";
  const source = h("p", { class: "muted" });
  fill(root, source, table.element);
  return {
    async read(base) {
      const answer = await getJSON(`${base}/v2/apps?embed=apps.counts&embed=apps.deployments`);
      source.textContent = `from Apps at ${base}`;
      table.setRows(answer.apps);
    },
    failed(error) { source.textContent = `Apps did not answer: ${error.message}`; },
  };
}

function detail(root, id) {
  const summary = h("div");
  const actions = h("div", { class: "tools" });
  const deployments = h("div");
  const tasks = new Table({
    columns: [
      { title: "Task", value: (t) => t.id },
      { title: "State", value: (t) => t.state, cell: (t) => h("span", { class: `state-${t.state}` }, t.state) },
      { title: "Host", value: (t) => `${t.host}:${(t.ports || []).join(",")}` },
      { title: "Healthy", value: (t) => health(t) },
      { title: "Version", value: (t) => t.version },
      { title: "Started", value: (t) => t.startedAt || "" },
    ],
  });
  tasks.element.id = "app-tasks";
  const versions = h("div");
  const note = h("p", { class: "muted", id: "app-note" });
  fill(root, summary, actions, note, h("h2", {}, "Deployments"), deployments, h("h2", {}, "Tasks"), tasks.element, h("h2", {}, "Versions"), versions);
  let shownActions = false;
  const appPath = `/v2/apps${id}`;
  return {
    async read(base) {
      let app;
      try {
        app = (await getJSON(`${base}${appPath}?embed=app.counts&embed=app.deployments`)).app;
      } catch (error) {
        if (error instanceof HTTPError && error.status === 404) return fill(summary, h("p", {}, `No app ${id}. `, link("All apps", "#/apps")));
        throw error;
      }
      fill(summary, pairs([
        ["Instances", h("span", { id: "app-instances" }, app.instances)],
        ["Running / healthy / unhealthy / staged", h("span", { id: "app-counts" }, `${app.tasksRunning} / ${app.tasksHealthy} / ${app.tasksUnhealthy} / ${app.tasksStaged}`)],
        ["Command", app.cmd || "–"], ["Resources", `cpus ${app.cpus}, mem ${app.mem} MB, disk ${app.disk} MB`],
        ["Role", app.role || "–"], ["Version", app.version], ["Apps", base],
      ]));
      if (!shownActions) {
        shownActions = true;
        fill(actions, ...controls(base, app, appPath, note));
      }
      const [taskList, versionList, running] = await Promise.all([
        getJSON(`${base}${appPath}/tasks`), getJSON(`${base}${appPath}/versions`), getJSON(`${base}/v2/deployments`)]);
      tasks.setRows(taskList.tasks);
      fill(versions, h("ul", {}, versionList.versions.slice(0, 20).map((v) => h("li", {}, v))));
      const mine = running.filter((d) => d.affectedApps.includes(id));
      fill(deployments, mine.length === 0 ? h("p", { class: "muted" }, "None running.") : mine.map(deploymentView));
    },
    failed(error) { note.textContent = `Apps did not answer: ${error.message}`; },
  };
}

function health(task) {
  const results = task.healthCheckResults || [];
  if (results.length === 0) return "–";
  return results.every((r) => r.alive) ? "yes" : "no";
}

function deploymentView(deployment) {
  return h("div", { class: "card deployment" },
    h("div", {}, h("b", {}, deployment.id), ` step ${deployment.currentStep} of ${deployment.totalSteps}`),
    h("ol", {}, deployment.steps.map((step) => h("li", {}, step.actions.map((a) => `${a.action} ${a.app}`).join(", ")))));
}

/** Scale, restart and delete, each asked for confirmation before it is sent. */
function controls(base, app, appPath, note) {
  const count = h("input", { type: "number", min: "0", value: String(app.instances), id: "scale-instances", style: "width:90px" });
  const send = async (what, method, path, body) => {
    if (!window.confirm(what + "?")) return;
    note.textContent = `${what}…`;
    let response;
    try {
      response = await fetch(`${base}${path}`, {
        method, headers: withCredentials(base, { "Content-Type": "application/json", Accept: "application/json" }),
        body: body && JSON.stringify(body),
      });
    } catch (error) {
      note.textContent = `${what}: Apps at ${base} did not answer (${error.message}).`;
      return false;
    }
    const answer = await response.text();
    note.textContent = response.ok ? `${what}: accepted (${answer.includes("deploymentId") ? JSON.parse(answer).deploymentId : response.status}).` : `${what}: refused, ${response.status} ${answer}`;
    return response.ok;
  };
  return [
    h("label", {}, "Instances ", count),
    h("button", { id: "scale", onclick: () => send(`Scale ${app.id} to ${count.value} instances`, "PUT", appPath, { instances: Number(count.value) }) }, "Scale"),
    h("button", { id: "restart", onclick: () => send(`Restart every task of ${app.id}`, "POST", `${appPath}/restart`) }, "Restart"),
    h("button", { id: "delete", class: "danger", onclick: async () => {
      if (await send(`Delete ${app.id} and kill its tasks`, "DELETE", appPath)) location.hash = "#/apps";
    } }, "Delete"),
  ];
}
