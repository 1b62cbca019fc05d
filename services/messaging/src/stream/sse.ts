/** One Server-Sent Events frame: an event name, a JSON payload, and optionally an id. */
export function sseFrame(event: string, data: unknown, id?: string): string {
  if (!/^[a-z][a-z0-9_.-]*$/.test(event)) throw new Error(`invalid SSE event name: ${event}`);
  // JSON.stringify never emits a raw line break, so the payload is one data line.
  const lines = [`event: ${event}`, `data: ${JSON.stringify(data)}`];
  if (id !== undefined) {
    if (/[\r\n]/.test(id)) throw new Error('an SSE id cannot hold a line break');
    lines.unshift(`id: ${id}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** A comment line: ignored by EventSource, keeps the connection (and every proxy on the way) alive. */
export const sseComment = (text: string): string => `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
