import type { Request } from 'express';
import { normaliseIpAddress, requestContext } from '@therapy-room/platform';

/**
 * On routes that carry an internal token (so the request comes from the gateway, which always sets
 * x-client-address itself), the client's address as the gateway saw it goes into the request
 * context, for audit entries only (never for access decisions).
 */
export const useGatewayClientAddressForAudit = (req: Request): void => {
  const address = normaliseIpAddress(req.header('x-client-address'));
  if (address) requestContext.assign({ sourceAddress: address });
};
