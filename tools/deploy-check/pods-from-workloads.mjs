// Pod Security admission enforces on Pods only (on Deployments, Jobs and CronJobs it merely warns),
// and the install test's API server has no controllers to make Pods: this makes them. Reads a
// `kubectl get ... -o json` List of workloads on stdin and prints a List of the Pods their
// controllers would create (the pod template's metadata and spec, as the ReplicaSet / Job
// controllers copy them), one per workload, named <kind>-<name>, for `kubectl create --dry-run=server`.
//   kubectl get deployments,statefulsets,daemonsets,jobs,cronjobs -o json | node pods-from-workloads.mjs
import { readFileSync } from 'node:fs';

const list = JSON.parse(readFileSync(0, 'utf8'));
const templateOf = (w) => (w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template : w.spec.template);
const items = list.items.map((w) => {
  const template = templateOf(w);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${w.kind.toLowerCase()}-${w.metadata.name}`.slice(0, 63),
      namespace: w.metadata.namespace,
      labels: template.metadata?.labels ?? {},
      annotations: template.metadata?.annotations ?? {},
    },
    spec: template.spec,
  };
});
process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
