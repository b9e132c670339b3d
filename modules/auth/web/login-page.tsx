import { Banner, Form } from '@douyinfe/semi-ui';
import { isApiError } from '@kite/ui/api-client';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { authQueryKeys, fetchSetupStatus, type LoginInput, submitLogin } from './auth-api.ts';
import { AuthSubmit, EmailField } from './auth-fields.tsx';
import { authFieldRules } from './auth-form-rules.ts';
import { AuthHeading, AuthLayout } from './auth-layout.tsx';
import { authMessages } from './auth-messages.ts';
import { useAcceptSession } from './session-gate.tsx';
import type { TenantChoice } from './session-types.ts';

interface LoginValues {
  email: string;
  password: string;
  tenantKey?: string;
}

function tenantChoices(error: unknown): TenantChoice[] {
  if (!isApiError(error) || error.code !== 'tenant_required') return [];
  const details = error.details as { tenants?: unknown } | undefined;
  if (!Array.isArray(details?.tenants)) return [];
  return details.tenants.filter(
    (tenant): tenant is TenantChoice =>
      typeof tenant === 'object' && tenant !== null && typeof (tenant as TenantChoice).tenantKey === 'string',
  );
}

/** Only same-site paths: `?next=` must never send someone to another origin after sign-in. */
function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//')) return '/';
  return next;
}

export function LoginPage() {
  const t = useMessages(authMessages);
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const acceptSession = useAcceptSession();
  const [tenants, setTenants] = useState<TenantChoice[]>([]);
  const status = useQuery({ queryKey: authQueryKeys.setupStatus, queryFn: fetchSetupStatus });
  const errorText = useErrorText({
    invalid_credentials: { 'en-US': authMessages['en-US'].invalidCredentials, 'zh-CN': authMessages['zh-CN'].invalidCredentials },
    tenant_required: { 'en-US': authMessages['en-US'].tenantRequired, 'zh-CN': authMessages['zh-CN'].tenantRequired },
  });
  const login = useMutation({
    mutationFn: (input: LoginInput) => submitLogin(input),
    onSuccess: (session) => {
      acceptSession(session);
      navigate(safeNextPath(searchParams.get('next')), { replace: true });
    },
    onError: (error) => {
      const choices = tenantChoices(error);
      if (choices.length) setTenants(choices);
    },
  });
  const _rules = authFieldRules(t);

  if (status.data?.needsSetup) return <Navigate to="/setup" replace />;

  return (
    <AuthLayout testId="login-page">
      <div className="kite-auth__card">
        <AuthHeading title={t('loginTitle')} subtitle={t('loginSubtitle')} />
        {login.isError ? (
          <Banner
            className="kite-auth__alert"
            type={tenants.length ? 'info' : 'danger'}
            fullMode={false}
            closeIcon={null}
            description={tenants.length ? t('tenantChoiceHint') : errorText(login.error)}
            data-testid="login-error"
          />
        ) : null}
        <Form<LoginValues>
          onSubmit={(values) =>
            login.mutate({
              email: values.email.trim(),
              password: values.password,
              ...(values.tenantKey ? { tenantKey: values.tenantKey } : {}),
            })
          }
          disabled={login.isPending}
        >
          <EmailField field="email" testId="login-email" autoComplete="username" autoFocus />
          <Form.Input
            field="password"
            mode="password"
            autoComplete="current-password"
            label={t('passwordLabel')}
            size="large"
            rules={[{ required: true, message: t('passwordRequired') }]}
            data-testid="login-password"
          />
          {tenants.length ? (
            <Form.Select
              field="tenantKey"
              label={t('tenantChoiceLabel')}
              placeholder={t('tenantChoicePlaceholder')}
              size="large"
              style={{ width: '100%' }}
              rules={[{ required: true, message: t('tenantRequired') }]}
              optionList={tenants.map((tenant) => ({ value: tenant.tenantKey, label: tenant.name }))}
              data-testid="login-tenant"
            />
          ) : null}
          <AuthSubmit loading={login.isPending} testId="login-submit">
            {t('loginSubmit')}
          </AuthSubmit>
        </Form>
        <p className="kite-auth__footnote">{t('loginNoAccount')}</p>
      </div>
    </AuthLayout>
  );
}
