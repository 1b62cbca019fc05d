import { instrumentedLibraries } from './telemetry';

describe('instrumentedLibraries', () => {
  it('instruments only HTTP (the context trace ids come from) when no span is exported', () => {
    expect(instrumentedLibraries({})).toEqual(['http']);
  });

  it('instruments HTTP, Express and pg when spans are exported', () => {
    expect(instrumentedLibraries({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual([
      'http',
      'express',
      'pg',
    ]);
  });
});
