import { Injectable } from '@nestjs/common';
import { Metrics } from '@therapy-room/platform';
import { matchRoute } from './routes';

/**
 * The proxy's catch-all ('/api/*path') would put every proxied request under one route label: name
 * them by the route table's prefix instead ('/api/users/*'), a fixed set, never the raw path.
 */
@Injectable()
export class ProxyRouteMetrics {
  constructor(metrics: Metrics) {
    metrics.routeName = (req, template) => {
      if (!template.includes('*')) return undefined;
      const matched = matchRoute(req.path);
      return matched ? `${matched.route.prefix}/*` : undefined;
    };
  }
}
