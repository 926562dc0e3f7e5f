// A table for large lists (10,000 agents, 100,000 tasks): it keeps every row as data,
// filters and sorts in memory and puts one page of rows in the document, so the page
// stays responsive. Filter, sort and page survive the live updates that replace the rows.

import { h, fill } from "./dom.js";

export class Table {
  /** columns: [{title, value(row) for sorting and filtering, cell(row) -> node|text, num}] */
  constructor({ columns, pageSize = 50, rowClass, empty = "Nothing here yet.", filterPlaceholder = "Filter" }) {
    this.columns = columns;
    this.pageSize = pageSize;
    this.rowClass = rowClass;
    this.empty = empty;
    this.rows = [];
    this.filter = "";
    this.sortColumn = null;
    this.ascending = true;
    this.page = 0;
    this.input = h("input", { type: "search", placeholder: filterPlaceholder, oninput: () => {
      this.filter = this.input.value.trim().toLowerCase();
      this.page = 0;
      this.visible = null;
      this.render();
    } });
    this.counter = h("span", { class: "muted" });
    this.head = h("thead");
    this.body = h("tbody");
    this.pager = h("div", { class: "pager" });
    this.element = h("div", {},
      h("div", { class: "tools" }, this.input, this.counter),
      h("table", {}, this.head, this.body),
      this.pager);
    this.renderHead();
  }

  setRows(rows) {
    this.rows = rows;
    this.searchText = null;
    this.visible = null;
    this.render();
  }

  renderHead() {
    fill(this.head, h("tr", {}, this.columns.map((column, index) => {
      const classes = [column.num ? "num" : "", this.sortColumn === index ? "sorted" : "",
        this.sortColumn === index && !this.ascending ? "up" : ""].join(" ").trim();
      return h("th", { class: classes || null, onclick: () => this.sortBy(index) }, column.title);
    })));
  }

  sortBy(index) {
    if (this.sortColumn === index) this.ascending = !this.ascending;
    else { this.sortColumn = index; this.ascending = true; }
    this.visible = null;
    this.renderHead();
    this.render();
  }

  /** The rows the filter keeps, in the chosen order; worked out once per change of the
   *  rows, the filter or the order, not per page turned. */
  visibleRows() {
    if (this.visible) return this.visible;
    let rows = this.rows;
    if (this.filter) {
      if (!this.searchText) {
        this.searchText = rows.map((row) => this.columns.map((c) => String(c.value(row) ?? "")).join(" ").toLowerCase());
      }
      const words = this.filter.split(/\s+/);
      const text = this.searchText;
      rows = rows.filter((_, index) => words.every((word) => text[index].includes(word)));
    }
    if (this.sortColumn !== null) {
      const key = this.columns[this.sortColumn].value;
      const sign = this.ascending ? 1 : -1;
      rows = rows.map((row) => [key(row), row]).sort((a, b) => sign * compare(a[0], b[0])).map((pair) => pair[1]);
    }
    this.visible = rows;
    return rows;
  }

  render() {
    const rows = this.visibleRows();
    const pages = Math.max(1, Math.ceil(rows.length / this.pageSize));
    this.page = Math.min(this.page, pages - 1);
    const start = this.page * this.pageSize;
    const shown = rows.slice(start, start + this.pageSize);
    this.counter.textContent = rows.length === this.rows.length ? `${rows.length} in all` : `${rows.length} of ${this.rows.length}`;
    fill(this.body, shown.length === 0
      ? [h("tr", {}, h("td", { colspan: this.columns.length, class: "muted" }, this.empty))]
      : shown.map((row) => h("tr", { class: this.rowClass ? this.rowClass(row) : null },
        this.columns.map((c) => h("td", { class: c.num ? "num" : null }, c.cell ? c.cell(row) : c.value(row))))));
    fill(this.pager,
      h("button", { disabled: this.page === 0, onclick: () => { this.page -= 1; this.render(); } }, "‹ Previous"),
      h("span", {}, `page ${this.page + 1} of ${pages}`),
      h("button", { disabled: this.page >= pages - 1, onclick: () => { this.page += 1; this.render(); } }, "Next ›"));
  }
}

const collator = new Intl.Collator(undefined, { numeric: true });

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a ?? ""), String(b ?? ""));
}
