import { runService } from '@therapy-room/platform/run';

runService('audit', async () => (await import('./app.module')).AppModule);
