import { refusalInProduction } from './development-only';

describe('demo data and the printed second-factor secret', () => {
  it('are refused in a production configuration', () => {
    expect(refusalInProduction({ NODE_ENV: 'production', PUBLIC_URL: 'http://localhost:3000' })).toMatch(
      /development only \(NODE_ENV=production\)/,
    );
    expect(refusalInProduction({ PUBLIC_URL: 'https://room.example.org' })).toMatch(/is not this machine/);
  });

  it('are allowed on this machine', () => {
    expect(refusalInProduction({ PUBLIC_URL: 'http://localhost:3000' })).toBeUndefined();
    expect(
      refusalInProduction({ NODE_ENV: 'development', PUBLIC_URL: 'http://127.0.0.1:3000' }),
    ).toBeUndefined();
  });
});
