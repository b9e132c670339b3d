import { Button } from '@douyinfe/semi-ui';
import { commonMessages } from '@kite/ui/common-messages';
import { useMessages } from '@kite/ui/i18n';
import { EmptyState } from '@kite/ui/states';
import { useNavigate } from 'react-router';

/** Any address inside the app that matches no page. */
export function NotFoundPage() {
  const t = useMessages(commonMessages);
  const navigate = useNavigate();
  return (
    <EmptyState
      illustration="search"
      title={t('notFoundTitle')}
      description={t('notFoundDescription')}
      testId="not-found"
      action={
        <Button theme="solid" onClick={() => navigate('/')}>
          {t('goHome')}
        </Button>
      }
    />
  );
}
