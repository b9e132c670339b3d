import { type CardJsonObject, cardTemplateVariables, renderCardTemplate } from '@kite/openplatform/contract';

/**
 * A card template as it is being edited: JSON typed by hand, checked as it changes, and filled in
 * with its default values for the preview — the same filling a send does (`renderCardTemplate`).
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Text that must hold a JSON object; `reason` is the parser's own words otherwise. */
export function parseJsonObject(text: string): Parsed<CardJsonObject> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'expected { … }' };
  return { ok: true, value: value as CardJsonObject };
}

/** What the preview shows: the card filled with the defaults (as message content), or why it cannot. */
export type DraftPreview = { kind: 'card'; content: string } | { kind: 'invalid' } | { kind: 'problem'; problem: string };

export function draftPreview(card: Parsed<CardJsonObject>, defaults: Parsed<CardJsonObject>): DraftPreview {
  if (!card.ok || !defaults.ok) return { kind: 'invalid' };
  const rendered = renderCardTemplate(card.value, {}, defaults.value);
  return rendered.ok ? { kind: 'card', content: JSON.stringify(rendered.card) } : { kind: 'problem', problem: rendered.problem };
}

/** The variables a draft's card uses, when it parses. */
export function draftVariables(card: Parsed<CardJsonObject>): string[] {
  return card.ok ? cardTemplateVariables(card.value) : [];
}

/** Pretty JSON, as the editor shows it. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The card a new template starts with: a header, a greeting with a variable, a button. */
export function starterCard(words: { title: string; greeting: string; button: string }): CardJsonObject {
  const text = (content: string) => ({ tag: 'plain_text', content });
  return {
    config: { update_multi: true },
    header: { title: text('${title}'), template: 'blue' },
    elements: [
      { tag: 'div', text: { tag: 'lark_md', content: words.greeting } },
      { tag: 'action', actions: [{ tag: 'button', text: text(words.button), type: 'primary', value: { action: 'ok' } }] },
    ],
  };
}

/** How an app sends a template with the SDK, for the page's usage panel. */
export function sendSnippet(templateId: string, variables: readonly string[]): string {
  // Variable names are letters, digits and _: valid keys as they are.
  const values = variables.map((name) => `      ${name}: '…',`).join('\n');
  return `await client.im.v1.message.createByCard({
  params: { receive_id_type: 'chat_id' },
  data: {
    receive_id: 'oc_…',
    template_id: '${templateId}',
    template_variable: {
${values || '      // no variables'}
    },
  },
});`;
}
