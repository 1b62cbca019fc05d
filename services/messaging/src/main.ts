import { runService } from '@therapy-room/platform/run';

runService('messaging', async () => (await import('./app.module')).AppModule);
