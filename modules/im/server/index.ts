export { type Ctx as ImContext, ImService } from './im-service.ts';
export { imMigrations } from './migrations.ts';
export { registerImOpenEvents } from './open-events.ts';
export { OpenImApi } from './open-im.ts';
export { registerImOpenRoutes } from './open-routes.ts';
export { chatTopic, imEventAudience } from './realtime-audience.ts';
export { registerImRoutes } from './routes.ts';
