export * from './expect-eventually';
export * from './test-infra';
export * from './kafka-probe';
export * from './service-process';
export { freePort } from '@therapy-room/local-postgres';
