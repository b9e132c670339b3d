import { IconMore, IconPlus } from '@douyinfe/semi-icons';
import { Button, Dropdown, Input, Modal, Switch, Tag, TagInput, TextArea, Toast } from '@douyinfe/semi-ui';
import type { ChatView, WebhookBotCredentials, WebhookBotView } from '@kite/im/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { CopyableValue } from '@kite/ui/copyable-value';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { ErrorState } from '@kite/ui/states';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { BotAvatar, BotTag } from './bot-avatar.tsx';
import { ModalFooter } from './modal-footer.tsx';
import { createWebhookBot, removeWebhookBot, resetWebhookBot, updateWebhookBot, useWebhookBots, webhookQueryKey } from './webhook-api.ts';
import { webhookErrorTexts, webhookMessages } from './webhook-messages.ts';

type Translate = ReturnType<typeof useMessages<keyof (typeof webhookMessages)['en-US']>>;

/** What a command just made and Kite will not show again. */
interface Revealed {
  title: string;
  credentials: WebhookBotCredentials;
}

/** Modals fit a phone's width; on a desktop they keep a comfortable reading width. */
function useModalWidth(): number | string {
  return useIsPhone() ? 'calc(100vw - 24px)' : 520;
}

/**
 * The chat's custom bots in its info panel: every member sees them; whoever may add members adds
 * them (URL and secret shown once); a bot's creator and the chat's owner and admins edit, reset and
 * remove them.
 */
export function WebhookBotsSection({ chat }: { chat: ChatView }) {
  const t = useMessages(webhookMessages);
  const bots = useWebhookBots(chat.id);
  const [editing, setEditing] = useState<WebhookBotView | 'new' | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const list = bots.data ?? [];
  const canAdd = chat.permissions.addMembers;

  return (
    <section className="kite-im-bots" data-testid="webhook-bots">
      <div className="kite-im-bots__header">
        <span className="kite-im-bots__title">
          {t('botsTitle')}
          {list.length > 0 ? ` · ${list.length}` : ''}
        </span>
        {canAdd ? (
          <Button size="small" icon={<IconPlus />} onClick={() => setEditing('new')} data-testid="add-webhook-bot">
            {t('addBot')}
          </Button>
        ) : null}
      </div>
      {bots.isPending ? null : bots.isError ? (
        <ErrorState compact error={bots.error} onRetry={() => void bots.refetch()} />
      ) : list.length === 0 ? (
        <div className="kite-im-bots__empty" data-testid="webhook-bots-empty">
          <div>{t('botsEmptyTitle')}</div>
          <div>{canAdd ? t('botsEmptyHint') : t('botsReadOnlyHint')}</div>
        </div>
      ) : (
        <ul className="kite-im-bots__list">
          {list.map((bot) => (
            <BotItem key={bot.id} bot={bot} chat={chat} onEdit={() => setEditing(bot)} onReveal={setRevealed} />
          ))}
        </ul>
      )}
      {editing ? (
        <BotFormModal
          chat={chat}
          bot={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onReveal={(shown) => {
            setEditing(null);
            setRevealed(shown);
          }}
        />
      ) : null}
      {revealed ? <CredentialsModal revealed={revealed} onClose={() => setRevealed(null)} /> : null}
    </section>
  );
}

function badges(bot: WebhookBotView, t: Translate) {
  const list = [
    bot.signed ? t('signedBadge') : null,
    bot.keywords.length > 0 ? t('keywordsBadge', { count: bot.keywords.length }) : null,
    bot.ipAllowlist.length > 0 ? t('ipBadge') : null,
  ].filter((text): text is string => text !== null);
  if (list.length === 0) return null;
  return (
    <div className="kite-im-bot__badges">
      {list.map((text) => (
        <Tag key={text} size="small" color="grey">
          {text}
        </Tag>
      ))}
    </div>
  );
}

function BotItem({
  bot,
  chat,
  onEdit,
  onReveal,
}: {
  bot: WebhookBotView;
  chat: ChatView;
  onEdit: () => void;
  onReveal: (revealed: Revealed) => void;
}) {
  const t = useMessages(webhookMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(webhookErrorTexts);
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: webhookQueryKey(chat.id) });

  const reset = (what: 'url' | 'secret') =>
    Modal.confirm({
      title: what === 'url' ? t('actionResetUrl') : bot.signed ? t('actionResetSecret') : t('actionEnableSigning'),
      content: what === 'url' ? t('resetUrlConfirm', { name: bot.name }) : bot.signed ? t('resetSecretConfirm', { name: bot.name }) : null,
      okText: common('confirm'),
      onOk: async () => {
        try {
          const credentials = await resetWebhookBot(bot.id, what);
          refresh();
          onReveal({ title: t(what === 'url' ? 'urlResetTitle' : 'secretResetTitle', { name: bot.name }), credentials });
        } catch (error) {
          Toast.error(errorText(error));
        }
      },
    });
  const remove = () =>
    Modal.confirm({
      title: t('removeConfirmTitle', { name: bot.name }),
      content: t('removeConfirm'),
      okText: t('actionRemove'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: async () => {
        try {
          await removeWebhookBot(bot.id);
          refresh();
          Toast.success(t('botRemoved', { name: bot.name }));
        } catch (error) {
          Toast.error(errorText(error));
        }
      },
    });

  return (
    <li className="kite-im-bot" data-testid={`webhook-bot-${bot.id}`} data-bot-name={bot.name}>
      <BotAvatar name={bot.name} size={32} />
      <div className="kite-im-bot__body">
        <div className="kite-im-bot__name">
          <span>{bot.name}</span>
          <BotTag />
        </div>
        {bot.description ? <div className="kite-im-bot__description">{bot.description}</div> : null}
        <div className="kite-im-bot__meta">
          {[bot.createdBy ? t('addedBy', { name: bot.createdBy.name }) : null, bot.canManage ? t('urlHint', { hint: bot.tokenHint }) : null]
            .filter(Boolean)
            .join(' · ')}
        </div>
        {badges(bot, t)}
      </div>
      {bot.canManage ? (
        <Dropdown
          trigger="click"
          position="bottomRight"
          render={
            <Dropdown.Menu>
              <Dropdown.Item onClick={onEdit} data-testid="webhook-bot-edit">
                {t('actionEdit')}
              </Dropdown.Item>
              <Dropdown.Item onClick={() => reset('url')} data-testid="webhook-bot-reset-url">
                {t('actionResetUrl')}
              </Dropdown.Item>
              <Dropdown.Item onClick={() => reset('secret')} data-testid="webhook-bot-reset-secret">
                {bot.signed ? t('actionResetSecret') : t('actionEnableSigning')}
              </Dropdown.Item>
              <Dropdown.Item type="danger" onClick={remove} data-testid="webhook-bot-remove">
                {t('actionRemove')}
              </Dropdown.Item>
            </Dropdown.Menu>
          }
        >
          <button
            type="button"
            className="kite-im-icon-button"
            aria-label={common('actions')}
            data-testid={`webhook-bot-actions-${bot.id}`}
          >
            <IconMore />
          </button>
        </Dropdown>
      ) : null}
    </li>
  );
}

/** Adds a bot (`bot` null) or edits one; what the server makes (URL, secret) goes to `onReveal`. */
function BotFormModal({
  chat,
  bot,
  onClose,
  onReveal,
}: {
  chat: ChatView;
  bot: WebhookBotView | null;
  onClose: () => void;
  onReveal: (revealed: Revealed) => void;
}) {
  const t = useMessages(webhookMessages);
  const common = useMessages(commonMessages);
  const queryClient = useQueryClient();
  const width = useModalWidth();
  const [name, setName] = useState(bot?.name ?? '');
  const [description, setDescription] = useState(bot?.description ?? '');
  const [signed, setSigned] = useState(bot?.signed ?? false);
  const [keywords, setKeywords] = useState<string[]>(bot?.keywords ?? []);
  const [ipAllowlist, setIpAllowlist] = useState<string[]>(bot?.ipAllowlist ?? []);
  const [nameError, setNameError] = useState(false);
  const [busy, run] = useBusyAction(webhookErrorTexts);

  const submit = () => {
    if (!name.trim()) {
      setNameError(true);
      return;
    }
    void run(async () => {
      const fields = { name: name.trim(), description: description.trim(), signed, keywords, ipAllowlist };
      const credentials = bot ? await updateWebhookBot(bot.id, fields) : await createWebhookBot(chat.id, fields);
      void queryClient.invalidateQueries({ queryKey: webhookQueryKey(chat.id) });
      if (credentials.webhookUrl || credentials.secret) {
        onReveal({
          title: bot ? t('secretResetTitle', { name: credentials.bot.name }) : t('createdTitle', { name: credentials.bot.name }),
          credentials,
        });
      } else {
        Toast.success(t('botSaved'));
        onClose();
      }
    });
  };

  return (
    <Modal
      visible
      title={bot ? t('editBotTitle', { name: bot.name }) : t('addBotTitle')}
      onCancel={onClose}
      width={width}
      footer={
        <ModalFooter
          onCancel={onClose}
          submit={{ label: bot ? common('save') : t('addSubmit'), onClick: submit, busy, testId: 'webhook-bot-submit' }}
        />
      }
    >
      <div className="kite-im-bot-form" data-testid="webhook-bot-form">
        <div className="kite-im-field">
          <div className="kite-im-setting__label">{t('nameLabel')}</div>
          <Input
            value={name}
            onChange={(value) => {
              setName(value);
              setNameError(false);
            }}
            placeholder={t('namePlaceholder')}
            maxLength={50}
            validateStatus={nameError ? 'error' : 'default'}
            autoFocus
            data-testid="webhook-bot-name"
          />
          {nameError ? <div className="kite-im-field__error">{t('nameRequired')}</div> : null}
        </div>
        <div className="kite-im-field">
          <div className="kite-im-setting__label">
            {t('descriptionLabel')} ({common('optional')})
          </div>
          <TextArea
            value={description}
            onChange={setDescription}
            placeholder={t('descriptionPlaceholder')}
            maxCount={200}
            autosize={{ minRows: 2, maxRows: 4 }}
            data-testid="webhook-bot-description"
          />
        </div>
        <div className="kite-im-bot-form__section">
          <div className="kite-im-bot-form__section-title">{t('securityTitle')}</div>
          <div className="kite-im-bot-form__hint">{t('securityHint')}</div>
          <div className="kite-im-bot-form__switch">
            <div>
              <div className="kite-im-bot-form__label">{t('signedLabel')}</div>
              <div className="kite-im-bot-form__hint">{t('signedHint')}</div>
            </div>
            <Switch checked={signed} onChange={setSigned} aria-label={t('signedLabel')} data-testid="webhook-bot-signed" />
          </div>
          <ListField
            label={t('keywordsLabel')}
            hint={t('keywordsHint')}
            placeholder={t('keywordsPlaceholder')}
            value={keywords}
            onChange={setKeywords}
            maxItems={10}
            maxLength={50}
            testId="webhook-bot-keywords"
          />
          <ListField
            label={t('ipLabel')}
            hint={t('ipHint')}
            placeholder={t('ipPlaceholder')}
            value={ipAllowlist}
            onChange={setIpAllowlist}
            maxItems={20}
            maxLength={64}
            testId="webhook-bot-ips"
          />
        </div>
      </div>
    </Modal>
  );
}

/** A labelled list of short values typed one by one (Enter or leaving the field adds one). */
function ListField(props: {
  label: string;
  hint: string;
  placeholder: string;
  value: string[];
  onChange: (value: string[]) => void;
  maxItems: number;
  maxLength: number;
  testId: string;
}) {
  return (
    <div className="kite-im-field">
      <div className="kite-im-bot-form__label">{props.label}</div>
      <div className="kite-im-bot-form__hint">{props.hint}</div>
      <TagInput
        value={props.value}
        onChange={props.onChange}
        placeholder={props.placeholder}
        maxLength={props.maxLength}
        max={props.maxItems}
        allowDuplicates={false}
        addOnBlur
        data-testid={props.testId}
      />
    </div>
  );
}

/** The webhook URL and secret, with copy buttons, the one time they are shown. */
function CredentialsModal({ revealed, onClose }: { revealed: Revealed; onClose: () => void }) {
  const t = useMessages(webhookMessages);
  const width = useModalWidth();
  const { webhookUrl, secret, bot } = revealed.credentials;
  const example = webhookUrl
    ? `curl -X POST -H 'Content-Type: application/json' \\\n  -d '{"msg_type":"text","content":{"text":"Hello from ${bot.name.replace(/'/g, '')}"}}' \\\n  ${webhookUrl}`
    : null;
  return (
    <Modal
      visible
      title={revealed.title}
      onCancel={onClose}
      width={width}
      maskClosable={false}
      footer={
        <Button theme="solid" onClick={onClose} data-testid="webhook-credentials-done">
          {t('done')}
        </Button>
      }
    >
      <div className="kite-im-bot-credentials" data-testid="webhook-credentials">
        <div className="kite-im-bot-form__hint">{t('credentialsHint')}</div>
        {webhookUrl ? <CopyableValue label={t('webhookUrlLabel')} value={webhookUrl} testId="webhook-url" /> : null}
        {secret ? <CopyableValue label={t('secretLabel')} value={secret} testId="webhook-secret" /> : null}
        {example && !bot.signed ? (
          <div>
            <div className="kite-im-setting__label">{t('exampleLabel')}</div>
            <pre className="kite-im-bot-credentials__example">{example}</pre>
          </div>
        ) : null}
      </div>
    </Modal>
  );
}
