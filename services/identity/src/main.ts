import { runService } from '@therapy-room/platform/run';

runService('identity', async () => (await import('./app.module')).AppModule);
