import { Injectable } from '@nestjs/common';
import { Metrics } from '@therapy-room/platform';
import { matchRoute } from './routes';
import { requestTargetOf } from './request-target';

/**
 * The proxy's catch-all ('/api/*path') would put every proxied request under one route label: name
 * them by the route table's prefix instead ('/api/users/*'), a fixed set, never the raw path.
 */
@Injectable()
export class ProxyRouteMetrics {
  constructor(metrics: Metrics) {
    metrics.routeName = (req, template) => {
      if (!template.includes('*')) return undefined;
      let matched;
      try {
        matched = matchRoute(requestTargetOf(req).segments);
      } catch {
        return undefined; // an ambiguous path was refused before routing
      }
      return matched ? `${matched.route.prefix}/*` : undefined;
    };
  }
}
