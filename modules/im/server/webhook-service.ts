import {
  type ChatView,
  type CreateWebhookBotInput,
  MAX_WEBHOOK_BOTS_PER_CHAT,
  type UpdateWebhookBotInput,
  type WebhookBotEventPayload,
  type WebhookBotView,
  webhookEvents,
} from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors, isAppError } from '@kite/kernel/errors';
import { publicId, randomHex, randomToken } from '@kite/kernel/ids';
import type { CommandRunner, Emit } from '@kite/platform/outbox';
import { RateLimiter } from '@kite/platform/rate-limit';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { type ChatRow, imRepository, type Party } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';
import { assertMember, chatPermissions, imErrors, partyOf } from './policy.ts';
import { type PartyInfo, partyKey, presentChatRef, presentParty, presentUserRef } from './presenters.ts';
import { systemContent } from './system-messages.ts';
import { webhookErrors } from './webhook-errors.ts';
import { ipAllowed, normaliseAllowlist } from './webhook-ip.ts';
import { hookMessage, hookTimestamp, matchesKeywords, parseHookBody } from './webhook-payload.ts';
import { presentWebhookBot, presentWebhookBotEvent, presentWebhookParty } from './webhook-presenters.ts';
import { webhookRepository as repo } from './webhook-repository.ts';
import { hashToken, verifyWebhookSignature } from './webhook-signature.ts';
import type { WebhookBotRow, WebhookDb } from './webhook-tables.ts';

export interface WebhookLimits {
  perSecond: number;
  perMinute: number;
}

/** Feishu's limits for a custom bot: 5 messages a second, 100 a minute. */
export const FEISHU_WEBHOOK_LIMITS: WebhookLimits = { perSecond: 5, perMinute: 100 };

export interface WebhookBotsDeps {
  db: Kysely<WebhookDb>;
  commands: CommandRunner;
  /** Sends the bots' messages (the checks and writes of every message) and names people. */
  im: ImService;
  clock: Clock;
  limits?: WebhookLimits;
}

/** A bot with the URL token and secret a command just made (null: unchanged, never shown again). */
export interface IssuedBot {
  bot: WebhookBotView;
  token: string | null;
  secret: string | null;
}

/** One POST to a hook URL, as the route received it. */
export interface HookRequest {
  token: string;
  body: string;
  ip: string;
  userAgent?: string;
}

/** 160 random bits, hex: what the URL carries. */
const TOKEN_BYTES = 20;
const TOKEN_SHAPE = /^[0-9a-f]{40}$/;
const TOKEN_HINT_LENGTH = 6;

const botNotFound = () => new AppError('not_found', 'Bot not found', { status: 404 });

function newToken(): string {
  return randomHex(TOKEN_BYTES);
}

function newSecret(): string {
  return randomToken(16);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * Custom bots (Feishu's 自定义机器人): members add them to group chats, other systems post through
 * their hook URL. Who may add one follows the chat's "who may add members" setting; its creator and
 * the chat's owner and admins may change or remove it. A bot is a chat member of kind `webhook`, so
 * its messages take the send path of everyone's: same content checks, post and @all policies,
 * realtime delivery and app events.
 */
export class WebhookBots {
  private readonly perSecond: RateLimiter;
  private readonly perMinute: RateLimiter;

  constructor(private readonly deps: WebhookBotsDeps) {
    const limits = deps.limits ?? FEISHU_WEBHOOK_LIMITS;
    const now = () => deps.clock.now().getTime();
    this.perSecond = new RateLimiter(limits.perSecond, 1000, now);
    this.perMinute = new RateLimiter(limits.perMinute, 60_000, now);
  }

  private get db() {
    return this.deps.db;
  }

  private run<T>(ctx: Ctx, body: (trx: Transaction<WebhookDb>, emit: Emit) => Promise<T>): Promise<T> {
    return this.deps.commands.run(ctx, (trx, emit) => body(trx as unknown as Transaction<WebhookDb>, emit));
  }

  /** The caller's membership of a live chat and what it lets them do. */
  private async standing(ctx: Ctx, chatRef: string) {
    const party = partyOf(ctx);
    const found = await imRepository.findChatAndMember(this.db as never, ctx.tenantId, chatRef, party);
    if (!found) throw imErrors.chatNotFound();
    assertMember(found.chat, found.member, 'chat');
    return { chat: found.chat, party, rights: chatPermissions(found.chat, found.member) };
  }

  /** A live bot of this tenant that the caller may change. */
  private async managed(ctx: Ctx, id: string) {
    const bot = await repo.findLive(this.db, ctx.tenantId, id);
    if (!bot) throw botNotFound();
    const { chat, party, rights } = await this.standing(ctx, bot.chat_id);
    if (!canManage(bot, party, rights)) {
      throw imErrors.forbidden('chat', 'Only whoever added this bot and the chat’s owner and admins can change it');
    }
    return { bot, chat, party };
  }

  private async operator(ctx: Ctx, party: Party): Promise<PartyInfo> {
    const found = (await this.deps.im.parties(ctx.tenantId, [party])).get(partyKey(party.kind, party.id));
    if (!found) throw imErrors.userNotFound();
    return found;
  }

  private async views(ctx: Ctx, bots: readonly WebhookBotRow[], canManageBot: (bot: WebhookBotRow) => boolean): Promise<WebhookBotView[]> {
    const creators = await this.deps.im.parties(
      ctx.tenantId,
      bots.map((bot) => ({ kind: 'user' as const, id: bot.created_by })),
    );
    return bots.map((bot) => {
      const creator = creators.get(partyKey('user', bot.created_by));
      return presentWebhookBot(bot, creator ? presentUserRef(creator) : null, canManageBot(bot));
    });
  }

  private async issued(ctx: Ctx, bot: WebhookBotRow, made: { token?: string; secret?: string | null }): Promise<IssuedBot> {
    const [view] = await this.views(ctx, [bot], () => true);
    return { bot: view!, token: made.token ?? null, secret: made.secret ?? null };
  }

  private async emitBot(
    trx: Transaction<WebhookDb>,
    emit: Emit,
    type: string,
    chat: ChatRow,
    bot: WebhookBotRow,
    operator: PartyInfo,
    changed?: string[],
  ): Promise<void> {
    const apps = await imRepository.listMembers(trx as never, chat.id, { kind: 'app', limit: 1000 });
    const payload: WebhookBotEventPayload = {
      chatId: chat.id,
      chat: presentChatRef(
        chat,
        apps.map((member) => member.member_id),
      ),
      bot: presentWebhookBotEvent(bot),
      ...(changed ? { changed } : {}),
      operator: presentParty(operator),
    };
    await emit({ type, subjectType: 'webhook_bot', subjectId: bot.id, payload });
  }

  // Queries ---------------------------------------------------------------------------------------

  /** A chat's custom bots, for any member. */
  async list(ctx: Ctx, chatRef: string): Promise<{ items: WebhookBotView[] }> {
    const { chat, party, rights } = await this.standing(ctx, chatRef);
    const bots = await repo.listOfChat(this.db, chat.id);
    return { items: await this.views(ctx, bots, (bot) => canManage(bot, party, rights)) };
  }

  // Commands --------------------------------------------------------------------------------------

  async create(ctx: Ctx, chatRef: string, input: z.output<typeof CreateWebhookBotInput>): Promise<IssuedBot> {
    const { chat, party, rights } = await this.standing(ctx, chatRef);
    if (chat.chat_type === 'p2p') throw imErrors.notInP2p();
    if (!rights.addMembers) throw imErrors.forbidden('chat', 'Only the owner and admins can add bots to this chat');
    const ipAllowlist = normaliseAllowlist(input.ipAllowlist);
    const operator = await this.operator(ctx, party);
    const token = newToken();
    const secret = input.signed ? newSecret() : null;
    const bot = await this.run(ctx, async (trx, emit) => {
      const locked = await imRepository.lockChat(trx as never, ctx.tenantId, chat.id);
      if (!locked || locked.dissolved) throw imErrors.chatDissolved();
      if ((await repo.countOfChat(trx, chat.id)) >= MAX_WEBHOOK_BOTS_PER_CHAT) {
        throw errors.conflict('too_many_bots', `A chat can have at most ${MAX_WEBHOOK_BOTS_PER_CHAT} custom bots`);
      }
      const now = this.deps.clock.now();
      const row: WebhookBotRow = {
        id: publicId.appId(),
        tenant_id: ctx.tenantId,
        chat_id: chat.id,
        name: input.name,
        description: input.description ?? '',
        token_hash: hashToken(token),
        token_hint: token.slice(0, TOKEN_HINT_LENGTH),
        secret,
        keywords: [...new Set(input.keywords)],
        ip_allowlist: ipAllowlist,
        created_by: party.id,
        created_at: now,
        updated_at: now,
        removed_at: null,
      };
      await repo.insert(trx, row);
      // It joins as a member reading from now on: its own messages advance its read position only.
      await imRepository.insertMembers(trx as never, [
        {
          tenant_id: ctx.tenantId,
          chat_id: chat.id,
          member_kind: 'webhook',
          member_id: row.id,
          role: 'member',
          last_read_seq: Number(locked.last_seq),
        },
      ]);
      await this.emitBot(trx, emit, webhookEvents.created, locked, row, operator);
      await this.timelineLine(trx, emit, locked, 'webhook_bot_added', row, operator);
      return row;
    });
    return this.issued(ctx, bot, { token, secret });
  }

  /** Name, description, filters; turning signing on makes a secret (answered once), off forgets it. */
  async update(ctx: Ctx, id: string, input: UpdateWebhookBotInput): Promise<IssuedBot> {
    const { bot, chat, party } = await this.managed(ctx, id);
    const patch: Partial<WebhookBotRow> = {};
    const changed: string[] = [];
    const change = <K extends keyof WebhookBotRow>(field: string, column: K, value: WebhookBotRow[K]) => {
      patch[column] = value;
      changed.push(field);
    };
    if (input.name !== undefined && input.name !== bot.name) change('name', 'name', input.name);
    if (input.description !== undefined && input.description !== bot.description) change('description', 'description', input.description);
    if (input.keywords !== undefined) {
      const keywords = [...new Set(input.keywords)];
      if (!sameList(keywords, bot.keywords)) change('keywords', 'keywords', keywords);
    }
    if (input.ipAllowlist !== undefined) {
      const allowlist = normaliseAllowlist(input.ipAllowlist);
      if (!sameList(allowlist, bot.ip_allowlist)) change('ipAllowlist', 'ip_allowlist', allowlist);
    }
    let secret: string | null = null;
    if (input.signed === true && bot.secret === null) {
      secret = newSecret();
      change('signed', 'secret', secret);
    } else if (input.signed === false && bot.secret !== null) {
      change('signed', 'secret', null);
    }
    if (changed.length === 0) return this.issued(ctx, bot, {});
    return this.save(ctx, { bot, chat, party }, patch, changed, { secret });
  }

  /** A new URL (the old one stops working at once) or a new secret (signing turns on). */
  async reset(ctx: Ctx, id: string, what: 'url' | 'secret'): Promise<IssuedBot> {
    const target = await this.managed(ctx, id);
    if (what === 'url') {
      const token = newToken();
      return this.save(ctx, target, { token_hash: hashToken(token), token_hint: token.slice(0, TOKEN_HINT_LENGTH) }, ['url'], { token });
    }
    const secret = newSecret();
    return this.save(ctx, target, { secret }, ['secret'], { secret });
  }

  private async save(
    ctx: Ctx,
    target: { bot: WebhookBotRow; chat: ChatRow; party: Party },
    patch: Partial<WebhookBotRow>,
    changed: string[],
    made: { token?: string; secret?: string | null },
  ): Promise<IssuedBot> {
    const operator = await this.operator(ctx, target.party);
    const after = await this.run(ctx, async (trx, emit) => {
      const row = await repo.update(trx, target.bot.id, { ...patch, updated_at: this.deps.clock.now() });
      if (!row) throw botNotFound();
      await this.emitBot(trx, emit, webhookEvents.updated, target.chat, row, operator, changed);
      return row;
    });
    return this.issued(ctx, after, made);
  }

  /** The URL stops working and the bot leaves the chat; its messages stay, under its name. */
  async remove(ctx: Ctx, id: string): Promise<void> {
    const { bot, chat, party } = await this.managed(ctx, id);
    const operator = await this.operator(ctx, party);
    await this.run(ctx, async (trx, emit) => {
      const locked = await imRepository.lockChat(trx as never, ctx.tenantId, chat.id);
      if (!locked || locked.dissolved) throw imErrors.chatDissolved();
      const now = this.deps.clock.now();
      const row = await repo.update(trx, bot.id, { removed_at: now, updated_at: now, secret: null });
      if (!row) throw botNotFound();
      await imRepository.deleteMembers(trx as never, chat.id, 'webhook', [bot.id]);
      await this.emitBot(trx, emit, webhookEvents.removed, locked, row, operator);
      await this.timelineLine(trx, emit, locked, 'webhook_bot_removed', row, operator);
    });
  }

  /** "X added (removed) custom bot Y" in the chat's timeline, in the command's transaction. */
  private async timelineLine(
    trx: Transaction<WebhookDb>,
    emit: Emit,
    chat: ChatRow,
    template: 'webhook_bot_added' | 'webhook_bot_removed',
    bot: WebhookBotRow,
    operator: PartyInfo,
  ): Promise<void> {
    const botParty = presentWebhookParty(bot);
    const content = systemContent(template, {
      operator: { kind: operator.type, id: operator.id },
      targets: [{ kind: 'webhook', id: bot.id }],
    });
    const infos = new Map([
      [partyKey(operator.type, operator.id), operator],
      [partyKey('webhook', bot.id), botParty],
    ]);
    await this.deps.im.systemMessage(trx as never, emit, chat, content, infos);
  }

  // The hook --------------------------------------------------------------------------------------

  /**
   * A message posted to a hook URL. Checks, in order: the token (unknown, removed and dissolved are
   * one answer), the bot's rate limits, its IP allowlist, the body's shape, the signature, the
   * keyword filter; then sends as the bot. Every refusal happens before anything is stored.
   */
  async receive(request: HookRequest): Promise<void> {
    const bot = TOKEN_SHAPE.test(request.token) ? await repo.findByTokenHash(this.db, hashToken(request.token)) : undefined;
    if (!bot) throw webhookErrors.tokenInvalid();
    this.takeQuota(bot.id);
    if (!ipAllowed(bot.ip_allowlist, request.ip)) throw webhookErrors.ipNotAllowed();
    const body = parseHookBody(request.body);
    if (bot.secret !== null) {
      const signed = verifyWebhookSignature({
        timestamp: hookTimestamp(body),
        sign: body.sign ?? '',
        secret: bot.secret,
        nowMs: this.deps.clock.now().getTime(),
      });
      if (!signed) throw webhookErrors.signMismatch();
    }
    await asParamErrors(async () => {
      const message = hookMessage(body);
      if (!matchesKeywords(message, bot.keywords)) throw webhookErrors.keywordsNotFound();
      const ctx: Ctx = {
        tenantId: bot.tenant_id,
        actor: { type: 'system', name: bot.name },
        ip: request.ip,
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
      };
      await this.deps.im.sendAs(ctx, { kind: 'webhook', id: bot.id }, bot.chat_id, message);
    });
  }

  /** Counts a request against the bot's limits; over either, 429 (99991400). */
  private takeQuota(botId: string): void {
    const second = this.perSecond.hit(botId);
    if (!second.allowed) throw webhookErrors.rateLimited(second.resetSeconds);
    const minute = this.perMinute.hit(botId);
    if (!minute.allowed) throw webhookErrors.rateLimited(minute.resetSeconds);
  }
}

/** The bot's creator (while they may still add members) and the chat's owner and admins. */
function canManage(bot: WebhookBotRow, party: Party, rights: ChatView['permissions']): boolean {
  return rights.manage || (party.kind === 'user' && party.id === bot.created_by && rights.addMembers);
}

/** What the send path refuses as content: a card template needs an app, which a custom bot is not. */
const CONTENT_REFUSALS: ReadonlySet<string> = new Set(['content_invalid', 'card_template_invalid', 'card_template_not_found']);

/** Content the send path refuses is the sender's bad parameter, in the hook's terms: 19001. */
async function asParamErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isAppError(error) && CONTENT_REFUSALS.has(error.code)) throw webhookErrors.paramInvalid(error.message, error.status === 413);
    throw error;
  }
}
