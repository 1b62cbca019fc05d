import { AsyncLocalStorage } from 'node:async_hooks';

export interface ActorContext {
  userId: string;
  tenantId: string;
  roles: string[];
  sessionId?: string;
}

/** What is known about the work in progress: an HTTP request or one consumed event. */
export interface RequestContext {
  requestId: string;
  actor?: ActorContext;
  tenantId?: string;
  eventId?: string;
  sourceAddress?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
  /** Fills in fields once known (e.g. the actor after authentication). */
  assign(fields: Partial<RequestContext>): void {
    const current = storage.getStore();
    if (current) Object.assign(current, fields);
  },
};
