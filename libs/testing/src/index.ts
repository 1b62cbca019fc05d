export * from './expect-eventually';
export * from './test-infra';
export * from './kafka-probe';
export { startServiceProcess, spawnTs, type ServiceProcess } from '@therapy-room/tools-dev';
export { freePort } from '@therapy-room/local-postgres';
