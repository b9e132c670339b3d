import { IconCopy } from '@douyinfe/semi-icons';
import { Button, Toast } from '@douyinfe/semi-ui';
import { commonMessages } from './common-messages.ts';
import { copyToClipboard } from './copy-to-clipboard.ts';
import { useMessages } from './i18n.tsx';

export interface CopyableValueProps {
  label: string;
  value: string;
  /** Monospace and break anywhere: ids, secrets, URLs. */
  code?: boolean;
  testId?: string;
}

/** A labelled read-only value with a copy button, for ids, secrets and links shown once. */
export function CopyableValue({ label, value, code = true, testId }: CopyableValueProps) {
  const t = useMessages(commonMessages);
  const copy = async () => {
    const ok = await copyToClipboard(value);
    if (ok) Toast.success({ content: t('copied'), duration: 2 });
    else Toast.warning({ content: t('copyFailed') });
  };
  return (
    <div className="kite-copyable">
      <div className="kite-copyable__label">{label}</div>
      <div className="kite-copyable__row">
        <span className={code ? 'kite-copyable__value kite-copyable__value--code' : 'kite-copyable__value'} data-testid={testId}>
          {value}
        </span>
        <Button
          icon={<IconCopy />}
          theme="borderless"
          onClick={copy}
          aria-label={`${t('copy')} ${label}`}
          data-testid={testId ? `${testId}-copy` : undefined}
        >
          {t('copy')}
        </Button>
      </div>
    </div>
  );
}
