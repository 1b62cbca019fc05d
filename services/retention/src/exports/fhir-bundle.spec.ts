import { buildFhirBundle } from './fhir-bundle';

describe('FHIR R4 bundle of an export', () => {
  const at = new Date('2030-01-01T00:00:00Z');
  const subject = { id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', displayName: 'Karel Client' };
  const bundle = buildFhirBundle(
    subject,
    {
      content: {
        tools: [
          {
            assignmentId: 'a1',
            toolKey: 'phq-9',
            title: 'PHQ-9',
            status: 'active',
            assignedAt: '2029-01-01T00:00:00.000Z',
            withdrawnAt: null,
            responses: [{ submittedAt: '2029-02-01T00:00:00.000Z', answers: { q1: 2, q2: 'sometimes' } }],
            diaryEntries: [
              { recordedAt: '2029-03-01T08:00:00.000Z', values: { glucose: 6.4, note: 'after run' } },
            ],
          },
        ],
      },
      messaging: {
        conversations: [
          {
            id: 'c1',
            professional: { id: 'p1', displayName: 'Petra' },
            messages: [{ id: 'm1', from: 'client', sentAt: '2029-04-01T00:00:00.000Z', body: 'hello' }],
          },
        ],
      },
    },
    at,
  ) as { resourceType: string; type: string; entry: { resource: Record<string, unknown> }[] };

  it('is a collection Bundle with Patient, Task, QuestionnaireResponse, Observation, Communication', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: at.toISOString() });
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual([
      'Patient',
      'Task',
      'QuestionnaireResponse',
      'Observation',
      'Communication',
    ]);
  });

  it('maps values: answers to items, diary values to components, messages to payloads, all about the patient', () => {
    const [patient, task, response, observation, message] = bundle.entry.map((e) => e.resource);
    expect(patient).toMatchObject({ id: subject.id, name: [{ text: 'Karel Client' }] });
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      for: { reference: `Patient/${subject.id}` },
    });
    expect(response).toMatchObject({
      status: 'completed',
      questionnaire: 'urn:therapy-room:tool:phq-9',
      item: [
        { linkId: 'q1', answer: [{ valueInteger: 2, valueDecimal: 2 }] },
        { linkId: 'q2', answer: [{ valueString: 'sometimes' }] },
      ],
    });
    expect(observation).toMatchObject({
      status: 'final',
      effectiveDateTime: '2029-03-01T08:00:00.000Z',
      component: [
        { code: { text: 'glucose' }, valueQuantity: { value: 6.4 } },
        { code: { text: 'note' }, valueString: 'after run' },
      ],
    });
    expect(message).toMatchObject({
      sender: { reference: `Patient/${subject.id}` },
      recipient: [{ reference: 'Practitioner/p1', display: 'Petra' }],
      payload: [{ contentString: 'hello' }],
    });
  });
});
