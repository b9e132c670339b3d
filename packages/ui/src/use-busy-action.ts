import { Toast } from '@douyinfe/semi-ui';
import { useCallback, useState } from 'react';
import { type ErrorTexts, useErrorText } from './error-text.ts';

/**
 * A button's action with its busy state: `run(action)` shows busy while it runs and reports a
 * failure as a toast in the screen's words (`errorTexts`), so a dialog's submit is only its work.
 */
export function useBusyAction(errorTexts?: ErrorTexts): [busy: boolean, run: (action: () => Promise<void>) => Promise<void>] {
  const errorText = useErrorText(errorTexts);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      try {
        await action();
      } catch (error) {
        Toast.error(errorText(error));
      } finally {
        setBusy(false);
      }
    },
    [errorText],
  );
  return [busy, run];
}
