/**
 * A FHIR R4 `Bundle` (type collection) built from the services' export documents, so that another
 * system can read the record: Patient; Task per assigned tool; QuestionnaireResponse per questionnaire
 * response; Observation per diary entry (one component per value); Communication per message.
 */

interface ContentDocument {
  tools?: {
    assignmentId: string;
    toolKey?: string;
    kind?: string;
    title?: string;
    status?: string;
    assignedAt?: string | null;
    withdrawnAt?: string | null;
    responses?: { submittedAt: string | null; answers: unknown; total?: number; band?: string | null }[];
    diaryEntries?: { recordedAt: string | null; values: Record<string, unknown> }[];
  }[];
}

interface MessagingDocument {
  conversations?: {
    id: string;
    professional: { id: string; displayName: string | null };
    messages: { id: string; from: 'client' | 'professional'; sentAt: string | null; body: string }[];
  }[];
}

type Resource = Record<string, unknown> & { resourceType: string; id: string };

const component = (key: string, value: unknown) => ({
  code: { text: key },
  ...(typeof value === 'number'
    ? { valueQuantity: { value } }
    : typeof value === 'boolean'
      ? { valueBoolean: value }
      : { valueString: typeof value === 'string' ? value : JSON.stringify(value) }),
});

const answerItems = (answers: unknown) =>
  answers && typeof answers === 'object'
    ? Object.entries(answers as Record<string, unknown>).map(([linkId, value]) => ({
        linkId,
        answer: [
          typeof value === 'number'
            ? { valueInteger: Number.isInteger(value) ? value : undefined, valueDecimal: value }
            : { valueString: typeof value === 'string' ? value : JSON.stringify(value) },
        ].map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined))),
      }))
    : [];

export function buildFhirBundle(
  subject: { id: string; displayName: string | null },
  documents: { content?: ContentDocument; messaging?: MessagingDocument },
  at: Date,
): Record<string, unknown> {
  const patientRef = { reference: `Patient/${subject.id}` };
  const resources: Resource[] = [
    {
      resourceType: 'Patient',
      id: subject.id,
      ...(subject.displayName ? { name: [{ text: subject.displayName }] } : {}),
    },
  ];
  for (const tool of documents.content?.tools ?? []) {
    resources.push({
      resourceType: 'Task',
      id: tool.assignmentId,
      status: tool.withdrawnAt ? 'cancelled' : tool.status === 'completed' ? 'completed' : 'requested',
      intent: 'order',
      for: patientRef,
      ...(tool.title ? { description: tool.title } : {}),
      ...(tool.assignedAt ? { authoredOn: tool.assignedAt } : {}),
      ...(tool.toolKey ? { code: { text: tool.toolKey } } : {}),
    });
    (tool.responses ?? []).forEach((r, i) =>
      resources.push({
        resourceType: 'QuestionnaireResponse',
        id: `${tool.assignmentId}-r${i + 1}`,
        status: 'completed',
        subject: patientRef,
        basedOn: [{ reference: `Task/${tool.assignmentId}` }],
        ...(tool.toolKey ? { questionnaire: `urn:therapy-room:tool:${tool.toolKey}` } : {}),
        ...(r.submittedAt ? { authored: r.submittedAt } : {}),
        item: answerItems(r.answers),
      }),
    );
    (tool.diaryEntries ?? []).forEach((e, i) =>
      resources.push({
        resourceType: 'Observation',
        id: `${tool.assignmentId}-d${i + 1}`,
        status: 'final',
        code: { text: tool.toolKey ?? 'diary' },
        subject: patientRef,
        basedOn: [{ reference: `Task/${tool.assignmentId}` }],
        ...(e.recordedAt ? { effectiveDateTime: e.recordedAt } : {}),
        component: Object.entries(e.values ?? {}).map(([k, v]) => component(k, v)),
      }),
    );
  }
  for (const c of documents.messaging?.conversations ?? []) {
    const professionalRef = {
      reference: `Practitioner/${c.professional.id}`,
      ...(c.professional.displayName ? { display: c.professional.displayName } : {}),
    };
    for (const m of c.messages) {
      resources.push({
        resourceType: 'Communication',
        id: m.id,
        status: 'completed',
        subject: patientRef,
        partOf: [{ reference: `urn:therapy-room:conversation:${c.id}` }],
        ...(m.sentAt ? { sent: m.sentAt } : {}),
        sender: m.from === 'client' ? patientRef : professionalRef,
        recipient: [m.from === 'client' ? professionalRef : patientRef],
        payload: [{ contentString: m.body }],
      });
    }
  }
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: at.toISOString(),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}
