// The operators' CustomResourceDefinitions for the install test, made from the schemas stored in
// tools/deploy-check/schemas/crds (the ones kubeconform validates against): prints a v1 List of
// CRDs as JSON. The stored schemas are the CRDs' openAPIV3Schema with "additionalProperties: false"
// added for kubeconform's strict mode; a structural CRD schema may not say that, so it is dropped
// here, and the test applies with strict field validation instead (unknown fields are refused).
//   node tools/deploy-check/crds-from-schemas.mjs > crds.json
import { readFileSync } from 'node:fs';

const dir = new URL('./schemas/crds/', import.meta.url);
// group/file stem -> kind, plural, scope, version
const crds = [
  ['kafka.strimzi.io', 'Kafka', 'kafkas', 'Namespaced', 'v1beta2'],
  ['kafka.strimzi.io', 'KafkaMirrorMaker2', 'kafkamirrormaker2s', 'Namespaced', 'v1beta2'],
  ['kafka.strimzi.io', 'KafkaNodePool', 'kafkanodepools', 'Namespaced', 'v1beta2'],
  ['kafka.strimzi.io', 'KafkaTopic', 'kafkatopics', 'Namespaced', 'v1beta2'],
  ['kafka.strimzi.io', 'KafkaUser', 'kafkausers', 'Namespaced', 'v1beta2'],
  ['monitoring.coreos.com', 'PrometheusRule', 'prometheusrules', 'Namespaced', 'v1'],
  ['monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors', 'Namespaced', 'v1'],
  ['postgresql.cnpg.io', 'Cluster', 'clusters', 'Namespaced', 'v1'],
  ['postgresql.cnpg.io', 'ScheduledBackup', 'scheduledbackups', 'Namespaced', 'v1'],
  ['trust.cert-manager.io', 'Bundle', 'bundles', 'Cluster', 'v1alpha1'],
];

function structural(node) {
  if (Array.isArray(node)) return node.map(structural);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    out[key] = key === 'properties' ? mapValues(value, structural) : structural(value);
  }
  return out;
}
const mapValues = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

const items = crds.map(([group, kind, plural, scope, version]) => {
  const schema = JSON.parse(
    readFileSync(new URL(`${group}/${kind.toLowerCase()}_${version}.json`, dir), 'utf8'),
  );
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        { name: version, served: true, storage: true, schema: { openAPIV3Schema: structural(schema) } },
      ],
    },
  };
});
process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
