import { Banner, Form } from '@douyinfe/semi-ui';
import type { FormApi } from '@douyinfe/semi-ui/lib/es/form';
import { isApiError } from '@kite/ui/api-client';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { LoadingState } from '@kite/ui/states';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { authQueryKeys, fetchSetupStatus, submitSetup } from './auth-api.ts';
import { AuthSubmit, EmailField, NewPasswordField } from './auth-fields.tsx';
import { authFieldRules } from './auth-form-rules.ts';
import { AuthHeading, AuthLayout } from './auth-layout.tsx';
import { authMessages } from './auth-messages.ts';
import { useAcceptSession } from './session-gate.tsx';

interface SetupValues {
  tenantName: string;
  adminName: string;
  adminEmail: string;
  adminPassword: string;
  adminPasswordConfirm: string;
}

/** First run: creates the organisation (tenant) and its first administrator, then signs them in. */
export function SetupPage() {
  const t = useMessages(authMessages);
  const errorText = useErrorText();
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  const formApi = useRef<FormApi<SetupValues> | null>(null);
  const status = useQuery({ queryKey: authQueryKeys.setupStatus, queryFn: fetchSetupStatus });
  const setup = useMutation({
    mutationFn: (values: SetupValues) =>
      submitSetup({
        tenantName: values.tenantName.trim(),
        adminName: values.adminName.trim(),
        adminEmail: values.adminEmail.trim(),
        adminPassword: values.adminPassword,
      }),
    onSuccess: (session) => {
      acceptSession(session);
      navigate('/', { replace: true });
    },
  });
  const rules = authFieldRules(t);

  if (status.isPending) {
    return (
      <AuthLayout>
        <LoadingState label={t('checking')} />
      </AuthLayout>
    );
  }
  if (status.data && !status.data.needsSetup && !setup.isSuccess) return <Navigate to="/login" replace />;

  const alreadySetUp = isApiError(setup.error) && setup.error.code === 'already_set_up';
  return (
    <AuthLayout testId="setup-page">
      <div className="kite-auth__card">
        <AuthHeading title={t('setupTitle')} subtitle={t('setupSubtitle')} />
        {setup.isError ? (
          <Banner
            className="kite-auth__alert"
            type="danger"
            fullMode={false}
            closeIcon={null}
            description={
              alreadySetUp ? (
                <span>
                  {t('alreadySetUp')} <Link to="/login">{t('goToSignIn')}</Link>
                </span>
              ) : (
                errorText(setup.error)
              )
            }
            data-testid="setup-error"
          />
        ) : null}
        <Form<SetupValues>
          getFormApi={(api) => {
            formApi.current = api;
          }}
          onSubmit={(values) => setup.mutate(values)}
          disabled={setup.isPending}
        >
          <Form.Section text={t('setupOrganisationSection')}>
            <Form.Input
              field="tenantName"
              label={t('tenantNameLabel')}
              placeholder={t('tenantNamePlaceholder')}
              size="large"
              rules={[{ required: true, whitespace: true, message: t('tenantNameRequired') }]}
              data-testid="setup-tenant-name"
              autoFocus
            />
          </Form.Section>
          <Form.Section text={t('setupAdminSection')}>
            <Form.Input
              field="adminName"
              label={t('adminNameLabel')}
              placeholder={t('adminNamePlaceholder')}
              size="large"
              rules={rules.name}
              data-testid="setup-admin-name"
            />
            <EmailField field="adminEmail" testId="setup-admin-email" />
            <NewPasswordField field="adminPassword" testId="setup-admin-password" />
            <Form.Input
              field="adminPasswordConfirm"
              mode="password"
              autoComplete="new-password"
              label={t('passwordConfirmLabel')}
              placeholder={t('passwordConfirmPlaceholder')}
              size="large"
              rules={[
                { required: true, message: t('passwordRequired') },
                {
                  validator: (_rule: unknown, value: unknown) => value === formApi.current?.getValue('adminPassword'),
                  message: t('passwordMismatch'),
                },
              ]}
              data-testid="setup-admin-password-confirm"
            />
          </Form.Section>
          <AuthSubmit loading={setup.isPending} testId="setup-submit">
            {t('setupSubmit')}
          </AuthSubmit>
        </Form>
      </div>
    </AuthLayout>
  );
}
