// Derives kubernetes/<version>-standalone-strict/cronjob-batch-v1.json from the stored Job schema of
// the same folder: a CronJob (batch/v1, Kubernetes API reference) is metadata plus a CronJobSpec whose
// jobTemplate holds the Job's own metadata and spec. Strict like the rest: unknown fields are refused.
// Run: node tools/deploy-check/schemas/derive-cronjob.mjs v1.32.2
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(import.meta.dirname, 'kubernetes', `${process.argv[2] ?? 'v1.32.2'}-standalone-strict`);
const job = JSON.parse(readFileSync(join(folder, 'job-batch-v1.json'), 'utf8'));
const int = (description, minimum) => ({ type: ['integer', 'null'], format: 'int32', description, ...(minimum === undefined ? {} : { minimum }) });
const cronJob = {
  $schema: job.$schema,
  description: 'CronJob represents the configuration of a single cron job.',
  type: 'object',
  additionalProperties: false,
  'x-kubernetes-group-version-kind': [{ group: 'batch', kind: 'CronJob', version: 'v1' }],
  properties: {
    apiVersion: { type: ['string', 'null'], enum: ['batch/v1'] },
    kind: { type: ['string', 'null'], enum: ['CronJob'] },
    metadata: job.properties.metadata,
    spec: {
      description: 'CronJobSpec describes how the job execution will look like and when it will actually run.',
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['schedule', 'jobTemplate'],
      properties: {
        schedule: { type: 'string', description: 'The schedule in Cron format.' },
        timeZone: { type: ['string', 'null'], description: 'The time zone name for the given schedule.' },
        concurrencyPolicy: { type: ['string', 'null'], enum: ['Allow', 'Forbid', 'Replace', null] },
        startingDeadlineSeconds: { type: ['integer', 'null'], format: 'int64', minimum: 0 },
        suspend: { type: ['boolean', 'null'] },
        successfulJobsHistoryLimit: int('How many successful finished jobs to retain.', 0),
        failedJobsHistoryLimit: int('How many failed finished jobs to retain.', 0),
        jobTemplate: {
          description: 'JobTemplateSpec describes the data a Job should have when created from a template.',
          type: 'object',
          additionalProperties: false,
          properties: { metadata: job.properties.metadata, spec: job.properties.spec },
        },
      },
    },
    status: { type: ['object', 'null'] },
  },
};
writeFileSync(join(folder, 'cronjob-batch-v1.json'), `${JSON.stringify(cronJob, null, 2)}\n`);
