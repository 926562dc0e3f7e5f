// The public APIs the UI reads: the master's v0 JSON and operator API, its read-only
// Keeper views, an agent's sandbox files, and Apps' REST API. Nothing else.

export class HTTPError extends Error {
  constructor(status, text, url) {
    super(`${status}: ${text}`);
    this.status = status;
    this.text = text;
    this.origin = new URL(url, location.href).origin;
  }
}

/** Credentials for the other services the page calls (agents, Apps), by origin: the
 *  principal and secret a user typed after a 401, kept for this tab only and sent as HTTP
 *  Basic to that origin alone. The master's own pages use what the browser asked for. */
export const credentials = {
  key: (origin) => `corral-credentials ${origin}`,
  save(origin, principal, secret) {
    const bytes = new TextEncoder().encode(`${principal}:${secret}`);
    sessionStorage.setItem(this.key(origin), "Basic " + btoa(String.fromCharCode(...bytes)));
  },
  /** The Authorization header for `url`, or null (its own origin, or nothing typed). */
  header(url) {
    const origin = new URL(url, location.href).origin;
    return origin === location.origin ? null : sessionStorage.getItem(this.key(origin));
  },
};

/** `headers` with the Authorization header `url` takes, if any. */
export function withCredentials(url, headers = {}) {
  const authorization = credentials.header(url);
  return authorization ? { ...headers, Authorization: authorization } : headers;
}

export async function getJSON(url, timeoutMs = 10000) {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs), headers: withCredentials(url, { Accept: "application/json" }),
  });
  if (!response.ok) throw new HTTPError(response.status, (await response.text()).trim(), url);
  return response.json();
}

/** Records larger than this are not kept or parsed: the page only needs to know that
 *  something happened (the first record, SUBSCRIBED, holds the whole state). */
const RECORD_PARSED_MAX = 4096;
/** No record for this long (the master sends a heartbeat every 15 s): the stream is dead. */
const SILENCE_MAX_MS = 35000;

/** The operator API's event stream (SUBSCRIBE): RecordIO, each record `LENGTH\n` and that
 *  many bytes of JSON. Calls onEvent with each small event, and with `{type: "LARGE"}` for
 *  a record it skips; resolves when the stream ends, rejects when it fails or falls silent. */
export async function subscribe(onEvent) {
  const abort = new AbortController();
  let silence = setTimeout(() => abort.abort(), SILENCE_MAX_MS);
  try {
    const response = await fetch("/api/v1", {
      method: "POST",
      signal: abort.signal,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ type: "SUBSCRIBE" }),
    });
    if (!response.ok) throw new HTTPError(response.status, (await response.text()).trim(), "/api/v1");
    const reader = response.body.getReader();
    const records = new RecordReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      clearTimeout(silence);
      silence = setTimeout(() => abort.abort(), SILENCE_MAX_MS);
      records.push(value, onEvent);
    }
  } finally {
    clearTimeout(silence);
  }
}

/** RecordIO in bytes, holding at most one length line and one small record at a time. */
class RecordReader {
  constructor() {
    this.header = [];      // bytes of the length line read so far
    this.remaining = null; // bytes of the current record still to come
    this.record = null;    // its bytes, when it is small enough to parse
    this.filled = 0;
  }

  push(chunk, onEvent) {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining === null) {
        const byte = chunk[i++];
        if (byte !== 10) {
          if (this.header.length > 20) throw new Error("the event stream is not RecordIO");
          this.header.push(byte);
          continue;
        }
        const length = Number(String.fromCharCode(...this.header));
        this.header = [];
        if (!Number.isInteger(length) || length < 0) throw new Error("the event stream is not RecordIO");
        this.remaining = length;
        this.record = length <= RECORD_PARSED_MAX ? new Uint8Array(length) : null;
        this.filled = 0;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      if (this.record) this.record.set(chunk.subarray(i, i + take), this.filled);
      this.filled += take;
      this.remaining -= take;
      i += take;
      if (this.remaining === 0) {
        onEvent(this.record ? JSON.parse(new TextDecoder().decode(this.record)) : { type: "LARGE" });
        this.remaining = null;
        this.record = null;
      }
    }
  }
}

/** An agent's base URL from its pid (`slave(1)@host:port`), as Mesos' UI builds it. */
export function agentURL(agent) {
  const at = (agent.pid || "").split("@")[1];
  return at ? `${location.protocol}//${at}` : `${location.protocol}//${agent.hostname}:${agent.port}`;
}
