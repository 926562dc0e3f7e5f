#!/usr/bin/env python3
"""Web UI benchmark: how long the UI's own code takes, in headless Chromium, on a cluster
of --agents agents and --tasks tasks (Mesos' /master/state shapes, made up in the page):
parsing the state's JSON, listing every task, putting them into the tasks page's table
(one page of 50 rows in the document), filtering by one word, sorting by a column, and
turning a page; and the same for the agents table. A master of this binary (leading
alone, no Keeper) serves the UI's files.

    Benchmarks/ui.py [--corral .build/release/corral] [--agents 10000] [--tasks 100000] [--rounds 5] [--json]

Needs Debian's chromium and chromium-driver and selenium (the test venv has it). Progress
goes to stderr, the figures (medians in milliseconds) to stdout."""
import argparse
import json
import os
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Cluster"))

from browser import new_driver  # noqa: E402
from cluster import Daemon, free_ports, http_get, wait_until  # noqa: E402

# Runs in the page: makes the state, then times the UI's modules on it.
SCRIPT = """
const [agentCount, taskCount, done] = arguments;
const { taskTable } = await import("/ui/tasks.js");
const { allTasks } = await import("/ui/model.js");
const agentsPage = await import("/ui/agents.js");
const time = (f) => { const t = performance.now(); f(); return performance.now() - t; };
const frameworks = [];
for (let f = 0; f < 50; f++) frameworks.push({ id: `F${f}`, name: `framework-${f}`, active: true, tasks: [], completed_tasks: [], unreachable_tasks: [], offers: [], used_resources: {} });
const slaves = [];
for (let a = 0; a < agentCount; a++) slaves.push({ id: `A${a}`, hostname: `host-${a}.example`, port: 5051, pid: `slave(1)@host-${a}.example:5051`, active: a % 97 !== 0, attributes: { rack: `r${a % 40}` }, resources: { cpus: 32, mem: 131072, disk: 1e6 }, used_resources: { cpus: a % 32, mem: 1024 * (a % 100) }, offered_resources: {} });
const states = ["TASK_RUNNING", "TASK_RUNNING", "TASK_RUNNING", "TASK_FINISHED", "TASK_FAILED", "TASK_STAGING"];
for (let t = 0; t < taskCount; t++) {
  frameworks[t % 50].tasks.push({ id: `task-${t}`, name: `web-${t % 1000}`, framework_id: `F${t % 50}`, slave_id: `A${t % agentCount}`, executor_id: "", state: states[t % states.length], resources: { cpus: 0.1, mem: 32 }, statuses: [{ state: "TASK_RUNNING", timestamp: 1.7e9 + t }] });
}
const text = JSON.stringify({ slaves, frameworks });
const result = { bytes: text.length };
let state;
result.parse = time(() => { state = JSON.parse(text); });
let tasks;
result.allTasks = time(() => { tasks = allTasks(state); });
const table = taskTable();
document.body.append(table.element);
result.tasksSetRows = time(() => table.setRows(tasks));
result.tasksFilter = time(() => { table.input.value = "web-42"; table.input.dispatchEvent(new Event("input")); });
result.tasksFiltered = table.visibleRows().length;
result.tasksClearFilter = time(() => { table.input.value = ""; table.input.dispatchEvent(new Event("input")); });
result.tasksSort = time(() => table.sortBy(1));
result.tasksNextPage = time(() => table.pager.querySelectorAll("button")[1].click());
result.rowsInDocument = table.body.children.length;
const view = document.createElement("div");
document.body.append(view);
const agents = agentsPage.mount(view, {}, []);
result.agentsUpdate = time(() => agents.update({ state }));
const agentTable = view.querySelector("input");
result.agentsFilter = time(() => { agentTable.value = "r7"; agentTable.dispatchEvent(new Event("input")); });
view.remove();
table.element.remove();
done(result);
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corral", default=os.path.join(ROOT, ".build", "release", "corral"))
    parser.add_argument("--agents", type=int, default=10000)
    parser.add_argument("--tasks", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="corral-ui-bench-")
    [port] = free_ports(1)
    master = Daemon("master", [args.corral, "master", "--port", str(port), "--work-dir", work],
                    os.path.join(work, "master.log")).start()
    driver = None
    try:
        wait_until(lambda: http_get(port, "/health").status == 200, 30, "the master to serve")
        driver = new_driver()
        driver.set_script_timeout(600)
        driver.get("http://127.0.0.1:%d/#/about-blank" % port)
        rounds = []
        for n in range(args.rounds):
            sys.stderr.write("round %d of %d: %d agents, %d tasks\n" % (n + 1, args.rounds, args.agents, args.tasks))
            rounds.append(driver.execute_async_script(
                "(async (...a) => { %s })(...arguments)" % SCRIPT, args.agents, args.tasks))
        medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        medians.update(agents=args.agents, tasks=args.tasks, rounds=args.rounds)
        if args.json:
            print(json.dumps(medians, indent=2))
        else:
            for key, value in medians.items():
                print("%-18s %s" % (key, ("%.1f ms" % value) if isinstance(value, float) else value))
    finally:
        if driver:
            driver.quit()
        master.signal(15)
        master.proc.wait(10)


if __name__ == "__main__":
    main()
