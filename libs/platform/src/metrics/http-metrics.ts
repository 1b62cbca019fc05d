import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * The route of a request for metrics: the template it matched ('/clients/:clientId'), never the raw
 * path or query (they hold ids), and 'unmatched' when no route took it (404s, refused bodies).
 */
export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** Counts and times every answered request by method, route template and status (not /health/*). */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      if (req.path.startsWith('/health/')) return;
      const template = routeTemplate(req);
      const route = metrics.routeName?.(req, template) ?? template;
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}
