import { useMessages } from '@kite/ui/i18n';
import { webhookMessages } from './webhook-messages.ts';
import './webhook-bots.css';

/** A bot's face: a robot on a rounded square, so bots never pass for people in the timeline. */
export function BotAvatar({ name, size = 32 }: { name: string; size?: number }) {
  return (
    <span className="kite-im-bot-avatar" role="img" aria-label={name} style={{ width: size, height: size }}>
      <svg viewBox="0 0 24 24" width={Math.round(size * 0.62)} height={Math.round(size * 0.62)} aria-hidden="true">
        <path
          d="M12 2.5a1.25 1.25 0 0 1 .75 2.25V6.5H17a3 3 0 0 1 3 3v7a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3v-7a3 3 0 0 1 3-3h4.25V4.75A1.25 1.25 0 0 1 12 2.5Z"
          fill="currentColor"
        />
        <circle cx="9" cy="12.5" r="1.6" fill="var(--kite-bot-avatar-bg, #3370ff)" />
        <circle cx="15" cy="12.5" r="1.6" fill="var(--kite-bot-avatar-bg, #3370ff)" />
        <rect x="9" y="15.6" width="6" height="1.4" rx="0.7" fill="var(--kite-bot-avatar-bg, #3370ff)" />
        <rect x="1.5" y="11" width="1.8" height="4" rx="0.9" fill="currentColor" />
        <rect x="20.7" y="11" width="1.8" height="4" rx="0.9" fill="currentColor" />
      </svg>
    </span>
  );
}

/** The small "Bot" label next to a bot's name. */
export function BotTag() {
  const t = useMessages(webhookMessages);
  return (
    <span className="kite-im-bot-tag" data-testid="bot-tag">
      {t('botTag')}
    </span>
  );
}
