import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { authEvents, type LogoutEventPayload } from '@kite/auth/contract';
import { AuthService, authMigrations, InvitationService, registerAuthRoutes } from '@kite/auth/server';
import { type ContactDirectory, contactEvents } from '@kite/contact/contract';
import {
  ContactService,
  CsvImporter,
  contactMigrations,
  OpenContactApi,
  registerContactOpenEvents,
  registerContactOpenRoutes,
  registerContactRoutes,
} from '@kite/contact/server';
import { createEventsService, eventsMigrations, type VerifyEventUrlResult, WS_ENDPOINT_PATH } from '@kite/events/server';
import {
  CardCallbacks,
  chatTopic,
  DelayedCardUpdates,
  DepartmentChats,
  EphemeralCards,
  ImForwarding,
  ImPins,
  ImResources,
  ImService,
  ImUrgent,
  ImUserSettings,
  imEventAudience,
  imMigrations,
  isEverydayImEvent,
  MessageRetention,
  OpenChatAdmin,
  OpenImApi,
  registerDepartmentChatRoutes,
  registerImCardRoutes,
  registerImChatAdminOpenRoutes,
  registerImEphemeralRoutes,
  registerImForwardRoutes,
  registerImOpenEvents,
  registerImOpenRoutes,
  registerImPinRoutes,
  registerImResourceRoutes,
  registerImRoutes,
  registerImUrgentRoutes,
  registerImUserSettingsRoutes,
  registerImWebhookRoutes,
  registerRetentionRoutes,
  WebhookBots,
} from '@kite/im/server';
import { type Clock, systemClock } from '@kite/kernel/clock';
import { AppError } from '@kite/kernel/errors';
import { createLogger } from '@kite/kernel/logger';
import {
  CardTemplateService,
  createOpenAuthenticator,
  createTokenRevocationHandler,
  OpenPlatformService,
  openPlatformMigrations,
  registerCardTemplateRoutes,
  registerOpenPlatformRoutes,
  TOKEN_REVOCATION_CONSUMER,
} from '@kite/openplatform/server';
import { createAuditConsumer } from '@kite/platform/audit';
import { openBlobStore } from '@kite/platform/blob-store';
import { acquireDataDirLock } from '@kite/platform/data-dir-lock';
import { type Database, openDatabase } from '@kite/platform/database';
import type { Authenticators } from '@kite/platform/http';
import { migrateToLatest } from '@kite/platform/migrations';
import { createCommandRunner, type DomainEvent, OutboxDispatcher } from '@kite/platform/outbox';
import { platformMigrations } from '@kite/platform/platform-migrations';
import { RateLimiter } from '@kite/platform/rate-limit';
import { type EventAudience, tenantTopic, userTopic } from '@kite/realtime/contract';
import { ClientGateway } from '@kite/realtime/server';
import Fastify from 'fastify';
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

/**
 * Who receives an outbox event on the client gateway: directory changes go to the whole tenant
 * (everyone may see the directory), im events to the chat's members (im decides), nothing else.
 */
function clientAudience(event: DomainEvent): EventAudience | null {
  if (event.type.startsWith('contact.')) return { topics: [tenantTopic(event.tenantId)] };
  if (event.type.startsWith('im.')) return imEventAudience(event);
  return null;
}

/**
 * The person whose credentials an event ends — password reset, deactivation: their sessions, live
 * connections, and the OIDC and personal tokens apps and scripts use in their name.
 */
function endsCredentialsOf(event: DomainEvent): string | null {
  return event.type === contactEvents.userDeactivated || event.type === authEvents.passwordReset
    ? ((event.payload as { id?: string }).id ?? null)
    : null;
}

/** The one browser session a sign-out ends (its live connections close; the user's others stay). */
function endsSessionOf(event: DomainEvent): { userId: string; sessionId: string } | null {
  if (event.type !== authEvents.loggedOut) return null;
  const payload = event.payload as Partial<LogoutEventPayload>;
  return payload.id && payload.sessionId ? { userId: payload.id, sessionId: payload.sessionId } : null;
}

/** A callback URL an admin sets is saved only once it answered the url_verification challenge. */
function refuseUnverified(code: string, what: string, result: VerifyEventUrlResult): void {
  if (!result.ok) {
    throw new AppError(code, `The ${what} did not pass the url_verification challenge: ${result.reason}`, {
      status: 400,
      openCode: 99_992_402,
    });
  }
}

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
    const onIdleError = (error: Error) => logger.warn('database connection dropped', { error: error.message });
    database = await openDatabase(
      config.databaseUrl
        ? { url: config.databaseUrl, onIdleError }
        : { dataDir: config.dataDir.startsWith('memory://') ? config.dataDir : `${config.dataDir}/pg` },
    );
    await migrateToLatest(
      database.db as never,
      platformMigrations,
      contactMigrations,
      authMigrations,
      openPlatformMigrations,
      eventsMigrations,
      imMigrations,
    );
  } catch (error) {
    lock?.release();
    throw error;
  }
  const { db } = database;

  const dispatcher = new OutboxDispatcher(db, logger);
  const commands = createCommandRunner(db, dispatcher);
  // Everyday chat activity stays out of the audit log; the messenger says which events that is.
  const isAudited = (type: string) => !isEverydayImEvent(type);
  dispatcher.addDurable('platform.audit', createAuditConsumer(isAudited), { wants: (event) => isAudited(event.type) });
  // Caches of sessions and tokens on every node follow changes made on any node.
  dispatcher.addLive('auth.cache', (events) => {
    for (const event of events) {
      // A new person has no sessions yet (a CSV import announces thousands at once).
      const userChanged = event.type.startsWith('contact.user.') && event.type !== contactEvents.userCreated;
      if (userChanged || event.type === authEvents.loggedOut || event.type === authEvents.passwordReset) {
        auth.invalidateSessions(event.subjectId);
      }
      const appsChanged = event.type.startsWith('openplatform.') && !event.type.startsWith('openplatform.card_template.');
      if (appsChanged || endsCredentialsOf(event)) openPlatform.forgetCachedTokens();
    }
  });

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
  const cardTemplates = new CardTemplateService({ db, commands, clock, apps: openPlatform });
  // A password reset or deactivation revokes the person's user, refresh and personal tokens.
  dispatcher.addDurable(TOKEN_REVOCATION_CONSUMER, createTokenRevocationHandler(openPlatform, endsCredentialsOf), {
    wants: (event) => endsCredentialsOf(event) !== null,
  });
  const openContact = new OpenContactApi(db as never, contacts, (tenantId) => openPlatform.tenantKeyOf(tenantId));

  // Apps receive Feishu events for outbox events, by webhook or over the SDK's long connection.
  const events = createEventsService({
    db,
    dispatcher,
    apps: openPlatform,
    logger,
    ...(config.publicUrlExplicit ? { publicUrl: config.publicUrl } : {}),
    clock,
  });
  registerContactOpenEvents(events.registerOpenEvent);
  registerImOpenEvents(events.registerOpenEvent);

  // Uploaded images and files: bytes in the blob store (KITE_DATA_DIR/blobs), rows in im's tables.
  const resources = new ImResources({
    db: db as never,
    blobs: openBlobStore(config.dataDir),
    limits: { maxFileBytes: config.maxUploadBytes, maxImageBytes: config.maxImageBytes },
    clock,
  });
  // The messenger sees people through contact's UserLookup, bots through the app directory, and
  // renders apps' template cards from open platform's card templates.
  const im = new ImService({
    resources,
    db: db as never,
    commands,
    users: contacts,
    apps: openPlatform,
    cardTemplates,
    clock,
    recallMinutes: config.imRecallMinutes,
  });
  // Department groups follow the org tree: contact's events add and remove their people.
  const departmentChats = new DepartmentChats({ db: db as never, im, users: contacts, logger });
  dispatcher.addLive('im.department-chats', departmentChats.consume);
  const retention = new MessageRetention({ db: db as never, commands, clock, logger });
  // Custom bots: other systems post to a chat through a hook URL (Feishu's 自定义机器人).
  const webhookBots = new WebhookBots({ db: db as never, commands, im, clock });
  const urgent = new ImUrgent({ db: db as never, commands, im, clock });
  const pins = new ImPins({ db: db as never, commands, im, clock });
  const userSettings = new ImUserSettings({ db: db as never, commands, clock });
  // Forward and merge-forward send through the messenger; merged histories show in messages.get.
  const forwarding = new ImForwarding({ db: db as never, im, users: contacts, resources });
  const openIm = new OpenImApi(
    im,
    contacts,
    openPlatform,
    (tenantId) => openPlatform.tenantKeyOf(tenantId),
    (ctx, record) => forwarding.subMessageRecords(ctx, record),
  );

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
    topicsFor: async (identity) => [
      tenantTopic(identity.tenantId),
      userTopic(identity.userId),
      ...(await im.chatIdsOfUser(identity.tenantId, identity.userId)).map(chatTopic),
    ],
    audienceOf: clientAudience,
    // Deactivation and a password reset end all of a user's sessions, live connections included;
    // signing out ends that browser's connections only.
    endsSessionsOf: endsCredentialsOf,
    endsSession: endsSessionOf,
  });

  const handleError = createErrorHandler(logger);
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    // Errors raised before routing (a malformed URL) get the same JSON shape as all others.
    frameworkErrors: handleError,
    trustProxy: config.trustProxy,
    logger: false,
    // Feishu's SDK sends `{}` as the body of GET and DELETE requests; it is accepted and ignored.
    return503OnClosing: true,
  });
  app.setErrorHandler(handleError);
  await app.register(cookie);

  let ready = false;
  // Requests still running when the server stops finish before the database closes.
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    inFlight++;
    // Which events an answer already reflects: everything delivered before it was read. The web
    // compares this with its first realtime hello and refetches only when events came in between.
    if (request.url.startsWith('/api/')) reply.header('x-kite-seq', dispatcher.deliveredSeq());
  });
  app.addHook('onResponse', async () => {
    inFlight--;
  });
  // Fastify insists an async onRequestAbort hook declares exactly one parameter.
  app.addHook('onRequestAbort', async (_request) => {
    inFlight--;
  });
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
  registerImRoutes(app, { im, authenticate });
  registerDepartmentChatRoutes(app, { departmentChats, authenticate });
  registerRetentionRoutes(app, { retention, authenticate });
  registerImOpenRoutes(app, { api: openIm, authenticate });
  registerImChatAdminOpenRoutes(app, { admin: new OpenChatAdmin(openIm), authenticate });
  registerImResourceRoutes(app, { resources, authenticate });
  // Cards only one person sees: sent and deleted by apps, clicked like any card.
  const ephemeral = new EphemeralCards({ db: db as never, commands, im, clock });
  // Card clicks go back to the app that sent the card; its answer may replace the card, and so may
  // a delayed update with the click's token (of an ephemeral card too).
  const cardUpdates = new DelayedCardUpdates({ db: db as never, im, users: contacts, clock, ephemeral });
  const cards = new CardCallbacks({
    db: db as never,
    im,
    apps: openPlatform,
    users: contacts,
    callbacks: events.callbacks,
    updates: cardUpdates,
    ephemeral,
  });
  registerImCardRoutes(app, { cards, updates: cardUpdates, authenticate, now: () => clock.now().getTime() });
  registerImEphemeralRoutes(app, { ephemeral, openIm, authenticate, now: () => clock.now().getTime() });
  registerImWebhookRoutes(app, {
    bots: webhookBots,
    authenticate,
    baseUrl: (request) => (config.publicUrlExplicit ? config.publicUrl : `${request.protocol}://${request.host}`),
  });
  registerImUrgentRoutes(app, { urgent, users: contacts, authenticate });
  registerImPinRoutes(app, { pins, authenticate });
  registerImUserSettingsRoutes(app, { settings: userSettings, authenticate });
  registerImForwardRoutes(app, { forwarding, openIm, authenticate });
  registerCardTemplateRoutes(app, { templates: cardTemplates, authenticate });
  registerOpenPlatformRoutes(app, {
    openPlatform,
    directory,
    authenticate,
    tokenLimiter: new RateLimiter(config.tokenRateLimit, 60_000, () => clock.now().getTime()),
    verifyEventUrl: async (record) => refuseUnverified('event_url_unverified', 'event URL', await events.verifyEventUrl(record)),
    verifyCardUrl: async (record) => refuseUnverified('card_url_unverified', 'card request URL', await events.verifyCardUrl(record)),
    onCredentialsChanged: (appId) => {
      events.disconnectApp(appId);
    },
    sessionUser: async (request) => {
      const ctx = await authenticate.user(request).catch(() => null);
      return ctx ? { id: ctx.actor.userId, tenantId: ctx.tenantId } : null;
    },
  });
  // The SDK's WSClient asks here (not under /open-apis) where to open its long connection.
  const endpointLimiter = new RateLimiter(config.tokenRateLimit, 60_000, () => clock.now().getTime());
  app.post(WS_ENDPOINT_PATH, async (request, reply) => {
    if (!endpointLimiter.hit(`endpoint|${request.ip}`).allowed) {
      return reply.status(429).send({ code: 99_991_400, msg: 'request trigger frequency limit', data: {} });
    }
    const { status, json } = await events.endpointHandler(request.body, request.headers.host);
    return reply.status(status).send(json);
  });

  registerAdminRoutes(app, { db, authenticate, adminSecret: options.adminSecret, cli: () => kite });

  if (existsSync(config.webDist)) {
    await app.register(fastifyStatic, { root: config.webDist, wildcard: false });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      // Client routes get the app; a missing build file (/assets/…, e.g. after a rebuild) is a 404,
      // so the browser does not run index.html as a script.
      if (request.method === 'GET' && !/^\/(api|open-apis|ws|callback|collab|assets)(\/|$)/.test(path)) {
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
    if (events.handleUpgrade(request, socket, head)) return;
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
    im,
    departmentChats,
    retention,
    auth,
    openPlatform,
    gateway,
    events,
    async listen() {
      await dispatcher.start();
      departmentChats.enqueue(() => departmentChats.reconcile());
      retention.start();
      events.start();
      gateway.start();
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address() as AddressInfo;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
      lock?.update({ adminUrl: url, adminSecret: options.adminSecret });
      ready = true;
      // Messages stored before search terms existed are indexed in the background.
      void im.messageSearch
        .indexOlderMessages()
        .then((count) => count > 0 && logger.info('indexed older messages for search', { count }))
        .catch((error: Error) => logger.warn('indexing older messages for search stopped', { error: error.message }));
      return url;
    },
    async close() {
      ready = false;
      dispatcher.stop();
      await gateway.close();
      await app.close();
      await departmentChats.idle();
      await retention.stop();
      for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      await events.stop();
      await database.close();
      lock?.release();
    },
  };
  return kite;
}
