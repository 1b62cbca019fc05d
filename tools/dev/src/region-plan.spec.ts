import { parseStartOptions } from './options';
import { regionPlans } from './region-plan';

const plansFor = (argv: string[], env: NodeJS.ProcessEnv) =>
  regionPlans(parseStartOptions(argv, env).regions, env);

describe('npm start regions', () => {
  it('runs one region by default (REGION, else eea) on the usual ports', () => {
    const [plan, ...rest] = plansFor([], {});
    expect(rest).toEqual([]);
    expect(plan).toMatchObject({ region: 'eea', envSuffix: '', allowExternal: true, demo: { slug: 'demo' } });
    expect(plan.ports).toMatchObject({ gateway: '3000', retention: '3006', mailWeb: '8025' });
    expect(plan.label('identity')).toBe('identity');
    expect(plansFor([], { REGION: 'uk' })[0]).toMatchObject({ region: 'uk', demo: { slug: 'demo' } });
  });

  it('runs two regions side by side with --regions: the second 100 ports up, a UK demo organisation', () => {
    const [eea, uk] = plansFor(['--regions', 'eea,uk'], { GATEWAY_PORT: '4000' });
    expect(eea).toMatchObject({ region: 'eea', allowExternal: false, demo: { slug: 'demo' } });
    expect(eea.ports.gateway).toBe('4000');
    expect(uk).toMatchObject({
      region: 'uk',
      envSuffix: '-uk',
      allowExternal: false,
      demo: { slug: 'demo-uk' },
    });
    expect(uk.ports).toMatchObject({
      gateway: '4100',
      identity: '3101',
      audit: '3105',
      retention: '3106',
      mailWeb: '8125',
      mailSmtp: '1125',
    });
    expect(uk.label('identity')).toBe('uk/identity');
    expect(plansFor(['--regions=uk,eea'], {}).map((p) => p.region)).toEqual(['uk', 'eea']);
  });

  it('refuses a repeated region', () => {
    expect(() => regionPlans(['eea', 'eea'], {})).toThrow(/distinct/);
  });
});
