// The public APIs the UI reads: the master's v0 JSON and operator API, its read-only
// Keeper views, and an agent's sandbox files. Nothing else.

export class HTTPError extends Error {
  constructor(status, text) {
    super(`${status}: ${text}`);
    this.status = status;
  }
}

export async function getJSON(url, timeoutMs = 10000) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { Accept: "application/json" } });
  if (!response.ok) throw new HTTPError(response.status, (await response.text()).trim());
  return response.json();
}

/** The operator API's event stream (SUBSCRIBE): RecordIO records of JSON, each
 *  `LENGTH\n` and that many bytes. Calls onEvent with each event; resolves when the
 *  stream ends, rejects when it fails. */
export async function subscribe(onEvent, signal) {
  const response = await fetch("/api/v1", {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ type: "SUBSCRIBE" }),
  });
  if (!response.ok) throw new HTTPError(response.status, (await response.text()).trim());
  const reader = response.body.getReader();
  let buffer = new Uint8Array(0);
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer = concat(buffer, value);
    for (;;) {
      const newline = buffer.indexOf(10);
      if (newline < 0) break;
      const length = Number(decoder.decode(buffer.subarray(0, newline)));
      if (!Number.isFinite(length)) throw new Error("the event stream is not RecordIO");
      if (buffer.length < newline + 1 + length) break;
      const record = buffer.subarray(newline + 1, newline + 1 + length);
      buffer = buffer.slice(newline + 1 + length);
      onEvent(JSON.parse(decoder.decode(record)));
    }
  }
}

function concat(a, b) {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/** An agent's base URL from its pid (`slave(1)@host:port`), as Mesos' UI builds it. */
export function agentURL(agent) {
  const at = (agent.pid || "").split("@")[1];
  return at ? `http://${at}` : `http://${agent.hostname}:${agent.port}`;
}
