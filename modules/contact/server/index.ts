export { ContactService } from './contact-service.ts';
export { CsvImporter } from './csv-import.ts';
export { contactMigrations } from './migrations.ts';
export { OpenContactApi } from './open-contact.ts';
export { registerContactOpenEvents } from './open-events.ts';
export { presentOpenUser } from './open-presenters.ts';
export { registerContactOpenRoutes } from './open-routes.ts';
export { registerContactRoutes } from './routes.ts';
