// Separate entry point: a service's main.ts imports only this, so telemetry starts before Nest loads.
export { runService } from './src/run';
