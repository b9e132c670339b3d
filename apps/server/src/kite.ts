import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { AuthService, authMigrations, InvitationService, registerAuthRoutes } from '@kite/auth/server';
import type { ContactDirectory } from '@kite/contact/contract';
import {
  ContactService,
  CsvImporter,
  contactMigrations,
  OpenContactApi,
  registerContactOpenRoutes,
  registerContactRoutes,
} from '@kite/contact/server';
import { type Clock, systemClock } from '@kite/kernel/clock';
import { createLogger, type Logger } from '@kite/kernel/logger';
import {
  createOpenAuthenticator,
  OpenPlatformService,
  openPlatformMigrations,
  registerOpenPlatformRoutes,
} from '@kite/openplatform/server';
import { writeAuditEntries } from '@kite/platform/audit';
import { acquireDataDirLock } from '@kite/platform/data-dir-lock';
import { type Database, openDatabase } from '@kite/platform/database';
import type { Authenticators } from '@kite/platform/http';
import { migrateToLatest } from '@kite/platform/migrations';
import { type CommandRunner, createCommandRunner, OutboxDispatcher } from '@kite/platform/outbox';
import { platformMigrations } from '@kite/platform/platform-migrations';
import { RateLimiter } from '@kite/platform/rate-limit';
import { ClientGateway } from '@kite/realtime/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAdminRoutes } from './admin-routes.ts';
import type { KiteConfig } from './config.ts';
import type { Kite } from './kite-instance.ts';

export type { Kite } from './kite-instance.ts';

import { createErrorHandler } from './error-handler.ts';
import { createSessionAuthenticator, sessionFromUpgrade } from './session-authenticator.ts';

export interface CreateKiteOptions {
  clock?: Clock;
  /** Take the data-dir lock (servers do; a test on an in-memory database need not). */
  lockDataDir?: boolean;
  /** Admin channel secret for the CLI (written to the lock file once listening). */
  adminSecret?: string;
}

/** Event types the web client receives (everyone in the tenant may see the directory change). */
const CLIENT_EVENT_PREFIXES = ['contact.'];

/**
 * The composition root: opens the database, runs migrations, builds every module's services and
 * wires their dependencies, and mounts their routes on one Fastify server.
 */
export async function createKite(config: KiteConfig, options: CreateKiteOptions = {}): Promise<Kite> {
  const logger = createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const usesPglite = !config.databaseUrl;
  const lock = options.lockDataDir !== false && usesPglite ? acquireDataDirLock(config.dataDir) : undefined;

  let database: Database;
  try {
    database = await openDatabase(
      config.databaseUrl
        ? { url: config.databaseUrl }
        : { dataDir: config.dataDir.startsWith('memory://') ? config.dataDir : `${config.dataDir}/pg` },
    );
    await migrateToLatest(database.db as never, platformMigrations, contactMigrations, authMigrations, openPlatformMigrations);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const { db } = database;

  const dispatcher = new OutboxDispatcher(db, logger);
  const commands = createCommandRunner(db, dispatcher);
  dispatcher.addDurable('platform.audit', writeAuditEntries);

  // Contact and auth need each other (accounts ↔ passwords); each sees the other only through its
  // contract interface, bound here.
  let contacts!: ContactService;
  const directory: ContactDirectory = {
    findActiveUsersByEmail: (email) => contacts.findActiveUsersByEmail(email),
    findDirectoryUser: (tenantId, id) => contacts.findDirectoryUser(tenantId, id),
    createUserUnchecked: (scope, tenantId, input) => contacts.createUserUnchecked(scope, tenantId, input),
  };
  const auth = new AuthService({ db, commands, directory, clock });
  contacts = new ContactService({ db: db as never, commands, credentials: auth });
  const invitations = new InvitationService({ db, commands, directory, auth, clock, publicUrl: () => config.publicUrl });
  const openPlatform = new OpenPlatformService({ db, commands, clock });
  const openContact = new OpenContactApi(db as never, contacts, (tenantId) => openPlatform.tenantKeyOf(tenantId));

  const authenticate: Authenticators = {
    user: createSessionAuthenticator(auth),
    open: createOpenAuthenticator({
      openPlatform,
      directory,
      limiter: new RateLimiter(config.openApiRateLimit, 1000, () => clock.now().getTime()),
    }),
  };

  const gateway = new ClientGateway({
    dispatcher,
    logger,
    authenticate: (request) => sessionFromUpgrade(auth, request),
    isVisible: (event) => CLIENT_EVENT_PREFIXES.some((prefix) => event.type.startsWith(prefix)),
  });

  const app = Fastify({
    bodyLimit: config.bodyLimit,
    trustProxy: config.publicUrl.startsWith('https://'),
    logger: false,
    // Feishu's SDK sends `{}` as the body of GET and DELETE requests; it is accepted and ignored.
    return503OnClosing: true,
  });
  app.setErrorHandler(createErrorHandler(logger));
  await app.register(cookie);

  let ready = false;
  app.get('/healthz', async (_request, reply) => {
    if (!ready) return reply.status(503).send({ status: 'starting' });
    return { status: 'ok' };
  });

  registerAuthRoutes(app, {
    auth,
    invitations,
    authenticate,
    presentUser: async (user) => contacts.getUser({ tenantId: user.tenantId, actor: { type: 'system', name: 'session' } }, user.id),
    setLocale: (userId, tenantId, locale) =>
      contacts.updateOwnLocale({ tenantId, actor: { type: 'user', userId, openId: '', name: '' } }, locale),
    secureCookies: config.publicUrl.startsWith('https://'),
  });
  registerContactRoutes(app, { contacts, importer: new CsvImporter(contacts, commands), authenticate });
  registerContactOpenRoutes(app, { api: openContact, authenticate });
  registerOpenPlatformRoutes(app, {
    openPlatform,
    directory,
    authenticate,
    tokenLimiter: new RateLimiter(60, 60_000, () => clock.now().getTime()),
    sessionUser: async (request) => {
      const ctx = await authenticate.user(request).catch(() => null);
      return ctx ? { id: ctx.actor.userId, tenantId: ctx.tenantId } : null;
    },
  });
  registerAdminRoutes(app, { db, authenticate, adminSecret: options.adminSecret, cli: () => kite });

  if (existsSync(config.webDist)) {
    await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (request.method === 'GET' && !/^\/(api|open-apis|ws|callback|collab)(\/|$)/.test(path)) {
        return reply.sendFile('index.html');
      }
      return reply
        .status(404)
        .send(
          path.startsWith('/open-apis/')
            ? { code: 1_000_404, msg: `No such API: ${request.method} ${path}` }
            : { error: { code: 'not_found', message: `No such endpoint: ${request.method} ${path}` } },
        );
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .send(
          request.url.startsWith('/open-apis/')
            ? { code: 1_000_404, msg: `No such API: ${request.method} ${request.url}` }
            : { error: { code: 'not_found', message: `No such endpoint: ${request.method} ${request.url.split('?')[0]}` } },
        ),
    );
  }

  app.server.on('upgrade', (request, socket, head) => {
    if (gateway.handleUpgrade(request, socket, head)) return;
    socket.destroy();
  });

  const kite: Kite = {
    config,
    app,
    database,
    logger,
    dispatcher,
    commands,
    contacts,
    auth,
    openPlatform,
    gateway,
    async listen() {
      await dispatcher.start();
      gateway.start();
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address() as AddressInfo;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
      lock?.update({ adminUrl: url, adminSecret: options.adminSecret });
      ready = true;
      return url;
    },
    async close() {
      ready = false;
      dispatcher.stop();
      await gateway.close();
      await app.close();
      await database.close();
      lock?.release();
    },
  };
  return kite;
}
