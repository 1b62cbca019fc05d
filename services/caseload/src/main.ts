import { runService } from '@therapy-room/platform/run';

runService('caseload', async () => (await import('./app.module')).AppModule);
