export * from './expect-eventually';
export * from './test-infra';
export * from './kafka-probe';
export * from './otlp-collector';
export * from './stack';
export { startServiceProcess, spawnTs, runIdentityCli, type ServiceProcess } from '@therapy-room/tools-dev';
export { freePort } from '@therapy-room/local-postgres';
