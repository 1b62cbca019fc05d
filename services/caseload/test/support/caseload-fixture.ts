import { startServiceUnderTest, type TestPerson } from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';

export type Person = TestPerson;

/**
 * Caseload in the test process on its own database and topics, fed with identity's events as identity
 * publishes them (`people`), and called with the gateway's internal tokens (`as`).
 */
export async function startCaseload(topics: string[] = []) {
  const fixture = await startServiceUnderTest(AppModule, 'caseload', { topics });
  return { ...fixture, people: fixture.announce };
}
export type CaseloadFixture = Awaited<ReturnType<typeof startCaseload>>;
