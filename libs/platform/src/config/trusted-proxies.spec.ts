import { baseConfigShape, ConfigError, loadConfig } from './config';
import { trustedProxies, trustProxyFunction } from './trusted-proxies';

const env = {
  SERVICE_NAME: 'gateway',
  REGION: 'eea',
  PORT: '3000',
  KAFKA_BROKERS: 'localhost:9092',
};
const load = (extra: Record<string, string>) => loadConfig(baseConfigShape, { ...env, ...extra });

describe('TRUSTED_PROXIES', () => {
  it('trusts no proxy in production and loopback elsewhere, unless configured', () => {
    const production = trustProxyFunction(trustedProxies(load({ NODE_ENV: 'production' })));
    expect(['127.0.0.1', '::1', '10.1.2.3', '192.168.1.1', 'fd00::1'].map(production)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    const dev = trustProxyFunction(trustedProxies(load({})));
    expect(
      ['127.0.0.1', '127.5.5.5', '::1', '::ffff:127.0.0.1', '10.1.2.3', '169.254.1.1', 'fd00::1'].map(dev),
    ).toEqual([true, true, true, true, false, false, false]);
    expect(trustedProxies(load({ NODE_ENV: 'development', TRUSTED_PROXIES: 'none' }))).toEqual([]);
  });

  it('trusts exactly the configured CIDR ranges and single addresses, IPv4 and IPv6', () => {
    const trust = trustProxyFunction(
      trustedProxies(
        load({ NODE_ENV: 'production', TRUSTED_PROXIES: '10.42.0.0/16, 192.0.2.7, 2001:db8::/32' }),
      ),
    );
    expect(
      [
        '10.42.9.9',
        '10.43.0.1',
        '192.0.2.7',
        '192.0.2.8',
        '2001:db8::5',
        '2001:db9::5',
        '::ffff:10.42.0.1',
        'junk',
      ].map(trust),
    ).toEqual([true, false, true, false, true, false, true, false]);
  });

  it('refuses anything that is not a CIDR range, naming every bad entry', () => {
    let error: unknown;
    try {
      load({ TRUSTED_PROXIES: '10.0.0.0/8, loopback, 10.0.0.0/33, 300.1.1.1, fd00::/129, 10.0.0.0/8/1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'TRUSTED_PROXIES: must be CIDR ranges (e.g. 10.0.0.0/8, fd00::/8) separated by commas, or "none"; not CIDR ranges: loopback, 10.0.0.0/33, 300.1.1.1, fd00::/129, 10.0.0.0/8/1',
    ]);
  });
});
