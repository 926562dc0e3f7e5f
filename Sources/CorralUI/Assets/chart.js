// A sparkline: a small SVG line of the last values, scaled to their own maximum.

import { h } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";

export function sparkline(values, { width = 200, height = 36, max } = {}) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  if (values.length < 2) return svg;
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / top) * (height - 4)).toFixed(1)}`);
  const line = document.createElementNS(NS, "polyline");
  line.setAttribute("points", points.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#2f6fdb");
  line.setAttribute("stroke-width", "1.5");
  svg.append(line);
  return svg;
}

/** A bar filled to `fraction` (0…1). */
export function bar(fraction) {
  const width = Math.max(0, Math.min(1, fraction || 0)) * 100;
  return h("div", { class: "bar" }, h("span", { style: `width:${width.toFixed(1)}%` }));
}
