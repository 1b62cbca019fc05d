import { providerAssertsMfa } from './provider-mfa';

describe("the provider's multi-factor assertion (amr)", () => {
  it.each([[['mfa']], [['pwd', 'otp']], [['pwd', 'mfa', 'otp']], [['pin', 'hwk']], [['pwd', 'fpt']]])(
    'accepts %j',
    (amr) => expect(providerAssertsMfa({ amr })).toBe(true),
  );
  it.each([[undefined], [[]], [['pwd']], [['otp']], [['hwk']], ['mfa'], [['pwd', 'pin']], [[1, 'pwd']]])(
    'refuses %j',
    (amr) => expect(providerAssertsMfa({ amr })).toBe(false),
  );

  it('accepts an acr the organisation configured as multi-factor, and only that', () => {
    const configured = ['urn:example:loa:substantial', 'urn:example:loa:high'];
    expect(providerAssertsMfa({ acr: 'urn:example:loa:high' }, configured)).toBe(true);
    expect(providerAssertsMfa({ acr: 'urn:example:loa:low' }, configured)).toBe(false);
    expect(providerAssertsMfa({ acr: 'urn:example:loa:high' })).toBe(false);
    expect(providerAssertsMfa({ acr: ['urn:example:loa:high'] }, configured)).toBe(false);
  });
});
