import { Banner, Button, Input, Tag, TextArea, Toast, Typography } from '@douyinfe/semi-ui';
import { type CardJsonObject, CardTemplateVersionName, type CardTemplateView, nextCardTemplateVersion } from '@kite/openplatform/contract';
import { useCardRenderer } from '@kite/ui/card-renderer';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { formatDateTime } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { ErrorState, LoadingState } from '@kite/ui/states';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, Suspense, useId, useMemo, useState } from 'react';
import { draftPreview, draftVariables, jsonText, parseJsonObject, starterCard } from './card-template-draft.ts';
import { cardTemplateErrorTexts, cardTemplateMessages } from './card-template-messages.ts';
import {
  cardTemplateKeys,
  createCardTemplate,
  fetchCardTemplate,
  fetchCardTemplateVersion,
  publishCardTemplateVersion,
  renameCardTemplate,
} from './card-templates-api.ts';

/** What the editor holds: the texts as typed. */
interface Draft {
  name: string;
  cardText: string;
  defaultsText: string;
  versionName: string;
}

/** One labelled field: the control, then its hint, or its problem in red. */
function Field({
  label,
  hint,
  problem,
  children,
}: {
  label: string;
  hint?: ReactNode;
  problem?: string | null;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="kite-template-field">
      <label htmlFor={id} className="kite-template-field__label">
        {label}
      </label>
      {children(id)}
      {problem ? (
        <div className="kite-template-field__problem">{problem}</div>
      ) : hint ? (
        <div className="kite-field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

/** A field of JSON typed by hand: monospaced, growing with its content, no spell checking. */
function JsonField(props: {
  label: string;
  hint: string;
  problem: string | null;
  value: string;
  onChange: (value: string) => void;
  rows: { minRows: number; maxRows: number };
  testId: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} problem={props.problem}>
      {(id) => (
        <TextArea
          id={id}
          className="kite-template-json"
          value={props.value}
          onChange={props.onChange}
          autosize={props.rows}
          spellCheck={false}
          data-testid={props.testId}
        />
      )}
    </Field>
  );
}

/** The card as the messenger shows it, filled with the default values. */
function Preview({ card, defaults }: { card: ReturnType<typeof parseJsonObject>; defaults: ReturnType<typeof parseJsonObject> }) {
  const t = useMessages(cardTemplateMessages);
  const Renderer = useCardRenderer();
  const preview = useMemo(() => draftPreview(card, defaults), [card, defaults]);
  let body: ReactNode;
  if (preview.kind === 'invalid') body = <div className="kite-muted">{t('previewUnavailable')}</div>;
  else if (preview.kind === 'problem')
    body = <div className="kite-template-field__problem">{t('previewProblem', { problem: preview.problem })}</div>;
  else if (Renderer)
    body = (
      <Suspense fallback={<LoadingState compact />}>
        <Renderer content={preview.content} />
      </Suspense>
    );
  else body = <pre className="kite-code-block">{jsonText(JSON.parse(preview.content))}</pre>;
  return (
    <section className="kite-template-preview" aria-label={t('preview')} data-testid="card-template-preview">
      <div className="kite-template-preview__title">{t('preview')}</div>
      <div className="kite-field-hint">{t('previewHint')}</div>
      <div className="kite-template-preview__card">{body}</div>
    </section>
  );
}

function initialDraft(template: CardTemplateView | null, starter: { name: string; card: CardJsonObject; defaults: CardJsonObject }): Draft {
  if (!template) return { name: '', cardText: jsonText(starter.card), defaultsText: jsonText(starter.defaults), versionName: '1.0.0' };
  return {
    name: template.name,
    cardText: jsonText(template.latest.card),
    defaultsText: jsonText(template.latest.defaults),
    versionName: nextCardTemplateVersion(template.latest.versionName),
  };
}

interface EditorFormProps {
  appId: string;
  template: CardTemplateView | null;
  onDone: () => void;
  onCancel: () => void;
}

function EditorForm({ appId, template, onDone, onCancel }: EditorFormProps) {
  const t = useMessages(cardTemplateMessages);
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const errorText = useErrorText(cardTemplateErrorTexts);
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() =>
    initialDraft(template, {
      name: '',
      card: starterCard({
        title: t('starterTitle'),
        greeting: t('starterGreeting', { placeholder: '${name}' }),
        button: t('starterButton'),
      }),
      defaults: { title: t('starterTitle'), name: t('starterName') },
    }),
  );
  const [tried, setTried] = useState(false);
  const change = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));

  const card = useMemo(() => parseJsonObject(draft.cardText), [draft.cardText]);
  const defaults = useMemo(() => parseJsonObject(draft.defaultsText), [draft.defaultsText]);
  const variables = draftVariables(card);
  const published = new Set(template?.versions.map((version) => version.versionName));
  const contentChanged =
    !template ||
    !card.ok ||
    !defaults.ok ||
    JSON.stringify(card.value) !== JSON.stringify(template.latest.card) ||
    JSON.stringify(defaults.value) !== JSON.stringify(template.latest.defaults);

  const problems = {
    name: draft.name.trim() ? null : t('nameRequired'),
    card: card.ok ? null : t('cardJsonInvalid', { reason: card.reason }),
    defaults: defaults.ok ? null : t('defaultsInvalid', { reason: defaults.reason }),
    version: !contentChanged
      ? null
      : !CardTemplateVersionName.safeParse(draft.versionName).success
        ? t('versionInvalid')
        : published.has(draft.versionName.trim())
          ? t('versionTaken', { version: draft.versionName.trim() })
          : null,
  };
  const valid = Object.values(problems).every((problem) => problem === null);

  const save = useMutation({
    mutationFn: async (): Promise<string> => {
      if (!card.ok || !defaults.ok) throw new Error('unreachable: saved only when valid');
      const content = { card: card.value, defaults: defaults.value, versionName: draft.versionName.trim() };
      if (!template) {
        await createCardTemplate(appId, { name: draft.name.trim(), ...content });
        return t('created');
      }
      if (draft.name.trim() !== template.name) await renameCardTemplate(appId, template.templateId, { name: draft.name.trim() });
      if (!contentChanged) return t('saved');
      await publishCardTemplateVersion(appId, template.templateId, content);
      return t('published', { version: content.versionName });
    },
    onSuccess: async (message) => {
      Toast.success(message);
      await queryClient.invalidateQueries({ queryKey: cardTemplateKeys.ofApp(appId) });
      onDone();
    },
  });
  const openVersion = useMutation({
    mutationFn: (versionName: string) => fetchCardTemplateVersion(appId, template!.templateId, versionName),
    onSuccess: (version) => change({ cardText: jsonText(version.card), defaultsText: jsonText(version.defaults) }),
    onError: (error) => Toast.error(errorText(error)),
  });
  const submit = () => {
    setTried(true);
    if (valid) save.mutate();
  };
  const shown = (problem: string | null) => (tried ? problem : null);

  return (
    <div className="kite-template-editor" data-testid="card-template-editor">
      <div className="kite-template-editor__form">
        {save.error ? <Banner type="danger" fullMode={false} closeIcon={null} description={errorText(save.error)} /> : null}
        {template ? (
          <div className="kite-template-editor__id">
            <span className="kite-muted">{t('templateId')}</span>
            <Typography.Text copyable className="kite-app-card__code" data-testid="card-template-id">
              {template.templateId}
            </Typography.Text>
          </div>
        ) : null}
        <Field label={t('name')} problem={shown(problems.name)}>
          {(id) => (
            <Input
              id={id}
              value={draft.name}
              onChange={(name) => change({ name })}
              placeholder={t('namePlaceholder')}
              maxLength={100}
              data-testid="card-template-name"
            />
          )}
        </Field>
        <JsonField
          label={t('cardJson')}
          hint={t('cardJsonHint', { example: '${name}' })}
          problem={problems.card}
          value={draft.cardText}
          onChange={(cardText) => change({ cardText })}
          rows={{ minRows: 10, maxRows: 24 }}
          testId="card-template-json"
        />
        <div className="kite-template-variables" data-testid="card-template-variables">
          <span className="kite-muted">{t('variablesFound')}</span>
          {variables.length > 0 ? (
            variables.map((name) => (
              <Tag key={name} size="small" color="blue">
                {name}
              </Tag>
            ))
          ) : (
            <span>{t('noVariables')}</span>
          )}
        </div>
        <JsonField
          label={t('defaults')}
          hint={t('defaultsHint')}
          problem={problems.defaults}
          value={draft.defaultsText}
          onChange={(defaultsText) => change({ defaultsText })}
          rows={{ minRows: 3, maxRows: 12 }}
          testId="card-template-defaults"
        />
        {contentChanged ? (
          <Field label={t('versionName')} hint={t('versionHint')} problem={problems.version}>
            {(id) => (
              <Input
                id={id}
                value={draft.versionName}
                onChange={(versionName) => change({ versionName })}
                style={{ maxWidth: 200 }}
                data-testid="card-template-version"
              />
            )}
          </Field>
        ) : null}
        {template ? (
          <div className="kite-template-versions" data-testid="card-template-versions">
            <div className="kite-template-field__label">{t('versions')}</div>
            <ul>
              {template.versions.map((version) => (
                <li key={version.versionName}>
                  <code>{version.versionName}</code>
                  <span className="kite-muted">{formatDateTime(version.createdAt, locale)}</span>
                  <Button size="small" theme="borderless" onClick={() => openVersion.mutate(version.versionName)}>
                    {t('openVersion')}
                  </Button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div className="kite-form-footer">
          <Button onClick={onCancel}>{common('cancel')}</Button>
          <Button theme="solid" loading={save.isPending} onClick={submit} disabled={tried && !valid} data-testid="card-template-save">
            {!template ? t('create') : contentChanged ? t('publish', { version: draft.versionName.trim() }) : common('save')}
          </Button>
        </div>
      </div>
      <Preview card={card} defaults={defaults} />
    </div>
  );
}

/**
 * Creates a card template, or edits one: renames it and publishes new versions (a version never
 * changes), with a live preview of the card filled with its default values.
 */
export function CardTemplateEditor({
  appId,
  templateId,
  onDone,
  onCancel,
}: { appId: string; templateId: string | null } & Omit<EditorFormProps, 'appId' | 'template'>) {
  const template = useQuery({
    queryKey: cardTemplateKeys.one(appId, templateId ?? ''),
    queryFn: () => fetchCardTemplate(appId, templateId!),
    enabled: templateId !== null,
  });
  if (templateId === null) return <EditorForm appId={appId} template={null} onDone={onDone} onCancel={onCancel} />;
  if (template.isPending) return <LoadingState compact />;
  if (template.isError) return <ErrorState compact error={template.error} onRetry={() => template.refetch()} />;
  // Keyed by what was loaded: a refetch after publishing starts the draft again from the new version.
  return <EditorForm key={template.data.latest.versionName} appId={appId} template={template.data} onDone={onDone} onCancel={onCancel} />;
}
