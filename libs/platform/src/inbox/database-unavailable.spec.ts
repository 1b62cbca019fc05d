import { isDatabaseUnavailable } from './database-unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a connection cut by the server', new Error('Connection terminated unexpectedly')],
    [
      'the server shutting down (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['the server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'TypeORM wrapping the driver error',
      Object.assign(new Error('query failed'), { driverError: withCode('57P01') }),
    ],
    ['several addresses refused', new AggregateError([withCode('ECONNREFUSED')], 'all failed')],
  ])('is true for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a handler bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a serialization failure (40001)', withCode('40001')],
    ['a non-error', 'nope'],
  ])('is false for %s', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
