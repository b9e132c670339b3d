import { IconBell } from '@douyinfe/semi-icons';
import { Button } from '@douyinfe/semi-ui';
import type { UrgentAlertView } from '@kite/im/contract';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { imMessages, previewLabels } from './im-messages.ts';
import { formatListTime } from './im-time.ts';
import { useJumpToMessage } from './jump-to-message.ts';
import { previewText } from './message-content.ts';
import { acknowledgeBuzz, removeAlert, useUrgentAlerts } from './urgent-pin-api.ts';
import { urgentPinErrorTexts, urgentPinMessages } from './urgent-pin-messages.ts';
import './buzz-alerts.css';

/** Alerts shown before "n more": enough to notice, few enough to leave the page usable. */
const SHOWN_WHEN_FOLDED = 2;

function BuzzAlert({ alert }: { alert: UrgentAlertView }) {
  const t = useMessages(urgentPinMessages);
  const tIm = useMessages(imMessages);
  const { locale } = useLocale();
  const queryClient = useQueryClient();
  const jump = useJumpToMessage();
  const [busy, run] = useBusyAction(urgentPinErrorTexts);
  const name = alert.buzzedBy.name || tIm('unknownSender');
  const title = alert.chat.chatType === 'group' ? t('buzzedYouIn', { name, chat: alert.chat.name }) : t('buzzedYou', { name });
  const sender = alert.message.sender?.name;
  const preview = previewText(alert.message, previewLabels(tIm));

  const acknowledge = () =>
    run(async () => {
      await acknowledgeBuzz(alert.message.id);
      removeAlert(queryClient, alert.message.id);
    });
  const open = () => jump({ chatId: alert.chat.id, messageId: alert.message.messageId });

  return (
    <div className="kite-buzz-alert" role="alert" data-testid="buzz-alert" data-message-id={alert.message.messageId}>
      <span className="kite-buzz-alert__icon" aria-hidden="true">
        <IconBell />
      </span>
      <button type="button" className="kite-buzz-alert__body" onClick={open} title={t('openBuzzed')} data-testid="buzz-alert-open">
        <span className="kite-buzz-alert__title">
          <span className="kite-buzz-alert__who">{title}</span>
          <span className="kite-buzz-alert__time">{formatListTime(alert.buzzedAt, locale, tIm('yesterday'))}</span>
        </span>
        <span className="kite-buzz-alert__preview">{sender && sender !== name ? `${sender}: ${preview}` : preview}</span>
      </button>
      <Button theme="solid" type="danger" size="small" loading={busy} onClick={() => void acknowledge()} data-testid="buzz-acknowledge">
        {t('acknowledge')}
      </Button>
    </div>
  );
}

/**
 * The viewer's unacknowledged buzzes, on every page of the app, newest first: who buzzed, about
 * what, a way to the message and "Acknowledge". They arrive live and survive a reload.
 */
export function MessengerBuzzAlerts() {
  const t = useMessages(urgentPinMessages);
  const alerts = useUrgentAlerts();
  const [unfolded, setUnfolded] = useState(false);
  const items = alerts.data ?? [];
  if (items.length === 0) return null;
  const shown = unfolded ? items : items.slice(0, SHOWN_WHEN_FOLDED);
  const hidden = items.length - shown.length;
  return (
    <section className="kite-buzz-alerts" aria-label={t('buzzAlertsLabel')} data-testid="buzz-alerts">
      {shown.map((alert) => (
        <BuzzAlert key={alert.message.id} alert={alert} />
      ))}
      {items.length > SHOWN_WHEN_FOLDED ? (
        <button type="button" className="kite-buzz-alerts__toggle" onClick={() => setUnfolded(!unfolded)} data-testid="buzz-alerts-toggle">
          {hidden > 0 ? t('moreBuzzes', { count: hidden }) : t('fewerBuzzes')}
        </button>
      ) : null}
    </section>
  );
}
