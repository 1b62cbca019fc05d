import { erasureParticipants, exportParticipants } from './participants';

describe('saga participants from the registry', () => {
  it('erasure: every service that declares <service>.erasure.completed.v1', () => {
    expect(erasureParticipants().map((p) => p.service)).toEqual(
      expect.arrayContaining(['audit', 'caseload', 'content', 'identity', 'messaging']),
    );
    for (const p of erasureParticipants()) expect(p.topic).toBe(`${p.service}.erasure.completed.v1`);
  });

  it('export: every service that declares <service>.export.completed.v1, and only those', () => {
    const services = exportParticipants().map((p) => p.service);
    expect(services).toEqual(expect.arrayContaining(['content', 'messaging']));
    expect(services).not.toContain('audit');
  });
});
