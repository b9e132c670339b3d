import type {
  CardTemplateInput,
  CardTemplatePatch,
  CardTemplateSummary,
  CardTemplateVersionInput,
  CardTemplateVersionView,
  CardTemplateView,
} from '@kite/openplatform/contract';
import { api } from '@kite/ui/api-client';
import { openPlatformQueryKeys } from './openplatform-api.ts';

/** An app's card templates in the console (docs/internal-api.md § Admin, card templates). */

export const cardTemplateKeys = {
  ofApp: (appId: string) => [...openPlatformQueryKeys.all, 'card-templates', appId] as const,
  one: (appId: string, templateId: string) => [...openPlatformQueryKeys.all, 'card-templates', appId, templateId] as const,
};

const base = (appId: string) => `/api/admin/apps/${encodeURIComponent(appId)}/card-templates`;
const one = (appId: string, templateId: string) => `${base(appId)}/${encodeURIComponent(templateId)}`;

export function fetchCardTemplates(appId: string): Promise<{ items: CardTemplateSummary[] }> {
  return api.get(base(appId));
}

export function fetchCardTemplate(appId: string, templateId: string): Promise<CardTemplateView> {
  return api.get(one(appId, templateId));
}

export function fetchCardTemplateVersion(appId: string, templateId: string, versionName: string): Promise<CardTemplateVersionView> {
  return api.get(`${one(appId, templateId)}/versions/${encodeURIComponent(versionName)}`);
}

export function createCardTemplate(appId: string, input: CardTemplateInput): Promise<CardTemplateView> {
  return api.post(base(appId), input);
}

export function publishCardTemplateVersion(appId: string, templateId: string, input: CardTemplateVersionInput): Promise<CardTemplateView> {
  return api.post(`${one(appId, templateId)}/versions`, input);
}

export function renameCardTemplate(appId: string, templateId: string, patch: CardTemplatePatch): Promise<CardTemplateView> {
  return api.patch(one(appId, templateId), patch);
}

export function deleteCardTemplate(appId: string, templateId: string): Promise<unknown> {
  return api.delete(one(appId, templateId));
}
