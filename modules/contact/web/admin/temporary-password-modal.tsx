import { IconAlertTriangle } from '@douyinfe/semi-icons';
import { Button, Modal } from '@douyinfe/semi-ui';
import { commonMessages } from '@kite/ui/common-messages';
import { CopyableValue } from '@kite/ui/copyable-value';
import { useMessages } from '@kite/ui/i18n';
import { contactMessages } from '../contact-messages.ts';

export interface TemporaryCredentials {
  title: string;
  name: string;
  email: string | null;
  password: string;
}

/** Shows a generated password exactly once, with what the admin should do with it. */
export function TemporaryPasswordModal({ credentials, onClose }: { credentials: TemporaryCredentials; onClose: () => void }) {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  return (
    <Modal
      title={credentials.title}
      visible
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button theme="solid" onClick={onClose} data-testid="temporary-password-done">
          {common('close')}
        </Button>
      }
    >
      <p className="kite-muted" style={{ marginTop: 0 }}>
        {t('temporaryPasswordBody', { name: credentials.name })}
      </p>
      {credentials.email ? <CopyableValue label={t('fieldEmail')} value={credentials.email} code={false} /> : null}
      <CopyableValue label={t('temporaryPassword')} value={credentials.password} testId="temporary-password" />
      <p className="kite-field-hint" style={{ display: 'flex', gap: 8, alignItems: 'flex-start', marginBottom: 0 }}>
        <IconAlertTriangle style={{ color: 'var(--semi-color-warning)', marginTop: 2 }} />
        <span>{t('temporaryPasswordOnce')}</span>
      </p>
    </Modal>
  );
}
