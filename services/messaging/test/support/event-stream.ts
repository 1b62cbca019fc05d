/** One Server-Sent Event as received. */
export interface ReceivedEvent {
  event: string;
  data: Record<string, unknown>;
  /** When it arrived (performance.now()). */
  at: number;
}

/**
 * A minimal EventSource for tests: opens `url` with the given headers, parses frames as they arrive,
 * and keeps them (comments are counted, not kept). `closed` resolves when the server ends the stream.
 */
export async function openEventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  let comments = 0;
  let ended = false;
  const body = res.ok && res.body ? res.body : null;
  const problem = body ? null : await res.text();
  const closed = (async () => {
    if (!body) return;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) {
            comments++;
            continue;
          }
          const fields = Object.fromEntries(
            frame
              .split('\n')
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          );
          if (fields.event && fields.data) {
            events.push({ event: fields.event, data: JSON.parse(fields.data), at: performance.now() });
          }
        }
      }
    } catch {
      // aborted by close()
    } finally {
      ended = true;
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    problem,
    events,
    get comments() {
      return comments;
    },
    get ended() {
      return ended;
    },
    of: (event: string) => events.filter((e) => e.event === event),
    closed,
    close: async () => {
      controller.abort();
      await closed;
    },
  };
}
export type EventStream = Awaited<ReturnType<typeof openEventStream>>;
