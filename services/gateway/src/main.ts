import { runService } from '@therapy-room/platform/run';

runService('gateway', async () => (await import('./app.module')).AppModule);
