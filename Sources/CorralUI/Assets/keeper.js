// Keeper: a znode browser (children, data as text, JSON or hex, stat, ACL) through the
// master's Keeper views, with data set, children created and znodes deleted when the
// master says this operator may write (`writable`); and each server's sessions and watches.

import { h, fill, pairs, link } from "./dom.js";
import { getJSON } from "./api.js";
import { keeperRows } from "./model.js";

export function mount(view, store, params) {
  const path = "/" + params.join("/");
  const crumbs = h("div", { class: "muted" });
  const children = h("div", { class: "tree", id: "znode-children" });
  const node = h("div", { id: "znode" }, h("p", { class: "muted" }, "Reading…"));
  const summary = h("div");
  view.append(h("h1", {}, "Keeper"), crumbs, h("div", { class: "split" }, children, node), h("h2", {}, "Sessions and watches"), summary);
  fill(crumbs, breadcrumbs(path));
  let mode = "text";
  let current = null;
  const showData = () => current && fill(dataView, tabs(), dataText(current.bytes, mode));
  const dataView = h("div");
  const tabs = () => h("div", { class: "tabs" }, ["text", "json", "hex"].map((name) =>
    h("button", { class: mode === name ? "on" : null, onclick: () => { mode = name; showData(); } }, name)));

  const load = () => getJSON(`/corral/v1/keeper/znode?path=${encodeURIComponent(path)}`).then((answer) => {
    current = { ...answer, bytes: decode(answer.data) };
    fill(children,
      path === "/" ? null : link("..", hashOf(parent(path))),
      answer.children.map((name) => link(name, hashOf(path === "/" ? `/${name}` : `${path}/${name}`))),
      answer.children_total > answer.children.length ? h("div", { class: "muted" }, `and ${answer.children_total - answer.children.length} more`) : null);
    fill(node,
      h("h2", {}, path, " ", h("span", { class: "muted" }, `${current.bytes.length} bytes`)),
      dataView,
      answer.writable ? editor(path, answer, current.bytes, load) : null,
      h("h2", {}, "Stat"),
      pairs(Object.entries(answer.stat).map(([k, v]) => [k, k.endsWith("time") && v ? `${v} (${new Date(v).toLocaleString()})` : String(v)])),
      h("h2", {}, "ACL"),
      h("table", {}, h("tbody", {}, answer.acl.map((entry) => h("tr", {}, h("td", {}, entry.scheme), h("td", {}, entry.id), h("td", {}, entry.perms))))));
    mode = looksLikeJSON(current.bytes) ? "json" : "text";
    showData();
  }).catch((error) => fill(node, h("p", {}, `Keeper did not show ${path}: ${error.message}`)));
  load();

  return {
    update(store) {
      if (!store.ensemble) return fill(summary, h("p", { class: "muted" }, "No Keeper ensemble (this master runs without --zk)."));
      fill(summary, h("table", {},
        h("thead", {}, h("tr", {}, ["server", "mode", "sessions", "watches", "connections", "znodes"].map((t) => h("th", {}, t)))),
        h("tbody", {}, keeperRows(store.ensemble).map((row) => h("tr", { class: row.problem ? "bad" : null },
          h("td", {}, row.server), h("td", {}, row.mode), h("td", { class: "num" }, row.sessions ?? "–"),
          h("td", { class: "num" }, row.watches ?? "–"), h("td", { class: "num" }, row.connections ?? "–"),
          h("td", { class: "num" }, row.znodes ?? "–"))))));
    },
  };
}

function hashOf(path) {
  return "#/keeper" + path.split("/").map(encodeURIComponent).join("/");
}

function parent(path) {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function breadcrumbs(path) {
  const parts = path.split("/").filter(Boolean);
  const links = [link("/", hashOf(""))];
  parts.forEach((part, index) => links.push(" / ", link(part, hashOf("/" + parts.slice(0, index + 1).join("/")))));
  return links;
}

function decode(base64) {
  const text = atob(base64 || "");
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function looksLikeJSON(bytes) {
  try { JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)); return bytes.length > 0; } catch { return false; }
}

function dataText(bytes, mode) {
  if (bytes.length === 0) return h("p", { class: "muted" }, "No data.");
  if (mode === "hex") {
    const lines = [];
    for (let i = 0; i < bytes.length; i += 16) {
      const row = bytes.subarray(i, i + 16);
      const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
      const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
      lines.push(`${i.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${ascii}`);
    }
    return h("pre", { id: "znode-data" }, lines.join("\n"));
  }
  const text = new TextDecoder().decode(bytes);
  if (mode === "json") {
    try { return h("pre", { id: "znode-data" }, JSON.stringify(JSON.parse(text), null, 2)); } catch { /* shown as text */ }
  }
  return h("pre", { id: "znode-data" }, text);
}

/** The operator's changes: the data (at the version read), a child, the znode itself. */
function editor(path, answer, bytes, reload) {
  const status = h("p", { id: "znode-write-status", class: "muted" });
  const text = h("textarea", { id: "znode-edit", rows: 6, cols: 60 });
  text.value = new TextDecoder().decode(bytes);
  const childName = h("input", { id: "znode-child-name", placeholder: "child name" });
  const target = (where, version) =>
    `/corral/v1/keeper/znode?path=${encodeURIComponent(where)}` + (version === undefined ? "" : `&version=${version}`);
  const send = async (method, url, body, done) => {
    try {
      // The content type a cross-site form cannot send: the master takes writes only with it.
      const headers = { "Content-Type": "application/octet-stream" };
      const response = await fetch(url, { method, body, headers, signal: AbortSignal.timeout(10000) });
      if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
      fill(status, `${method} ${decodeURIComponent(url.split("path=")[1].split("&")[0])}: done`);
      done();
    } catch (error) {
      fill(status, `Not done: ${error.message}`);
    }
  };
  return h("div", { class: "editor" },
    h("h2", {}, "Change"),
    text,
    h("div", {},
      h("button", { id: "znode-save", onclick: () => send("PUT", target(path, answer.stat.version), text.value, reload) }, "Save data"),
      " ", childName,
      h("button", { id: "znode-create", onclick: () => {
        const name = childName.value.trim();
        if (!name || name.includes("/")) return fill(status, "A child's name is one path component.");
        send("POST", target(path === "/" ? `/${name}` : `${path}/${name}`), "", reload);
      } }, "Create child"),
      " ",
      h("button", { id: "znode-delete", disabled: answer.stat.numChildren > 0 ? true : null, onclick: () => {
        if (!window.confirm(`Delete ${path}?`)) return;
        send("DELETE", target(path, answer.stat.version), undefined, () => { location.hash = hashOf(parent(path)); });
      } }, "Delete")),
    status);
}
