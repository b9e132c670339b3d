import { z } from 'zod';

/**
 * Card templates — Feishu's card builder (卡片搭建工具) templates: an app's card JSON with `${name}`
 * placeholders, published in versions (`1.0.0`), sent by the app as the message content
 * `{"type":"template","data":{"template_id","template_version_name"?,"template_variable"?}}`
 * (the SDK's `message.createByCard`). Open platform owns them; the messenger reads them through
 * {@link CardTemplateDirectory} and fills them with {@link renderCardTemplate}, so the web preview and
 * a real send fill a template the same way.
 */

/** Feishu's card limit, for a template's JSON as for a sent card. */
export const MAX_CARD_TEMPLATE_BYTES = 30 * 1024;
/** Versions one template keeps; publishing more is refused (delete the template and start again). */
export const MAX_CARD_TEMPLATE_VERSIONS = 100;
/** Templates one app holds. */
export const MAX_CARD_TEMPLATES_PER_APP = 200;
/** A template id as Kite (and Feishu) shapes it: `AA` + 11 letters and digits. */
export const CARD_TEMPLATE_ID_PATTERN = /^AA[0-9A-Za-z]{11}$/;

const NAME = '[A-Za-z_][A-Za-z0-9_]{0,63}';
/** `${name}` anywhere in a string. */
const PLACEHOLDER = new RegExp(`\\$\\{(${NAME})\\}`, 'g');
/** A string that is one placeholder and nothing else: it takes the variable's value whole (list, object, number…). */
const WHOLE_PLACEHOLDER = new RegExp(`^\\$\\{(${NAME})\\}$`);

export type CardJsonObject = Record<string, unknown>;

function byteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

const JsonObject = z.record(z.string(), z.unknown());

/** A template's card: a JSON object of at most 30 KB. */
export const CardTemplateCard = JsonObject.refine((card) => byteLength(card) <= MAX_CARD_TEMPLATE_BYTES, {
  message: `A card template may be at most ${MAX_CARD_TEMPLATE_BYTES / 1024} KB of JSON`,
});

/**
 * Default values of a template's variables: what the preview shows, and what a send that leaves a
 * variable out gets. Keys are variable names.
 */
export const CardTemplateDefaults = z
  .record(z.string().regex(new RegExp(`^${NAME}$`), 'Variable names are letters, digits and _'), z.unknown())
  .refine((values) => byteLength(values) <= MAX_CARD_TEMPLATE_BYTES, {
    message: `Default values may be at most ${MAX_CARD_TEMPLATE_BYTES / 1024} KB of JSON`,
  });

/** Feishu's version names: three numbers, `1.0.0`. */
export const CardTemplateVersionName = z
  .string()
  .trim()
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/, 'Use a version like 1.0.0');

/** `POST /api/admin/apps/:appId/card-templates`: a new template and its first version. */
export const CardTemplateInput = z.object({
  name: z.string().trim().min(1).max(100),
  card: CardTemplateCard,
  /** Default `1.0.0`. */
  versionName: CardTemplateVersionName.optional(),
  defaults: CardTemplateDefaults.optional(),
});
export type CardTemplateInput = z.infer<typeof CardTemplateInput>;

/** `POST …/card-templates/:templateId/versions`: publishes a new version (default: the last one's patch + 1). */
export const CardTemplateVersionInput = z.object({
  card: CardTemplateCard,
  versionName: CardTemplateVersionName.optional(),
  defaults: CardTemplateDefaults.optional(),
});
export type CardTemplateVersionInput = z.infer<typeof CardTemplateVersionInput>;

/** `PATCH …/card-templates/:templateId`: renames it (its id and versions stay). */
export const CardTemplatePatch = z.object({ name: z.string().trim().min(1).max(100) });
export type CardTemplatePatch = z.infer<typeof CardTemplatePatch>;

/** One published version of a template, whole. */
export interface CardTemplateVersionView {
  versionName: string;
  card: CardJsonObject;
  defaults: CardJsonObject;
  /** The variables its card uses, in order of first use. */
  variables: string[];
  createdAt: string;
}

/** A template as the console shows it: its newest version whole, the others by name. */
export interface CardTemplateView {
  templateId: string;
  appId: string;
  name: string;
  latest: CardTemplateVersionView;
  /** Every version, the newest first. */
  versions: Array<{ versionName: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

/** A line of an app's template list. */
export interface CardTemplateSummary {
  templateId: string;
  name: string;
  latestVersion: string;
  versionCount: number;
  variables: string[];
  updatedAt: string;
}

/** A published version, as the messenger needs it to render a send. */
export interface CardTemplateRecord {
  templateId: string;
  appId: string;
  versionName: string;
  card: CardJsonObject;
  defaults: CardJsonObject;
}

/** The messenger's view of card templates (implemented by open platform, injected by the composition root). */
export interface CardTemplateDirectory {
  /**
   * The version `versionName` of `appId`'s template `templateId` in `tenantId` — the version
   * published last when `versionName` is absent; null when the app has no such template or version
   * (another app's, another tenant's, deleted).
   */
  findCardTemplate(tenantId: string, appId: string, templateId: string, versionName?: string): Promise<CardTemplateRecord | null>;
}

function isObject(value: unknown): value is CardJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The variables `card` uses (`${name}` in any string value), in order of first use. */
export function cardTemplateVariables(card: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (typeof node === 'string') for (const match of node.matchAll(PLACEHOLDER)) found.add(match[1]!);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) Object.values(node).forEach(visit);
  };
  visit(card);
  return [...found];
}

/** The version after `versionName`: its last number plus one (`1.0.9` → `1.0.10`). */
export function nextCardTemplateVersion(versionName: string | null): string {
  if (!versionName) return '1.0.0';
  const parts = versionName.split('.').map(Number);
  const last = parts.length - 1;
  parts[last] = (parts[last] ?? 0) + 1;
  return parts.join('.');
}

export type CardTemplateRendering = { ok: true; card: CardJsonObject } | { ok: false; problem: string };

const MISSING = Symbol('missing');

/**
 * Fills `card`'s placeholders. It works on parsed JSON, never on text, so a value is escaped
 * correctly wherever it lands (quotes, backslashes, newlines, `${…}` inside a value stay as they are).
 * - A string that is exactly `${name}` takes the value whole: text, number, boolean, object or
 *   list. Inside a list, a list value is spliced in, so `"elements": [head, "${rows}"]` repeats rows.
 * - `${name}` inside a longer string takes the value as text (numbers and booleans written out); an
 *   object or list there is a problem.
 * - A variable `values` leaves out takes its default; with none it is empty text (and leaves a list
 *   without the item).
 */
export function renderCardTemplate(card: CardJsonObject, values: CardJsonObject, defaults: CardJsonObject): CardTemplateRendering {
  const lookUp = (name: string): unknown => {
    if (Object.hasOwn(values, name)) return values[name];
    if (Object.hasOwn(defaults, name)) return defaults[name];
    return MISSING;
  };
  let problem = '';
  const inText = (text: string): string =>
    text.replace(PLACEHOLDER, (_placeholder, name: string) => {
      const value = lookUp(name);
      if (value === MISSING || value === null) return '';
      if (typeof value === 'object') {
        problem ||= `Variable ${name} is a list or an object: it can only fill a whole value ("\${${name}}"), not part of a text`;
        return '';
      }
      return String(value);
    });
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = WHOLE_PLACEHOLDER.exec(node);
      if (!whole) return inText(node);
      const value = lookUp(whole[1]!);
      return value === MISSING ? '' : value;
    }
    if (Array.isArray(node)) {
      return node.flatMap((item) => {
        const whole = typeof item === 'string' ? WHOLE_PLACEHOLDER.exec(item) : null;
        if (!whole) return [fill(item)];
        const value = lookUp(whole[1]!);
        if (value === MISSING) return [];
        return Array.isArray(value) ? value : [value];
      });
    }
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    return node;
  };
  const filled = fill(card) as CardJsonObject;
  return problem ? { ok: false, problem } : { ok: true, card: filled };
}
