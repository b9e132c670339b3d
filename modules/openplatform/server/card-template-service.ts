import type { Clock } from '@kite/kernel/clock';
import { errors } from '@kite/kernel/errors';
import { newId, publicId } from '@kite/kernel/ids';
import {
  CARD_TEMPLATE_ID_PATTERN,
  type CardJsonObject,
  type CardTemplateDirectory,
  type CardTemplateInput,
  type CardTemplatePatch,
  type CardTemplateRecord,
  type CardTemplateSummary,
  type CardTemplateVersionInput,
  type CardTemplateVersionView,
  type CardTemplateView,
  cardTemplateVariables,
  MAX_CARD_TEMPLATE_VERSIONS,
  MAX_CARD_TEMPLATES_PER_APP,
  nextCardTemplateVersion,
  openPlatformEvents,
} from '@kite/openplatform/contract';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner, Emit } from '@kite/platform/outbox';
import type { PlatformTables } from '@kite/platform/platform-tables';
import type { Kysely, Transaction } from 'kysely';
import { type CardTemplateRow, type CardTemplateVersionRow, cardTemplateRepository as repo } from './card-template-repository.ts';
import type { OpenPlatformService } from './open-platform-service.ts';
import type { OpenPlatformTables } from './tables.ts';

type Ctx = Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent' | 'isTenantAdmin'>;
type Db = OpenPlatformTables;

const templateErrors = {
  notFound: () => errors.notFound('Card template'),
  versionNotFound: () => errors.notFound('Card template version'),
  versionExists: (name: string) =>
    errors.conflict('card_template_version_exists', `Version ${name} is already published; versions never change, so choose a new one`),
  tooManyVersions: () =>
    errors.conflict('too_many_card_template_versions', `A template keeps at most ${MAX_CARD_TEMPLATE_VERSIONS} versions`),
  tooManyTemplates: () => errors.conflict('too_many_card_templates', `An app holds at most ${MAX_CARD_TEMPLATES_PER_APP} card templates`),
};

/**
 * Card templates of apps (Feishu's card builder): tenant administrators create them per app in the
 * console and publish versions; apps send them by id (`CardTemplateDirectory`, read by the
 * messenger). A version never changes once published, and the newest is what a send without a
 * version gets.
 */
export class CardTemplateService implements CardTemplateDirectory {
  private readonly db: Kysely<Db>;

  constructor(private readonly deps: { db: Kysely<PlatformTables>; commands: CommandRunner; clock: Clock; apps: OpenPlatformService }) {
    this.db = deps.db as unknown as Kysely<Db>;
  }

  /** The app, if the caller administers its tenant (403 for others, 404 for another tenant's app). */
  private async appOf(ctx: Ctx, appId: string): Promise<string> {
    return (await this.deps.apps.getAppOfTenant(ctx, appId)).appId;
  }

  private async templateOf(ctx: Ctx, appId: string, templateId: string): Promise<CardTemplateRow> {
    const template = await repo.find(this.db, ctx.tenantId, await this.appOf(ctx, appId), templateId);
    if (!template) throw templateErrors.notFound();
    return template;
  }

  async list(ctx: Ctx, appId: string): Promise<CardTemplateSummary[]> {
    const templates = await repo.listOfApp(this.db, ctx.tenantId, await this.appOf(ctx, appId));
    const versions = groupVersions(
      await repo.versionsOf(
        this.db,
        templates.map((template) => template.id),
      ),
    );
    return templates.flatMap((template) => {
      const [latest, ...older] = versions.get(template.id) ?? [];
      if (!latest) return [];
      return [
        {
          templateId: template.template_id,
          name: template.name,
          latestVersion: latest.version_name,
          versionCount: older.length + 1,
          variables: cardTemplateVariables(JSON.parse(latest.card)),
          updatedAt: template.updated_at.toISOString(),
        },
      ];
    });
  }

  async get(ctx: Ctx, appId: string, templateId: string): Promise<CardTemplateView> {
    return this.present(await this.templateOf(ctx, appId, templateId));
  }

  async version(ctx: Ctx, appId: string, templateId: string, versionName: string): Promise<CardTemplateVersionView> {
    const template = await this.templateOf(ctx, appId, templateId);
    const version = await repo.version(this.db, template.id, versionName);
    if (!version) throw templateErrors.versionNotFound();
    return presentVersion(version);
  }

  async create(ctx: Ctx, appId: string, input: CardTemplateInput): Promise<CardTemplateView> {
    const app = await this.appOf(ctx, appId);
    const now = this.deps.clock.now();
    const template = {
      id: newId(),
      tenant_id: ctx.tenantId,
      app_id: app,
      template_id: publicId.cardTemplateId(),
      name: input.name,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await this.deps.commands.run(ctx, async (trx, emit) => {
      const tx = trx as unknown as Transaction<Db>;
      if ((await repo.countOfApp(tx, ctx.tenantId, app)) >= MAX_CARD_TEMPLATES_PER_APP) throw templateErrors.tooManyTemplates();
      await repo.insertTemplate(tx, template);
      const versionName = input.versionName ?? nextCardTemplateVersion(null);
      await this.insertVersion(ctx, tx, template.id, { ...input, versionName }, now);
      await emitChange(emit, openPlatformEvents.cardTemplateCreated, template, { name: input.name, versionName });
    });
    return this.present(template);
  }

  /** Publishes a new version; the newest is what sends without `template_version_name` get from now on. */
  async publish(ctx: Ctx, appId: string, templateId: string, input: CardTemplateVersionInput): Promise<CardTemplateView> {
    const template = await this.templateOf(ctx, appId, templateId);
    await this.deps.commands.run(ctx, async (trx, emit) => {
      const tx = trx as unknown as Transaction<Db>;
      await repo.lock(tx, template.id);
      const versions = await repo.versionsOf(tx, [template.id]);
      if (versions.length >= MAX_CARD_TEMPLATE_VERSIONS) throw templateErrors.tooManyVersions();
      const versionName = input.versionName ?? nextCardTemplateVersion(versions[0]?.version_name ?? null);
      if (versions.some((version) => version.version_name === versionName)) throw templateErrors.versionExists(versionName);
      await this.insertVersion(ctx, tx, template.id, { ...input, versionName }, this.deps.clock.now());
      await emitChange(emit, openPlatformEvents.cardTemplatePublished, template, { versionName });
    });
    return this.present(template);
  }

  async rename(ctx: Ctx, appId: string, templateId: string, patch: CardTemplatePatch): Promise<CardTemplateView> {
    const template = await this.templateOf(ctx, appId, templateId);
    await this.deps.commands.run(ctx, async (trx, emit) => {
      await repo.rename(trx as unknown as Transaction<Db>, template.id, patch.name, this.deps.clock.now());
      await emitChange(emit, openPlatformEvents.cardTemplateUpdated, template, { name: patch.name });
    });
    return this.present({ ...template, name: patch.name });
  }

  /** Deletes a template: sending it fails from now on; cards already sent keep what they showed. */
  async remove(ctx: Ctx, appId: string, templateId: string): Promise<void> {
    const template = await this.templateOf(ctx, appId, templateId);
    await this.deps.commands.run(ctx, async (trx, emit) => {
      await repo.markDeleted(trx as unknown as Transaction<Db>, template.id, this.deps.clock.now());
      await emitChange(emit, openPlatformEvents.cardTemplateDeleted, template, {});
    });
  }

  // CardTemplateDirectory -------------------------------------------------------------------------

  async findCardTemplate(tenantId: string, appId: string, templateId: string, versionName?: string): Promise<CardTemplateRecord | null> {
    if (!CARD_TEMPLATE_ID_PATTERN.test(templateId)) return null;
    const template = await repo.find(this.db, tenantId, appId, templateId);
    const version = template ? await repo.version(this.db, template.id, versionName) : undefined;
    if (!template || !version) return null;
    return {
      templateId: template.template_id,
      appId: template.app_id,
      versionName: version.version_name,
      card: JSON.parse(version.card) as CardJsonObject,
      defaults: JSON.parse(version.defaults) as CardJsonObject,
    };
  }

  // -----------------------------------------------------------------------------------------------

  private async insertVersion(
    ctx: Ctx,
    trx: Transaction<Db>,
    templateId: string,
    input: CardTemplateVersionInput & { versionName: string },
    at: Date,
  ): Promise<void> {
    await repo.insertVersion(trx, {
      template_id: templateId,
      version_name: input.versionName,
      card: JSON.stringify(input.card),
      defaults: JSON.stringify(input.defaults ?? {}),
      created_by: ctx.actor.type === 'user' ? ctx.actor.userId : null,
      created_at: at,
    });
  }

  private async present(template: CardTemplateRow): Promise<CardTemplateView> {
    const versions = await repo.versionsOf(this.db, [template.id]);
    const latest = versions[0];
    if (!latest) throw templateErrors.notFound();
    const updated = versions.reduce((at, version) => (version.created_at > at ? version.created_at : at), template.updated_at);
    return {
      templateId: template.template_id,
      appId: template.app_id,
      name: template.name,
      latest: presentVersion(latest),
      versions: versions.map((version) => ({ versionName: version.version_name, createdAt: version.created_at.toISOString() })),
      createdAt: template.created_at.toISOString(),
      updatedAt: updated.toISOString(),
    };
  }
}

function presentVersion(row: CardTemplateVersionRow): CardTemplateVersionView {
  const card = JSON.parse(row.card) as CardJsonObject;
  return {
    versionName: row.version_name,
    card,
    defaults: JSON.parse(row.defaults) as CardJsonObject,
    variables: cardTemplateVariables(card),
    createdAt: row.created_at.toISOString(),
  };
}

/** Versions by template, in the order given (each template's newest first). */
function groupVersions(rows: CardTemplateVersionRow[]): Map<string, CardTemplateVersionRow[]> {
  const byTemplate = new Map<string, CardTemplateVersionRow[]>();
  for (const row of rows) byTemplate.set(row.template_id, [...(byTemplate.get(row.template_id) ?? []), row]);
  return byTemplate;
}

/** The audited event of a change: which app's template, and what changed (never the card itself). */
function emitChange(emit: Emit, type: string, template: CardTemplateRow, detail: Record<string, string>): Promise<void> {
  return emit({
    type,
    subjectType: 'card_template',
    subjectId: template.template_id,
    payload: { appId: template.app_id, templateId: template.template_id, ...detail },
  });
}
