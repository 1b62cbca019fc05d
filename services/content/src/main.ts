import { runService } from '@therapy-room/platform/run';

runService('content', async () => (await import('./app.module')).AppModule);
