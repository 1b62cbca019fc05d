import { banner } from './banner';
import { demo, demoPeople } from './demo';

describe('the npm start banner', () => {
  const facts = {
    region: 'eea',
    gatewayUrl: 'http://localhost:3000',
    mail: { webUrl: 'http://localhost:8025' },
    otlpEndpoint: 'http://127.0.0.1:4318',
    adminTotpSecret: 'JBSWY3DPEHPK3PXP',
  };

  it('prints every address, every demo login and how to stop', () => {
    const text = banner(facts);
    for (const expected of [
      'http://localhost:3000/',
      'http://localhost:3000/api/docs',
      'http://localhost:8025',
      'http://127.0.0.1:4318',
      demo.adminEmail,
      demo.adminPassword,
      'JBSWY3DPEHPK3PXP',
      'Ctrl-C',
      ...demoPeople.map((p) => p.email),
    ])
      expect(text).toContain(expected);
  });

  it('says in one line why there is no mail catcher, and leaves out what is not there', () => {
    const text = banner({ ...facts, mail: { reason: 'Go is not installed' }, otlpEndpoint: undefined });
    expect(text).toMatch(/Mail catcher +none: Go is not installed\n/);
    expect(text).not.toContain('OTLP');
  });

  it("names the region's own demo organisation and its people, and leaves how to stop to the last banner", () => {
    const uk = { ...demo, slug: 'demo-uk', adminEmail: 'admin@demo-uk.example' };
    const text = banner({ ...facts, region: 'uk', organisation: uk, footer: false });
    expect(text).toContain('organisation "demo-uk"');
    expect(text).toContain('admin@demo-uk.example');
    expect(text).toContain('sam@demo-uk.example');
    expect(text).not.toContain('sam@demo.example');
    expect(text).not.toContain('Ctrl-C');
  });
});
