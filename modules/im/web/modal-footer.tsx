import { Button } from '@douyinfe/semi-ui';
import { commonMessages } from '@kite/ui/common-messages';
import { useMessages } from '@kite/ui/i18n';
import type { ReactNode } from 'react';

/** A dialog's footer: an optional summary ("3 picked"), Cancel, and the one primary action. */
export function ModalFooter({
  summary,
  onCancel,
  cancelTestId,
  submit,
}: {
  summary?: ReactNode;
  onCancel: () => void;
  cancelTestId?: string;
  submit: { label: ReactNode; onClick: () => void; busy: boolean; disabled?: boolean; danger?: boolean; testId: string };
}) {
  const common = useMessages(commonMessages);
  return (
    <div className="kite-im-modal-footer">
      {summary ? <span className="kite-muted">{summary}</span> : null}
      <Button onClick={onCancel} data-testid={cancelTestId}>
        {common('cancel')}
      </Button>
      <Button
        theme="solid"
        type={submit.danger ? 'danger' : 'primary'}
        loading={submit.busy}
        disabled={submit.disabled}
        onClick={submit.onClick}
        data-testid={submit.testId}
      >
        {submit.label}
      </Button>
    </div>
  );
}
