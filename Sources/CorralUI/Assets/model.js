// What the pages derive from the APIs' answers: every task, each Keeper server's health,
// shares of the cluster.

const tasksOf = new WeakMap();
const totalsOf = new WeakMap();

/** Every task the master lists: running, unreachable and recently ended; worked out once
 *  per state read. */
export function allTasks(state) {
  if (!tasksOf.has(state)) tasksOf.set(state, listTasks(state));
  return tasksOf.get(state);
}

function listTasks(state) {
  const tasks = [];
  for (const framework of [...state.frameworks, ...(state.completed_frameworks || [])]) {
    for (const list of [framework.tasks, framework.unreachable_tasks || [], framework.completed_tasks || []]) {
      for (const task of list) tasks.push(task);
    }
  }
  return tasks;
}

/** The scalar resources of the whole cluster, summed once per state read. */
export function clusterTotal(state, name) {
  if (!totalsOf.has(state)) {
    const totals = {};
    for (const agent of state.slaves) {
      for (const [key, value] of Object.entries(agent.resources || {})) {
        if (typeof value === "number") totals[key] = (totals[key] || 0) + value;
      }
    }
    totalsOf.set(state, totals);
  }
  return totalsOf.get(state)[name] || 0;
}

/** A framework's dominant share: its largest fraction of any scalar resource in use. */
export function dominantShare(state, used) {
  let share = 0;
  for (const name of ["cpus", "mem", "disk", "gpus"]) {
    const total = clusterTotal(state, name);
    if (total > 0) share = Math.max(share, ((used || {})[name] || 0) / total);
  }
  return share;
}

const LAG_MAX = 1000;
const OUTSTANDING_MAX = 100;

/** One row per Keeper server from `mntr`: its mode, zxid, lag behind the leader, load,
 *  and what is wrong with it, if anything. */
export function keeperRows(ensemble) {
  const servers = ensemble.servers || [];
  const counter = (zxid) => (zxid ? Number(BigInt(zxid) & 0xffffffffn) : 0);
  const epoch = (zxid) => (zxid ? Number(BigInt(zxid) >> 32n) : 0);
  const leader = servers.find((s) => s.mntr && s.mntr.zk_server_state === "leader");
  const leaderZxid = leader ? leader.mntr.zk_last_logged_zxid : null;
  return servers.map((server) => {
    if (!server.mntr) return { server: server.server, mode: "down", problem: server.error || "no answer" };
    const m = server.mntr;
    const mode = m.zk_server_state;
    // Counters compare within one epoch only; a server on an older epoch is still syncing.
    const sameEpoch = leaderZxid && m.zk_last_logged_zxid && epoch(leaderZxid) === epoch(m.zk_last_logged_zxid);
    const lag = sameEpoch ? Math.max(0, counter(leaderZxid) - counter(m.zk_last_logged_zxid)) : null;
    const outstanding = Number(m.zk_outstanding_requests || 0);
    let problem = null;
    if (!["leader", "follower", "standalone"].includes(mode)) problem = `mode ${mode}: not serving`;
    else if (leaderZxid && m.zk_last_logged_zxid && !sameEpoch) problem = `on epoch ${epoch(m.zk_last_logged_zxid)}, the leader on ${epoch(leaderZxid)}: syncing`;
    else if (lag !== null && lag > LAG_MAX) problem = `${lag} transactions behind the leader`;
    else if (outstanding > OUTSTANDING_MAX) problem = `${outstanding} requests outstanding`;
    return {
      server: server.server, mode, zxid: m.zk_last_logged_zxid || "–", lag,
      connections: m.zk_num_alive_connections, latency: `${m.zk_avg_latency}/${m.zk_max_latency}`,
      outstanding, znodes: m.zk_znode_count, sessions: m.zk_global_sessions, watches: m.zk_watch_count, problem,
    };
  });
}
