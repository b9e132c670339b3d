import { IconBell, IconClose, IconSetting, IconVolume2 } from '@douyinfe/semi-icons';
import { Button, Modal, Switch, Toast } from '@douyinfe/semi-ui';
import type { UpdateUserSettingsInput, UserSettingsView } from '@kite/im/contract';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { LoadingState } from '@kite/ui/states';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState, useSyncExternalStore } from 'react';
import { playBuzzChime, unlockAudio } from './buzz-sound.ts';
import { type NotificationState, notificationState, requestNotificationPermission } from './desktop-notifier.ts';
import { imErrorTexts } from './im-messages.ts';
import { notificationMessages } from './notification-messages.ts';
import { saveUserSettings, useUserSettings, writeUserSettings } from './user-settings-api.ts';
import './notification-settings.css';

/** Who shows the browser's permission: told when it is asked here, or changed in the browser's settings. */
const permissionListeners = new Set<() => void>();

function subscribeToPermission(onChange: () => void): () => void {
  permissionListeners.add(onChange);
  let status: PermissionStatus | undefined;
  let subscribed = true;
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((found) => {
      if (!subscribed) return;
      status = found;
      found.addEventListener('change', onChange);
    })
    .catch(() => undefined);
  return () => {
    subscribed = false;
    permissionListeners.delete(onChange);
    status?.removeEventListener('change', onChange);
  };
}

/** The browser's permission (the banner and the settings dialog show the same), and asking for it from a click. */
function usePermission(): [NotificationState, () => Promise<NotificationState>] {
  const state = useSyncExternalStore(subscribeToPermission, notificationState);
  const ask = async () => {
    const next = await requestNotificationPermission();
    for (const listener of permissionListeners) listener();
    return next;
  };
  return [state, ask];
}

/** Saves a change at once (the switch moves first, and back if the server refuses). */
function useSaveUserSettings(): (patch: UpdateUserSettingsInput, current: UserSettingsView) => Promise<void> {
  const queryClient = useQueryClient();
  const errorText = useErrorText(imErrorTexts);
  return async (patch, current) => {
    writeUserSettings(queryClient, { ...current, ...patch });
    try {
      writeUserSettings(queryClient, await saveUserSettings(patch));
    } catch (error) {
      writeUserSettings(queryClient, current);
      Toast.error(errorText(error));
    }
  };
}

const BANNER_DISMISSED_KEY = 'kite.im.notification-banner-dismissed';

function bannerDismissed(): boolean {
  try {
    return window.localStorage.getItem(BANNER_DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * Above the chat list while this browser has not been asked yet and the person wants desktop
 * notifications: one click asks the browser. "Not now" hides it on this device.
 */
export function NotificationBanner() {
  const t = useMessages(notificationMessages);
  const settings = useUserSettings();
  const [permission, ask] = usePermission();
  const [dismissed, setDismissed] = useState(bannerDismissed);
  const [refused, setRefused] = useState(false);
  if (dismissed || !settings.data?.desktopNotifications) return null;
  if (permission !== 'default' && !refused) return null;

  const dismiss = () => {
    setDismissed(true);
    try {
      window.localStorage.setItem(BANNER_DISMISSED_KEY, '1');
    } catch {
      // Not remembered: the banner comes back on the next visit.
    }
  };
  const enable = async () => {
    unlockAudio();
    const next = await ask();
    if (next === 'denied') setRefused(true);
  };
  return (
    <div className="kite-im-notify-banner" role="status" data-testid="notification-banner">
      <IconBell className="kite-im-notify-banner__icon" aria-hidden="true" />
      <span className="kite-im-notify-banner__text">{refused ? t('bannerBlocked') : t('bannerText')}</span>
      {refused ? null : (
        <Button size="small" theme="solid" onClick={() => void enable()} data-testid="notification-banner-enable">
          {t('bannerEnable')}
        </Button>
      )}
      <button
        type="button"
        className="kite-im-icon-button kite-im-notify-banner__close"
        onClick={dismiss}
        aria-label={t('bannerDismiss')}
        title={t('bannerDismiss')}
        data-testid="notification-banner-dismiss"
      >
        <IconClose size="small" />
      </button>
    </div>
  );
}

/** What the browser allows, and the button that asks it when it has not been asked yet. */
function BrowserPermission() {
  const t = useMessages(notificationMessages);
  const [permission, ask] = usePermission();
  if (permission === 'default') {
    return (
      <div className="kite-im-notify-setting__browser">
        <span className="kite-muted">{t('browserAsk')}</span>
        <Button
          size="small"
          onClick={() => {
            unlockAudio();
            void ask();
          }}
          data-testid="enable-notifications"
        >
          {t('browserAllow')}
        </Button>
      </div>
    );
  }
  const text = { granted: t('browserAllowed'), denied: t('browserBlocked'), unsupported: t('browserUnsupported') }[permission];
  return (
    <div className="kite-im-notify-setting__browser" data-testid="notification-permission" data-permission={permission}>
      <span className={permission === 'granted' ? 'kite-muted' : 'kite-im-notify-setting__warning'}>{text}</span>
    </div>
  );
}

function SettingRow({
  label,
  hint,
  checked,
  onChange,
  testId,
  children,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <div className="kite-im-notify-setting">
      <div className="kite-im-notify-setting__head">
        <span className="kite-im-notify-setting__label">{label}</span>
        <Switch checked={checked} onChange={onChange} aria-label={label} data-testid={testId} />
      </div>
      <div className="kite-im-notify-setting__hint kite-muted">{hint}</div>
      {children}
    </div>
  );
}

/** The messenger's own settings: desktop notifications and sound, kept for the person on the server. */
function MessengerSettingsModal({ onClose }: { onClose: () => void }) {
  const t = useMessages(notificationMessages);
  const settings = useUserSettings();
  const save = useSaveUserSettings();
  const current = settings.data;
  return (
    <Modal
      visible
      title={t('settingsTitle')}
      onCancel={onClose}
      footer={null}
      width={480}
      style={{ maxWidth: 'calc(100vw - 32px)' }}
      data-testid="messenger-settings"
    >
      <div className="kite-im-notify-settings" data-testid="messenger-settings-body">
        <h3 className="kite-im-notify-settings__section">{t('sectionNotifications')}</h3>
        {current ? (
          <>
            <SettingRow
              label={t('desktopLabel')}
              hint={t('desktopHint')}
              checked={current.desktopNotifications}
              onChange={(desktopNotifications) => void save({ desktopNotifications }, current)}
              testId="setting-desktop-notifications"
            >
              {current.desktopNotifications ? <BrowserPermission /> : null}
            </SettingRow>
            <SettingRow
              label={t('soundLabel')}
              hint={t('soundHint')}
              checked={current.sound}
              onChange={(sound) => void save({ sound }, current)}
              testId="setting-sound"
            >
              <Button
                size="small"
                theme="borderless"
                icon={<IconVolume2 />}
                onClick={() => {
                  unlockAudio();
                  // The context may need a moment to start after the first gesture.
                  setTimeout(playBuzzChime, 50);
                }}
                data-testid="setting-sound-test"
              >
                {t('soundTest')}
              </Button>
            </SettingRow>
          </>
        ) : settings.isError ? (
          <div className="kite-im-notify-setting__warning">{t('settingsLoadFailed')}</div>
        ) : (
          <LoadingState compact />
        )}
      </div>
    </Modal>
  );
}

/** The gear above the chat list that opens the messenger's settings. */
export function MessengerSettingsButton() {
  const t = useMessages(notificationMessages);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="kite-im-icon-button"
        onClick={() => setOpen(true)}
        aria-label={t('settingsButton')}
        title={t('settingsButton')}
        data-testid="messenger-settings-button"
      >
        <IconSetting />
      </button>
      {open ? <MessengerSettingsModal onClose={() => setOpen(false)} /> : null}
    </>
  );
}
