import type { CardJson, CardToast } from '@kite/im/contract';
import type { CardAction } from './card-actions.ts';

/**
 * What a card click looks like to the app, in both of Feishu's formats (reference/feishu-openapi.md
 * §7), and how its synchronous answer is read back.
 */

/** Where and by whom a card was used. */
export interface CardClick {
  tenantKey: string;
  clicker: { openId: string; userId: string; unionId: string };
  openMessageId: string;
  openChatId: string;
  /** Feishu's per-click card token (`c-…`), for a delayed update (`interactive/v1/card/update`, card-updates.ts). */
  token: string;
  action: CardAction;
}

/** Feishu's `action` object: `value` and `tag` always, the rest when the element gave them. */
function wireAction(action: CardAction): Record<string, unknown> {
  return {
    value: action.value,
    tag: action.tag,
    ...(action.option !== undefined ? { option: action.option } : {}),
    ...(action.timezone !== undefined ? { timezone: action.timezone } : {}),
    ...(action.name !== undefined ? { name: action.name } : {}),
    ...(action.formValue !== undefined ? { form_value: action.formValue } : {}),
  };
}

/** Legacy v1 body POSTed to the card request URL (the SDK's `InteractiveCardActionEvent`). */
export function legacyCardCallback(click: CardClick): Record<string, unknown> {
  return {
    open_id: click.clicker.openId,
    user_id: click.clicker.userId,
    tenant_key: click.tenantKey,
    open_message_id: click.openMessageId,
    open_chat_id: click.openChatId,
    token: click.token,
    action: wireAction(click.action),
  };
}

/** The `event` of a v2 `card.action.trigger` (the SDK's `RawCardActionEvent`). */
export function cardActionTriggerEvent(click: CardClick): Record<string, unknown> {
  return {
    operator: {
      tenant_key: click.tenantKey,
      open_id: click.clicker.openId,
      user_id: click.clicker.userId,
      union_id: click.clicker.unionId,
    },
    token: click.token,
    action: wireAction(click.action),
    host: 'im_message',
    context: { open_message_id: click.openMessageId, open_chat_id: click.openChatId },
  };
}

/** What the app's answer asks for: a card to replace the message's, a toast for the clicker. */
export interface AppAnswer {
  card: CardJson | null;
  toast: CardToast | null;
}

const TOAST_TYPES: ReadonlySet<string> = new Set(['info', 'success', 'warning', 'error']);
/** Keys only a card has at its top level; an answer with none of them is no card (e.g. `{}`). */
const CARD_KEYS = ['elements', 'i18n_elements', 'header', 'body', 'schema', 'config', 'card_link'];
const MAX_TOAST_CHARS = 500;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an app's answer: the v2 form `{toast?, card?: {type:'raw', data} | {type:'template', data}}`,
 * or (v1) a bare card. A template card comes back as the template content
 * `{type:'template', data}`, rendered from the app's template when it replaces the message.
 * Anything else — nothing, `{}`, a string such as the SDK's "no … handle" — changes nothing.
 */
export function readAppAnswer(answer: unknown): AppAnswer {
  if (!isObject(answer)) return { card: null, toast: null };
  if ('toast' in answer || 'card' in answer) return { card: answerCard(answer.card), toast: readToast(answer.toast) };
  return { card: CARD_KEYS.some((key) => key in answer) ? answer : null, toast: null };
}

function answerCard(card: unknown): CardJson | null {
  if (!isObject(card) || !isObject(card.data)) return null;
  if (card.type === 'raw') return card.data;
  if (card.type === 'template') return { type: 'template', data: card.data };
  return null;
}

function readToast(value: unknown): CardToast | null {
  if (!isObject(value)) return null;
  const i18n = isObject(value.i18n)
    ? Object.fromEntries(
        Object.entries(value.i18n).flatMap(([locale, text]) => (typeof text === 'string' && text ? [[locale, clip(text)]] : [])),
      )
    : {};
  const content = typeof value.content === 'string' ? clip(value.content) : '';
  if (!content && Object.keys(i18n).length === 0) return null;
  const type = typeof value.type === 'string' && TOAST_TYPES.has(value.type) ? (value.type as CardToast['type']) : 'info';
  return { type, content, ...(Object.keys(i18n).length > 0 ? { i18n } : {}) };
}

function clip(text: string): string {
  return [...text].slice(0, MAX_TOAST_CHARS).join('');
}
