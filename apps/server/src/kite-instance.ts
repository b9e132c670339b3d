import type { AuthService } from '@kite/auth/server';
import type { ContactService } from '@kite/contact/server';
import type { EventsService } from '@kite/events/server';
import type { DepartmentChats, ImService, MessageRetention } from '@kite/im/server';
import type { Logger } from '@kite/kernel/logger';
import type { OpenPlatformService } from '@kite/openplatform/server';
import type { Database } from '@kite/platform/database';
import type { CommandRunner, OutboxDispatcher } from '@kite/platform/outbox';
import type { ClientGateway } from '@kite/realtime/server';
import type { FastifyInstance } from 'fastify';
import type { KiteConfig } from './config.ts';

/** A built Kite server: its services, for the CLI, tests and benchmarks. */
export interface Kite {
  config: KiteConfig;
  app: FastifyInstance;
  database: Database;
  logger: Logger;
  dispatcher: OutboxDispatcher;
  commands: CommandRunner;
  contacts: ContactService;
  im: ImService;
  /** Department groups: tests wait on `idle()` after changing the org tree. */
  departmentChats: DepartmentChats;
  /** Message retention: tests call `sweep()` instead of waiting an hour. */
  retention: MessageRetention;
  auth: AuthService;
  openPlatform: OpenPlatformService;
  gateway: ClientGateway;
  events: EventsService;
  /** Listens on the configured host/port; resolves to the bound URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}
