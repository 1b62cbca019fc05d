import { OptionsError, parseStartOptions, usage } from './options';

describe('npm start options', () => {
  it('runs the eea region by default, or the one REGION or --region names', () => {
    expect(parseStartOptions([], {}).regions).toEqual(['eea']);
    expect(parseStartOptions([], { REGION: 'uk' }).regions).toEqual(['uk']);
    expect(parseStartOptions(['--region', 'uk'], { REGION: 'eea' }).regions).toEqual(['uk']);
    expect(parseStartOptions(['--regions', 'eea,uk'], {}).regions).toEqual(['eea', 'uk']);
  });

  it('refuses an unknown region or switch in one line', () => {
    expect(() => parseStartOptions(['--region', 'us'], {})).toThrow(OptionsError);
    expect(() => parseStartOptions([], { REGION: 'mars' })).toThrow(/REGION: unknown region "mars"/);
    expect(() => parseStartOptions(['--frsh'], {})).toThrow(/--help lists the options/);
    expect(() => parseStartOptions(['--region', 'eea', '--regions', 'uk'], {})).toThrow(/not both/);
  });

  it('documents every switch it accepts', () => {
    for (const flag of ['--region', '--regions', '--fresh', '--yes', '--help']) expect(usage).toContain(flag);
    for (const variable of ['KAFKA_BROKERS', 'DATABASE_ADMIN_URL', 'SMTP_URL', 'THERAPY_ROOM_DATA'])
      expect(usage).toContain(variable);
    expect(parseStartOptions(['--fresh', '--yes'], {})).toMatchObject({ fresh: true, yes: true });
  });
});
