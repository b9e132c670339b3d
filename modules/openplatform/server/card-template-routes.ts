import { CardTemplateInput, CardTemplatePatch, CardTemplateVersionInput, CardTemplateVersionName } from '@kite/openplatform/contract';
import type { Authenticators } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CardTemplateService } from './card-template-service.ts';

const AppParam = z.object({ appId: z.string().min(1).max(64) });
const TemplateParam = AppParam.extend({ templateId: z.string().min(1).max(64) });
const VersionParam = TemplateParam.extend({ versionName: CardTemplateVersionName });

/**
 * The console's card templates of an app (docs/internal-api.md § Admin, card templates): tenant
 * administrators only, like everything else about apps.
 */
export function registerCardTemplateRoutes(
  app: FastifyInstance,
  deps: { templates: CardTemplateService; authenticate: Authenticators },
): void {
  const { templates, authenticate } = deps;
  const base = '/api/admin/apps/:appId/card-templates';

  app.get(base, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId } = parseInput(AppParam, request.params);
    return { items: await templates.list(ctx, appId) };
  });

  app.post(base, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId } = parseInput(AppParam, request.params);
    return templates.create(ctx, appId, parseInput(CardTemplateInput, request.body));
  });

  app.get(`${base}/:templateId`, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId, templateId } = parseInput(TemplateParam, request.params);
    return templates.get(ctx, appId, templateId);
  });

  app.patch(`${base}/:templateId`, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId, templateId } = parseInput(TemplateParam, request.params);
    return templates.rename(ctx, appId, templateId, parseInput(CardTemplatePatch, request.body));
  });

  app.delete(`${base}/:templateId`, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId, templateId } = parseInput(TemplateParam, request.params);
    await templates.remove(ctx, appId, templateId);
    return {};
  });

  app.post(`${base}/:templateId/versions`, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId, templateId } = parseInput(TemplateParam, request.params);
    return templates.publish(ctx, appId, templateId, parseInput(CardTemplateVersionInput, request.body));
  });

  app.get(`${base}/:templateId/versions/:versionName`, async (request) => {
    const ctx = await authenticate.user(request);
    const { appId, templateId, versionName } = parseInput(VersionParam, request.params);
    return templates.version(ctx, appId, templateId, versionName);
  });
}
