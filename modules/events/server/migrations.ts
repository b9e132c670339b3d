import type { MigrationSet } from '@kite/platform/migrations';
import * as eventsDelivery from './migrations/202611211000_events_delivery.ts';

/** The events module's migrations; pass to `migrateToLatest` after the platform's. */
export const eventsMigrations: MigrationSet = {
  '202611211000_events_delivery': eventsDelivery,
};
