import { z } from 'zod';

/**
 * Interactive cards (reference/feishu-openapi.md §7): which elements of a card call its app back,
 * and what a click carries. The web renders from the same walk the server checks a click against,
 * so a control shows up in the browser exactly when the server accepts a click on it.
 *
 * Cards come in Feishu's JSON 1.0 (`{config, header, elements | i18n_elements}`) and 2.0
 * (`{schema:'2.0', body:{elements}}`); elements nest in `action.actions`, `column_set.columns[].elements`,
 * `div.extra`, `form.elements` and `collapsible_panel.elements`.
 */

/** Card elements whose use is sent to the app. */
export const CARD_ACTION_TAGS = ['button', 'select_static', 'overflow', 'date_picker', 'picker_time', 'picker_datetime'] as const;
export type CardActionTag = (typeof CARD_ACTION_TAGS)[number];

/** Fields a form sends in `form_value`, by tag. */
export const CARD_FORM_FIELD_TAGS = [
  'input',
  'select_static',
  'multi_select_static',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'checker',
] as const;

export type CardJson = Record<string, unknown>;

/** One value of a submitted form field: text, a chosen option, several options, or a checkbox. */
const FormFieldValue = z.union([z.string().max(5000), z.array(z.string().max(1000)).max(100), z.boolean()]);

/**
 * `POST /api/im/messages/:id/card-actions`: the element a person used, as the card describes it.
 * The server finds an element of the message's current card with this tag, `value` (and `name`),
 * and accepts `option` / `formValue` only when that element offers them.
 */
export const CardActionInput = z.object({
  tag: z.enum(CARD_ACTION_TAGS),
  /** The element's `value` exactly as the card has it (absent when the card gives none). */
  value: z.union([z.record(z.string(), z.unknown()), z.string().max(10_000)]).optional(),
  /** The element's `name`, when it has one (form buttons do). */
  name: z.string().max(200).optional(),
  /** The chosen option of a select or overflow menu, or the picked date/time of a picker. */
  option: z.string().max(1000).optional(),
  /** The clicker's IANA time zone, sent with pickers as Feishu does. */
  timezone: z.string().max(64).optional(),
  /** A form's field values by field `name`, sent with its submit button. */
  formValue: z.record(z.string().max(200), FormFieldValue).optional(),
});
export type CardActionInput = z.infer<typeof CardActionInput>;

/** A short note the app shows to the person who clicked (Feishu's v2 callback answer). */
export interface CardToast {
  type: 'info' | 'success' | 'warning' | 'error';
  content: string;
  /** The same note per Feishu locale (`zh_cn`, `en_us`, …); the web picks the viewer's. */
  i18n?: Record<string, string>;
}

/** An element that calls the app back, and the form it belongs to (its submit button sends the form). */
export interface CardActionElement {
  element: CardJson;
  form: CardJson | null;
}

function isObject(value: unknown): value is CardJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isActionTag(tag: unknown): tag is CardActionTag {
  return (CARD_ACTION_TAGS as readonly unknown[]).includes(tag);
}

/** A form's submit (sends the form) and reset (clears it, in the browser only) buttons, in both JSON versions. */
export function formButtonKind(element: CardJson): 'submit' | 'reset' | null {
  if (element.action_type === 'form_submit' || element.form_action_type === 'submit') return 'submit';
  if (element.action_type === 'form_reset' || element.form_action_type === 'reset') return 'reset';
  return null;
}

/** The link a button or option opens instead of calling back: `url`, `multi_url.url`, or an `open_url` behaviour. */
export function cardLinkOf(element: CardJson): string | null {
  if (typeof element.url === 'string' && element.url) return element.url;
  if (isObject(element.multi_url) && typeof element.multi_url.url === 'string' && element.multi_url.url) return element.multi_url.url;
  const behaviors = Array.isArray(element.behaviors) ? element.behaviors.filter(isObject) : [];
  if (behaviors.some((behavior) => behavior.type === 'callback')) return null;
  const open = behaviors.find((behavior) => behavior.type === 'open_url');
  return open && typeof open.default_url === 'string' && open.default_url ? open.default_url : null;
}

/**
 * The `value` a use of the element sends: its own `value` (JSON 1.0) or that of its `callback`
 * behaviour (JSON 2.0); undefined when it has none.
 */
export function cardCallbackValue(element: CardJson): unknown {
  if ('value' in element) return element.value;
  const behaviors = Array.isArray(element.behaviors) ? element.behaviors.filter(isObject) : [];
  return behaviors.find((behavior) => behavior.type === 'callback')?.value;
}

/** The option values of a select or overflow menu (Feishu writes `options`; the SDK's types say `option`). */
export function cardOptions(element: CardJson): CardJson[] {
  const list = Array.isArray(element.options) ? element.options : Array.isArray(element.option) ? element.option : [];
  return list.filter(isObject);
}

/** Child elements of a container element or of the card itself. */
export function cardChildren(node: CardJson): unknown[] {
  const children: unknown[] = [];
  for (const key of ['elements', 'actions', 'columns'] as const) {
    if (Array.isArray(node[key])) children.push(...node[key]);
  }
  if (isObject(node.extra)) children.push(node.extra);
  if (isObject(node.body)) children.push(node.body);
  if (isObject(node.i18n_elements)) {
    for (const list of Object.values(node.i18n_elements)) if (Array.isArray(list)) children.push(...list);
  }
  return children;
}

/**
 * Every element of `card` a click can call the app back with, in document order. Inside a form only
 * submit buttons count: its other controls are sent as the form's values, not on their own. Link
 * buttons and link options open their URL and call nothing.
 */
export function cardActionElements(card: unknown): CardActionElement[] {
  const found: CardActionElement[] = [];
  const visit = (node: unknown, form: CardJson | null) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, form);
      return;
    }
    if (!isObject(node)) return;
    if (isActionTag(node.tag)) {
      const callsBack = form ? node.tag === 'button' && formButtonKind(node) === 'submit' : node.tag !== 'button' || !cardLinkOf(node);
      if (callsBack) found.push({ element: node, form });
      return;
    }
    const inner = node.tag === 'form' ? node : form;
    for (const child of cardChildren(node)) visit(child, inner);
  };
  visit(card, null);
  return found;
}

/** The named fields of a form, in document order: what its submit button sends in `form_value`. */
export function cardFormFields(form: CardJson): CardJson[] {
  const fields: CardJson[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isObject(node)) return;
    if ((CARD_FORM_FIELD_TAGS as readonly unknown[]).includes(node.tag) && typeof node.name === 'string' && node.name) {
      fields.push(node);
      return;
    }
    for (const child of cardChildren(node)) visit(child);
  };
  for (const child of cardChildren(form)) visit(child);
  return fields;
}
