/**
 * A pass-through TCP proxy in front of PostgreSQL that records what a client sends: every simple query
 * and every extended-protocol execution (Parse + Bind) with its SQL text and parameter values, exactly
 * as they went over the wire. The caseload benchmark points a throw-away instance of the service at it to
 * learn the statements the API runs (tools may not import services), then measures those statements
 * directly. Nothing is changed on the way: bytes are forwarded as received.
 */
import * as net from 'node:net';

export interface CapturedExecution {
  /** Connection number (per proxy), in accept order. */
  connection: number;
  /** performance.now() when the message was seen. */
  at: number;
  protocol: 'simple' | 'extended';
  sql: string;
  /** Text parameters as sent (null for SQL NULL; binary ones as `\x` hex). */
  params: (string | null)[];
}

export interface WireCapture {
  host: string;
  port: number;
  executions: CapturedExecution[];
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Parses the frontend (client → server) side of one connection. */
class FrontendParser {
  private buffer: Buffer = Buffer.alloc(0);
  private startupDone = false;
  /** SQL of prepared statements on this connection by name ('' = the unnamed statement). */
  private readonly statements = new Map<string, string>();

  constructor(private readonly onExecution: (e: Omit<CapturedExecution, 'connection'>) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.startupDone) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        this.buffer = this.buffer.subarray(length);
        // SSL/GSS requests are answered with one byte and followed by the real startup message.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST && code !== CANCEL_REQUEST)
          this.startupDone = true;
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      const type = String.fromCharCode(this.buffer[0]);
      const body = this.buffer.subarray(5, 1 + length);
      this.buffer = this.buffer.subarray(1 + length);
      this.message(type, body);
    }
  }

  private message(type: string, body: Buffer): void {
    const at = performance.now();
    if (type === 'Q') {
      this.onExecution({ at, protocol: 'simple', sql: cstring(body, 0).value, params: [] });
    } else if (type === 'P') {
      const name = cstring(body, 0);
      const sql = cstring(body, name.next);
      this.statements.set(name.value, sql.value);
    } else if (type === 'B') {
      const portal = cstring(body, 0);
      const statement = cstring(body, portal.next);
      let at2 = statement.next;
      const formatCount = body.readInt16BE(at2);
      at2 += 2;
      const formats: number[] = [];
      for (let i = 0; i < formatCount; i++, at2 += 2) formats.push(body.readInt16BE(at2));
      const paramCount = body.readInt16BE(at2);
      at2 += 2;
      const params: (string | null)[] = [];
      for (let i = 0; i < paramCount; i++) {
        const len = body.readInt32BE(at2);
        at2 += 4;
        if (len < 0) {
          params.push(null);
          continue;
        }
        const bytes = body.subarray(at2, at2 + len);
        at2 += len;
        const format = formats.length === 1 ? formats[0] : (formats[i] ?? 0);
        params.push(format === 1 ? `\\x${bytes.toString('hex')}` : bytes.toString('utf8'));
      }
      const sql = this.statements.get(statement.value);
      if (sql !== undefined) this.onExecution({ at, protocol: 'extended', sql, params });
    }
  }
}

function cstring(buf: Buffer, start: number): { value: string; next: number } {
  const end = buf.indexOf(0, start);
  return { value: buf.toString('utf8', start, end), next: end + 1 };
}

/** Listens on 127.0.0.1 (a free port) and forwards every connection to upstream host:port. */
export async function startWireCapture(upstream: { host: string; port: number }): Promise<WireCapture> {
  const executions: CapturedExecution[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    const connection = ++connections;
    const parser = new FrontendParser((e) => executions.push({ connection, ...e }));
    const server = net.connect(upstream.port, upstream.host);
    sockets.add(client);
    sockets.add(server);
    const close = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', close);
    server.on('close', close);
    client.on('error', close);
    server.on('error', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port: address.port,
    executions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
