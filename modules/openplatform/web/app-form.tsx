import { IconDelete, IconPlus } from '@douyinfe/semi-icons';
import { ArrayField, Banner, Button, Form } from '@douyinfe/semi-ui';
import { type AppInput, type AppView, MAX_REDIRECT_URLS, RedirectUrl, SCOPES } from '@kite/openplatform/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { openPlatformErrorTexts } from './openplatform-error-texts.ts';
import { openPlatformMessages } from './openplatform-messages.ts';

const URL_PATTERN = /^https?:\/\/\S+$/i;

interface AppFormValues {
  name: string;
  description?: string;
  scopes: string[];
  eventUrl?: string;
  encryptKey?: string;
  verificationToken?: string;
  cardUrl?: string;
  /** One input per URL; blank rows are dropped on submit. */
  redirectUrls?: Array<string | undefined>;
}

export interface AppFormProps {
  /** The app being edited; null for a new one. */
  app: AppView | null;
  submitting: boolean;
  error: unknown;
  onSubmit: (input: AppInput) => void;
  onCancel: () => void;
}

/**
 * The fields of an app: name, description, scopes, OIDC redirect URLs, event subscription and card
 * request URL.
 * Editing leaves the encrypt key untouched unless a new one is typed, since the server never sends
 * it back. Redirect URLs are checked with the server's own schema as they are typed.
 */
export function AppForm({ app, submitting, error, onSubmit, onCancel }: AppFormProps) {
  const t = useMessages(openPlatformMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(openPlatformErrorTexts);

  // The event and card request URLs: empty, or a full http(s) URL (the server then challenges it).
  const callbackUrlRules = [
    {
      validator: (_rule: unknown, value: unknown) => !value || URL_PATTERN.test(String(value).trim()),
      message: t('eventUrlInvalid'),
    },
  ];

  const submit = (values: AppFormValues) => {
    const eventUrl = values.eventUrl?.trim() || null;
    const encryptKey = values.encryptKey?.trim();
    const input: AppInput = {
      name: values.name.trim(),
      description: values.description?.trim() ?? '',
      scopes: values.scopes.filter((scope): scope is (typeof SCOPES)[number] => (SCOPES as readonly string[]).includes(scope)),
      eventUrl,
      verificationToken: values.verificationToken?.trim() || null,
      cardUrl: values.cardUrl?.trim() || null,
      redirectUrls: [...new Set((values.redirectUrls ?? []).map((url) => url?.trim() ?? '').filter(Boolean))],
      // An empty key on edit means "keep the current one"; on create it means "none".
      ...(encryptKey ? { encryptKey } : app ? {} : { encryptKey: null }),
    };
    onSubmit(input);
  };

  return (
    <>
      {error ? (
        <Banner type="danger" fullMode={false} closeIcon={null} description={errorText(error)} style={{ marginBottom: 16 }} />
      ) : null}
      <Form<AppFormValues>
        initValues={{
          name: app?.name ?? '',
          description: app?.description ?? '',
          scopes: app ? [...app.scopes] : [...SCOPES],
          eventUrl: app?.eventUrl ?? '',
          verificationToken: app?.verificationToken ?? '',
          cardUrl: app?.cardUrl ?? '',
          encryptKey: '',
          redirectUrls: app ? [...app.redirectUrls] : [],
        }}
        onSubmit={submit}
        disabled={submitting}
      >
        <Form.Input
          field="name"
          label={t('appName')}
          placeholder={t('appNamePlaceholder')}
          rules={[{ required: true, whitespace: true, message: t('appNameRequired') }]}
          data-testid="app-name-input"
          autoFocus
        />
        <Form.TextArea
          field="description"
          label={t('appDescription')}
          placeholder={t('appDescriptionPlaceholder')}
          autosize
          maxCount={500}
        />
        <Form.CheckboxGroup field="scopes" label={t('scopes')} extraText={t('scopesHint')} direction="vertical">
          {SCOPES.map((scope) => (
            <Form.Checkbox key={scope} value={scope}>
              <span className="kite-scope">
                <code>{scope}</code>
                <span>{t(`scope.${scope}`)}</span>
              </span>
            </Form.Checkbox>
          ))}
        </Form.CheckboxGroup>
        <Form.Section text={t('signInSettings')}>
          <Form.Slot label={t('redirectUrls')}>
            <ArrayField field="redirectUrls">
              {({ add, arrayFields }) => (
                <div className="kite-redirect-urls" data-testid="app-redirect-urls">
                  {arrayFields.map(({ field, key, remove }, index) => (
                    <div className="kite-redirect-urls__row" key={key}>
                      <Form.Input
                        field={field}
                        noLabel
                        placeholder={t('redirectUrlPlaceholder')}
                        fieldStyle={{ flex: 1, padding: 0 }}
                        rules={[
                          {
                            validator: (_rule: unknown, value: unknown) =>
                              !String(value ?? '').trim() || RedirectUrl.safeParse(value).success,
                            message: t('redirectUrlInvalid'),
                          },
                        ]}
                        data-testid={`app-redirect-url-input-${index}`}
                      />
                      <Button
                        theme="borderless"
                        type="tertiary"
                        icon={<IconDelete />}
                        onClick={remove}
                        aria-label={t('removeRedirectUrl')}
                        data-testid={`remove-redirect-url-${index}`}
                      />
                    </div>
                  ))}
                  {arrayFields.length < MAX_REDIRECT_URLS ? (
                    <Button icon={<IconPlus />} theme="borderless" onClick={add} data-testid="add-redirect-url">
                      {t('addRedirectUrl')}
                    </Button>
                  ) : null}
                </div>
              )}
            </ArrayField>
            <p className="kite-redirect-urls__hint">{t('redirectUrlsHint', { max: MAX_REDIRECT_URLS })}</p>
          </Form.Slot>
        </Form.Section>
        <Form.Section text={t('eventSettings')}>
          <Form.Input
            field="eventUrl"
            label={t('eventUrl')}
            placeholder={t('eventUrlPlaceholder')}
            extraText={t('eventUrlHint')}
            rules={callbackUrlRules}
            data-testid="app-event-url-input"
          />
          <Form.Input
            field="encryptKey"
            label={t('encryptKey')}
            mode="password"
            autoComplete="off"
            placeholder={app?.hasEncryptKey ? t('encryptKeyKeep') : ''}
            extraText={t('encryptKeyHint')}
          />
          <Form.Input field="verificationToken" label={t('verificationToken')} autoComplete="off" extraText={t('verificationTokenHint')} />
          <Form.Input
            field="cardUrl"
            label={t('cardUrl')}
            placeholder={t('cardUrlPlaceholder')}
            extraText={t('cardUrlHint')}
            rules={callbackUrlRules}
            data-testid="app-card-url-input"
          />
        </Form.Section>
        <div className="kite-form-footer">
          <Button onClick={onCancel}>{common('cancel')}</Button>
          <Button htmlType="submit" theme="solid" loading={submitting} data-testid="app-submit">
            {app ? common('save') : common('create')}
          </Button>
        </div>
      </Form>
    </>
  );
}
