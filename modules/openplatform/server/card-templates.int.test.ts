import type { CardTemplateSummary, CardTemplateVersionView, CardTemplateView } from '@kite/openplatform/contract';
import {
  addSignedInPerson,
  createApp,
  createSecondTenant,
  startTenant,
  type TestServer,
  testEngines,
  type WebClient,
} from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The console's card templates of an app (Feishu's card builder): an administrator creates one,
 * publishes versions, renames and deletes it; people who are not administrators, and other tenants,
 * get nothing. What sending them does is tested with the messenger (template-cards-sdk.int.test.ts).
 */

const plain = (content: string) => ({ tag: 'plain_text', content });
const card = (title: string) => ({
  header: { title: plain(title), template: 'blue' },
  elements: [{ tag: 'markdown', content: 'Hello **${name}**, ${greeting}' }, '${rows}'],
});
type Failure = { error: { code: string; message: string } };

describe.each(testEngines())('card templates in the console (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let appId: string;
  const base = () => `/api/admin/apps/${appId}/card-templates`;

  beforeAll(async () => {
    ({ server, admin } = await startTenant({ engine }));
    ({ appId } = await createApp(admin, 'HR bot'));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a template, publishes versions, renames it and deletes it', async () => {
    const empty = await admin.get<{ items: CardTemplateSummary[] }>(base());
    expect(empty.body).toEqual({ items: [] });

    const created = await admin.post<CardTemplateView>(base(), {
      name: 'Welcome',
      card: card('Welcome ${name}'),
      defaults: { greeting: 'hi' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const { templateId } = created.body;
    expect(templateId).toMatch(/^AA[0-9A-Za-z]{11}$/);
    expect(created.body).toMatchObject({
      appId,
      name: 'Welcome',
      latest: {
        versionName: '1.0.0',
        card: card('Welcome ${name}'),
        defaults: { greeting: 'hi' },
        variables: ['name', 'greeting', 'rows'],
      },
      versions: [{ versionName: '1.0.0' }],
    });

    // The next version by default, then a chosen one; a published version never changes.
    const next = await admin.post<CardTemplateView>(`${base()}/${templateId}/versions`, { card: card('Hi ${name}') });
    expect(next.body.latest.versionName).toBe('1.0.1');
    const major = await admin.post<CardTemplateView>(`${base()}/${templateId}/versions`, { card: card('Hey'), versionName: '2.0.0' });
    expect(major.body.versions.map((version) => version.versionName)).toEqual(['2.0.0', '1.0.1', '1.0.0']);
    expect(major.body.latest.variables).toEqual(['name', 'greeting', 'rows']);
    const again = await admin.post<Failure>(`${base()}/${templateId}/versions`, { card: card('Other'), versionName: '1.0.1' });
    expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 409, code: 'card_template_version_exists' });
    const old = await admin.get<CardTemplateVersionView>(`${base()}/${templateId}/versions/1.0.1`);
    expect(old.body).toMatchObject({ versionName: '1.0.1', card: card('Hi ${name}'), defaults: {} });
    expect((await admin.get(`${base()}/${templateId}/versions/9.9.9`)).status).toBe(404);

    const renamed = await admin.patch<CardTemplateView>(`${base()}/${templateId}`, { name: 'Welcome card' });
    expect(renamed.body.name).toBe('Welcome card');
    const listed = await admin.get<{ items: CardTemplateSummary[] }>(base());
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        templateId,
        name: 'Welcome card',
        latestVersion: '2.0.0',
        versionCount: 3,
        variables: ['name', 'greeting', 'rows'],
      }),
    ]);

    // The audit log is written by a durable outbox consumer, after the commands have answered.
    await server.kite.dispatcher.settle();
    const audit = await admin.get<{ items: Array<{ action: string; subjectId: string }> }>('/api/admin/audit?limit=20');
    expect(audit.body.items.filter((entry) => entry.subjectId === templateId).map((entry) => entry.action)).toEqual([
      'openplatform.card_template.updated',
      'openplatform.card_template.published',
      'openplatform.card_template.published',
      'openplatform.card_template.created',
    ]);

    expect((await admin.delete(`${base()}/${templateId}`)).status).toBe(200);
    expect((await admin.get(`${base()}/${templateId}`)).status).toBe(404);
    expect((await admin.get<{ items: unknown[] }>(base())).body.items).toEqual([]);
  });

  it('refuses bad input with a clear code and stores nothing', async () => {
    const refused = async (body: unknown) => {
      const answer = await admin.post<Failure>(base(), body);
      return { status: answer.status, code: answer.body.error?.code };
    };
    const invalid = { status: 400, code: 'validation_failed' };
    expect(await refused({ name: 'No card' })).toEqual(invalid);
    expect(await refused({ name: 'List', card: [1, 2] })).toEqual(invalid);
    expect(await refused({ name: 'Text', card: '{"elements":[]}' })).toEqual(invalid);
    expect(await refused({ name: ' ', card: card('x') })).toEqual(invalid);
    expect(await refused({ name: 'Version', card: card('x'), versionName: 'v1' })).toEqual(invalid);
    expect(await refused({ name: 'Defaults', card: card('x'), defaults: { 'not a name': 1 } })).toEqual(invalid);
    expect(await refused({ name: 'Huge', card: { elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }] } })).toEqual(invalid);
    expect((await admin.get<{ items: unknown[] }>(base())).body.items).toEqual([]);
    // Unknown apps and templates.
    expect((await admin.get('/api/admin/apps/cli_0000000000000000/card-templates')).status).toBe(404);
    expect((await admin.get(`${base()}/AAnotatemplat`)).status).toBe(404);
    expect((await admin.post(`${base()}/AAnotatemplat/versions`, { card: card('x') })).status).toBe(404);
  });

  it('is for administrators of the app’s tenant only', async () => {
    const { templateId } = (await admin.post<CardTemplateView>(base(), { name: 'Private', card: card('x') })).body;
    const person = await addSignedInPerson(server, admin, 'Pat');
    expect((await person.client.get(base())).status).toBe(403);
    expect((await person.client.post(base(), { name: 'Mine', card: card('x') })).status).toBe(403);
    expect((await person.client.get(`${base()}/${templateId}`)).status).toBe(403);

    const other = await createSecondTenant(server);
    expect((await other.admin.get(base())).status).toBe(404);
    expect((await other.admin.get(`${base()}/${templateId}`)).status).toBe(404);
    expect((await other.admin.delete(`${base()}/${templateId}`)).status).toBe(404);
    // Its own app cannot reach the template either.
    const otherApp = (await other.admin.post<{ app: { appId: string } }>('/api/admin/apps', { name: 'Spy' })).body.app.appId;
    expect((await other.admin.get(`/api/admin/apps/${otherApp}/card-templates/${templateId}`)).status).toBe(404);
    expect((await admin.get(`${base()}/${templateId}`)).status).toBe(200);
  });
});
