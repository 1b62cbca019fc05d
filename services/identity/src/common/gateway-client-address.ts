import type { Request } from 'express';
import { normaliseIpAddress, requestContext } from '@therapy-room/platform';

/**
 * On the login routes, which carry no internal token but are reachable from the gateway alone
 * (network policy): the client's address as the gateway saw it, for throttling and audit, also put
 * into the request context. See SessionsController.login for why it is trusted there only.
 */
export const loginClientAddress = (req: Request): string => {
  const address =
    normaliseIpAddress(req.header('x-client-address')) ??
    normaliseIpAddress(req.ip) ??
    normaliseIpAddress(req.socket.remoteAddress) ??
    '::';
  requestContext.assign({ sourceAddress: address });
  return address;
};

/**
 * The browser's device token (from the gateway's `__Host-tr_device` cookie), on the routes that end
 * a login. It only decides whether a "new sign-in" notice is due, so it grants nothing.
 */
export const gatewayDeviceToken = (req: Request): string | undefined => req.header('x-device-token');
