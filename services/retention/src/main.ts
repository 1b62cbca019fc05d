import { runService } from '@therapy-room/platform/run';

runService('retention', async () => (await import('./app.module')).AppModule);
