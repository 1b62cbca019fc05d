/**
 * Backward compatibility of an event payload's JSON Schema against the one released before: a consumer
 * built on the current contract must still read every message the released producers wrote (they stay
 * in the topic, and in a rolling update old producers keep writing), and a consumer of the released
 * contract must still find every field it reads. Anything else is a new `vN+1` topic.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};

const withoutDocs = (schema: JsonSchema): JsonSchema => {
  const { description: _d, title: _t, ...rest } = schema;
  return rest;
};

export function breakingChanges(released: JsonSchema, current: JsonSchema, path = 'payload'): string[] {
  if (released.type === 'object' && current.type === 'object') {
    const problems: string[] = [];
    const wasRequired = new Set(released.required ?? []);
    const isRequired = new Set(current.required ?? []);
    for (const [key, schema] of Object.entries(released.properties ?? {})) {
      const now = current.properties?.[key];
      if (!now) problems.push(`${path}.${key} was removed (consumers of the released version read it)`);
      else {
        if (!wasRequired.has(key) && isRequired.has(key))
          problems.push(`${path}.${key} became required (released producers may leave it out)`);
        problems.push(...breakingChanges(schema, now, `${path}.${key}`));
      }
    }
    for (const key of isRequired)
      if (!released.properties?.[key])
        problems.push(`${path}.${key} is new and required (released producers never write it)`);
    return problems;
  }
  if (released.enum && current.enum) {
    const missing = released.enum.filter(
      (v) => !current.enum!.some((c) => JSON.stringify(c) === JSON.stringify(v)),
    );
    return missing.length
      ? [`${path} no longer accepts ${missing.map((v) => JSON.stringify(v)).join(', ')}`]
      : [];
  }
  return JSON.stringify(withoutDocs(released)) === JSON.stringify(withoutDocs(current))
    ? []
    : [
        `${path} changed from ${JSON.stringify(withoutDocs(released))} to ${JSON.stringify(withoutDocs(current))}`,
      ];
}
