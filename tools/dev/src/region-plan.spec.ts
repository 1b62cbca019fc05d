import { regionPlans } from './region-plan';

describe('npm start regions', () => {
  it('runs one region by default (REGION, else eea) on the usual ports', () => {
    const [plan, ...rest] = regionPlans([], {});
    expect(rest).toEqual([]);
    expect(plan).toMatchObject({ region: 'eea', envSuffix: '', allowExternal: true, demo: { slug: 'demo' } });
    expect(plan.ports.gateway).toBe('3000');
    expect(regionPlans([], { REGION: 'uk' })[0]).toMatchObject({ region: 'uk', demo: { slug: 'demo' } });
  });

  it('runs two regions side by side with --regions: the second 100 ports up, a UK demo organisation', () => {
    const [eea, uk] = regionPlans(['--regions', 'eea,uk'], { GATEWAY_PORT: '4000' });
    expect(eea).toMatchObject({ region: 'eea', allowExternal: false, demo: { slug: 'demo' } });
    expect(eea.ports.gateway).toBe('4000');
    expect(uk).toMatchObject({ region: 'uk', envSuffix: '-uk', demo: { slug: 'demo-uk' } });
    expect(uk.ports).toMatchObject({ gateway: '4100', identity: '3101', audit: '3105' });
    expect(uk.label('identity')).toBe('uk/identity');
    expect(regionPlans(['--regions=uk,eea'], {}).map((p) => p.region)).toEqual(['uk', 'eea']);
  });

  it('refuses an unknown or repeated region', () => {
    expect(() => regionPlans(['--regions', 'eea,us'], {})).toThrow(/--regions takes/);
    expect(() => regionPlans(['--regions', 'eea,eea'], {})).toThrow(/--regions takes/);
  });
});
