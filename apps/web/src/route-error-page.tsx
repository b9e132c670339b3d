import { Button } from '@douyinfe/semi-ui';
import { commonMessages } from '@kite/ui/common-messages';
import { useMessages } from '@kite/ui/i18n';
import { EmptyState } from '@kite/ui/states';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/**
 * Shown when a route fails to render or its code fails to load (typically right after Kite was
 * upgraded and the old page asks for files that no longer exist): a reload fixes both.
 */
export function RouteErrorPage() {
  const t = useMessages(commonMessages);
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!notFound) console.error(error);
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <EmptyState
        illustration={notFound ? 'search' : 'error'}
        title={notFound ? t('notFoundTitle') : t('errorTitle')}
        description={notFound ? t('notFoundDescription') : t('errorDescription')}
        action={
          <Button theme="solid" onClick={() => window.location.reload()}>
            {t('retry')}
          </Button>
        }
      />
    </div>
  );
}
