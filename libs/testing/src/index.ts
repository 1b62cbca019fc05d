export * from './expect-eventually';
export * from './test-infra';
export * from './kafka-probe';
export * from './otlp-collector';
export * from './smtp-sink';
export * from './stack';
export * from './in-process-service';
export * from './login-as';
export * from './oidc-provider';
export {
  startServiceProcess,
  spawnTs,
  runIdentityCli,
  runContentCli,
  type ServiceProcess,
} from '@therapy-room/tools-dev';
export { totpCode, totpStep, buildWebApp } from '@therapy-room/tools-dev';
export { freePort } from '@therapy-room/local-postgres';
export * from './service-under-test';
export * from './validate-openapi';
/** A real S3-compatible server (S3Proxy) for tests of the cluster's object storage (tools/s3). */
export { startLocalS3, type LocalS3Handle } from '@therapy-room/local-s3';
export * from './regions';
export * from './kafka-scan';
export * from './postgres-scan';
