// Integration tests wait on real PostgreSQL, Kafka and service processes.
jest.setTimeout(120_000);
