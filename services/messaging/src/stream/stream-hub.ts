import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { Clock, PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import type { MessagingConfig } from '../messaging.config';
import { MessagingErrorCode, MessagingException } from '../common/messaging.exception';
import { PresenceRepository } from './presence.repository';
import { sseComment, sseFrame } from './sse';

interface Stream {
  id: string;
  userId: string;
  res: Response;
}

/** Presence rows of a replica that stopped heartbeating this long ago are deleted by any other. */
const FORGET_AFTER_SECONDS = 600;

/**
 * The live streams (Server-Sent Events) open on this replica, by user. Events reach every replica
 * (a broadcast consumer of messaging's own events, see StreamConsumer), and each writes them to the
 * streams it holds. Streams carry ids and times only; the app fetches the message itself (an audited
 * read). Each stream is also a presence row, refreshed by the heartbeat, so the notification rules on
 * any replica can tell that the user is reading.
 */
@Injectable()
export class StreamHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly replica = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly byUser = new Map<string, Set<Stream>>();
  private timer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly presence: PresenceRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: MessagingConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** How recent a heartbeat must be for the stream to count as open (missed beats are tolerated). */
  get freshSeconds(): number {
    return this.config.MESSAGING_SSE_HEARTBEAT_SECONDS * 3;
  }

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  has(userId: string): boolean {
    return (this.byUser.get(userId)?.size ?? 0) > 0;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.beat(), this.config.MESSAGING_SSE_HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  /** Opens a stream for the actor on this response; it lasts until the client goes away or we stop. */
  async open(actor: Actor, req: Request, res: Response): Promise<void> {
    if (this.closing) {
      throw new MessagingException(
        MessagingErrorCode.TooManyStreams,
        'The service is restarting; reconnect.',
      );
    }
    const mine = this.byUser.get(actor.userId) ?? new Set<Stream>();
    if (mine.size >= this.config.MESSAGING_SSE_MAX_STREAMS) {
      throw new MessagingException(
        MessagingErrorCode.TooManyStreams,
        'Too many live connections are open for this account; close a tab and retry.',
      );
    }
    const stream: Stream = { id: randomUUID(), userId: actor.userId, res };
    await this.presence.open({
      streamId: stream.id,
      userId: actor.userId,
      tenantId: actor.tenantId,
      replica: this.replica,
      at: this.clock.now(),
    });
    mine.add(stream);
    this.byUser.set(actor.userId, mine);
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    // Reconnect after 3 s when the connection drops (EventSource default is browser-specific).
    res.write(`retry: 3000\n\n`);
    res.write(
      sseFrame('ready', {
        streamId: stream.id,
        heartbeatSeconds: this.config.MESSAGING_SSE_HEARTBEAT_SECONDS,
      }),
    );
    const cleanup = () => void this.close(stream);
    req.once('close', cleanup);
    res.once('close', cleanup);
    // The client may have gone while the presence row was written: then no close event will come.
    if (res.destroyed || !res.socket || res.socket.destroyed) cleanup();
  }

  /** Writes one event to every stream of these users on this replica. */
  deliver(userIds: Iterable<string>, event: string, data: unknown): number {
    const frame = sseFrame(event, data);
    let delivered = 0;
    for (const userId of new Set(userIds)) {
      for (const stream of this.byUser.get(userId) ?? []) {
        if (!stream.res.writableEnded) {
          stream.res.write(frame);
          delivered++;
        }
      }
    }
    return delivered;
  }

  private async close(stream: Stream): Promise<void> {
    const set = this.byUser.get(stream.userId);
    if (!set?.delete(stream)) return;
    if (!set.size) this.byUser.delete(stream.userId);
    if (!stream.res.writableEnded) stream.res.end();
    await this.presence
      .close(stream.id)
      .catch((err: Error) =>
        this.logger.warn({ err: { name: err.name } }, 'presence row not deleted; it expires by itself'),
      );
  }

  private async beat(): Promise<void> {
    const comment = sseComment('heartbeat');
    for (const set of this.byUser.values()) {
      for (const stream of set) if (!stream.res.writableEnded) stream.res.write(comment);
    }
    await this.presence
      .heartbeat(this.replica, FORGET_AFTER_SECONDS, this.clock.now())
      .catch((err: Error) => this.logger.warn({ err: { name: err.name } }, 'presence heartbeat failed'));
  }

  /** Ends every stream (clients reconnect to another replica) so the HTTP server can close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    const all = [...this.byUser.values()].flatMap((set) => [...set]);
    this.byUser.clear();
    for (const stream of all) if (!stream.res.writableEnded) stream.res.end();
    await this.presence.closeReplica(this.replica).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
