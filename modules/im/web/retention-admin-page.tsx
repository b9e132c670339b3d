import { Banner, Button, Modal, Select, Toast } from '@douyinfe/semi-ui';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { ErrorState } from '@kite/ui/states';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { fetchImSettings, saveImSettings } from './im-api.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';

/** The choices Feishu's console offers, plus "forever" (null). */
const RETENTION_CHOICES = [null, 30, 90, 180, 365, 730, 1095] as const;

/** Admin → Message retention: how long the tenant's messages are kept before they are deleted. */
export function RetentionAdminPage() {
  const t = useMessages(imMessages);
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['im', 'settings'], queryFn: fetchImSettings });
  const [choice, setChoice] = useState<number | null | undefined>(undefined);
  const current = settings.data?.retentionDays ?? null;
  const selected = choice === undefined ? current : choice;
  const save = useMutation({
    mutationFn: (retentionDays: number | null) => saveImSettings({ retentionDays }),
    onSuccess: (saved) => {
      queryClient.setQueryData(['im', 'settings'], saved);
      setChoice(undefined);
      Toast.success(t('settingsSaved'));
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const label = (days: number | null) => (days === null ? t('retentionForever') : t('retentionDays', { days }));

  const submit = () => {
    // Shortening the window deletes messages for good: say so before it happens.
    if (selected !== null && (current === null || selected < current)) {
      Modal.confirm({
        title: t('retentionConfirmTitle'),
        content: t('retentionConfirm', { period: label(selected) }),
        okText: t('retentionConfirmOk'),
        okButtonProps: { type: 'danger', theme: 'solid', 'data-testid': 'retention-confirm-ok' } as never,
        onOk: () => save.mutateAsync(selected),
      });
    } else save.mutate(selected);
  };

  return (
    <Page narrow testId="retention-admin-page">
      <PageHeader title={t('retentionTitle')} description={t('retentionDescription')} />
      {settings.isError ? (
        <ErrorState error={settings.error} errorTexts={imErrorTexts} onRetry={() => void settings.refetch()} />
      ) : (
        <Panel title={t('retentionPanelTitle')}>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', marginBottom: 16 }}>
            <Select
              value={selected === null ? 'forever' : selected}
              loading={settings.isLoading}
              disabled={settings.isLoading}
              onChange={(value) => setChoice(value === 'forever' ? null : Number(value))}
              optionList={RETENTION_CHOICES.map((days) => ({ value: days ?? 'forever', label: label(days) }))}
              style={{ width: 240 }}
              data-testid="retention-select"
            />
            <Button
              theme="solid"
              loading={save.isPending}
              disabled={settings.isLoading || selected === current}
              onClick={submit}
              data-testid="retention-save"
            >
              {t('retentionSave')}
            </Button>
          </div>
          <Banner
            type={current === null ? 'info' : 'warning'}
            fullMode={false}
            bordered
            closeIcon={null}
            description={current === null ? t('retentionNowForever') : t('retentionNow', { period: label(current) })}
          />
        </Panel>
      )}
    </Page>
  );
}
