import { AppError } from '@kite/kernel/errors';
import { type CardTemplateDirectory, renderCardTemplate } from '@kite/openplatform/contract';
import { z } from 'zod';
import { contentInvalid } from './content.ts';
import type { Party } from './im-repository.ts';

/**
 * Template cards: an app sends `{"type":"template","data":{"template_id","template_version_name"?,
 * "template_variable"?}}` (the SDK's `createByCard`, `replyByCard`, `updateByCard`) and the message
 * holds the card its template renders to — validated and stored like any card, so clicks on it call
 * back exactly as on a raw card.
 */

/** The template a stored card was rendered from (`im_message.card_template`). */
export interface CardTemplateRef {
  template_id: string;
  template_version_name: string;
}

/** Interactive content, ready for the ordinary card checks, and the template it came from, if any. */
export interface CardContent {
  content: string;
  template: CardTemplateRef | null;
}

const TemplateContent = z.object({
  type: z.literal('template'),
  data: z.object({
    template_id: z.string().min(1).max(64),
    template_version_name: z.string().min(1).max(32).optional(),
    template_variable: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Feishu answers card rendering failures with 230099 "Failed to create card content", the reason after `ext=`. */
function cardContentFailed(code: string, reason: string): AppError {
  return new AppError(code, `Failed to create card content, ext=${reason}`, { status: 400, openCode: 230_099 });
}

/** Most cards are not templates: a cheap look before parsing the content a second time. */
const MAY_BE_TEMPLATE = /"type"\s*:\s*"template"/;

function parsedObject(content: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(content);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    // Not JSON: the content checks refuse it with their own words.
    return null;
  }
}

/**
 * Renders a template card sent (or patched in) by `sender` from that app's own template; any other
 * content comes back as it is.
 * @throws AppError `content_invalid` for a malformed template reference; `card_template_not_found`
 *   (230099) when the sending app has no such template or version — another app's templates are not
 *   found either; `card_template_invalid` (230099) when a person or a custom bot sends one, or a
 *   variable does not fit where the template puts it.
 */
export async function renderTemplateCard(
  directory: CardTemplateDirectory | undefined,
  tenantId: string,
  sender: Party,
  content: string,
): Promise<CardContent> {
  const value = MAY_BE_TEMPLATE.test(content) ? parsedObject(content) : null;
  if (value?.type !== 'template') return { content, template: null };
  const parsed = TemplateContent.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw contentInvalid(`content is not a valid template card${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`);
  }
  if (sender.kind !== 'app') {
    throw cardContentFailed(
      'card_template_invalid',
      'template cards are sent by apps (tenant_access_token): a template belongs to its app',
    );
  }
  const { template_id, template_version_name, template_variable } = parsed.data.data;
  const template = await directory?.findCardTemplate(tenantId, sender.id, template_id, template_version_name);
  if (!template) {
    const version = template_version_name ? ` version ${template_version_name}` : '';
    throw cardContentFailed('card_template_not_found', `this app has no card template ${template_id}${version}`);
  }
  const rendered = renderCardTemplate(template.card, template_variable ?? {}, template.defaults);
  if (!rendered.ok) throw cardContentFailed('card_template_invalid', rendered.problem);
  return {
    content: JSON.stringify(rendered.card),
    template: { template_id: template.templateId, template_version_name: template.versionName },
  };
}
