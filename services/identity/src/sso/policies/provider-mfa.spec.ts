import { providerAssertsMfa } from './provider-mfa';

describe("the provider's multi-factor assertion (amr)", () => {
  it.each([[['mfa']], [['pwd', 'otp']], [['pwd', 'mfa', 'otp']], [['pin', 'hwk']], [['pwd', 'fpt']]])(
    'accepts %j',
    (amr) => expect(providerAssertsMfa(amr)).toBe(true),
  );
  it.each([[undefined], [[]], [['pwd']], [['otp']], [['hwk']], ['mfa'], [['pwd', 'pin']], [[1, 'pwd']]])(
    'refuses %j',
    (amr) => expect(providerAssertsMfa(amr)).toBe(false),
  );
});
