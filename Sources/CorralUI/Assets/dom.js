// Small helpers for building the page: elements, text, numbers people read.

/** An element: h("td", {class: "num"}, "12"); attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces everything in `element` with `children`. */
export function fill(element, ...children) {
  element.replaceChildren();
  for (const child of children.flat()) if (child) element.append(child);
  return element;
}

export function number(value, digits = 1) {
  if (value === undefined || value === null || Number.isNaN(value)) return "–";
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** Megabytes as Mesos counts memory and disk, shown in MB, GB or TB. */
export function megabytes(value) {
  if (value === undefined || value === null) return "–";
  if (value >= 1024 * 1024) return (value / 1024 / 1024).toFixed(1) + " TB";
  if (value >= 1024) return (value / 1024).toFixed(1) + " GB";
  return Math.round(value) + " MB";
}

export function amount(resource, value) {
  return resource === "mem" || resource === "disk" ? megabytes(value) : number(value, 2);
}

/** Seconds since the epoch (Mesos' timestamps) as local time. */
export function time(seconds) {
  if (!seconds) return "–";
  return new Date(seconds * 1000).toLocaleString();
}

export function bytesText(count) {
  if (count >= 1 << 20) return (count / (1 << 20)).toFixed(1) + " MiB";
  if (count >= 1 << 10) return (count / (1 << 10)).toFixed(1) + " KiB";
  return count + " B";
}

/** A `dl` of label and value pairs; values may be elements. */
export function pairs(list) {
  return h("dl", { class: "kv" }, list.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

export function link(text, hash) {
  return h("a", { href: hash }, text);
}
