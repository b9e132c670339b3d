import { Banner, Button, Form } from '@douyinfe/semi-ui';
import { isApiError } from '@kite/ui/api-client';
import { useErrorText } from '@kite/ui/error-text';
import { formatDateTime } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { type AcceptInvitationInput, acceptInvitation, authQueryKeys, fetchInvitationPreview } from './auth-api.ts';
import { AuthSubmit, EmailField, NewPasswordField } from './auth-fields.tsx';
import { authFieldRules } from './auth-form-rules.ts';
import { AuthHeading, AuthLayout } from './auth-layout.tsx';
import { authMessages } from './auth-messages.ts';
import { useAcceptSession } from './session-gate.tsx';

/** `/invite/:token`: someone with an invitation link creates their account and joins. */
export function InvitationAcceptPage() {
  const t = useMessages(authMessages);
  const { locale } = useLocale();
  const token = useParams().token ?? '';
  const navigate = useNavigate();
  const acceptSession = useAcceptSession();
  const errorText = useErrorText({
    email_taken: { 'en-US': authMessages['en-US'].emailTaken, 'zh-CN': authMessages['zh-CN'].emailTaken },
  });
  const preview = useQuery({ queryKey: authQueryKeys.invitation(token), queryFn: () => fetchInvitationPreview(token), retry: false });
  const accept = useMutation({
    mutationFn: (input: AcceptInvitationInput) => acceptInvitation(token, input),
    onSuccess: (session) => {
      acceptSession(session);
      navigate('/', { replace: true });
    },
  });
  const rules = authFieldRules(t);

  if (preview.isPending) {
    return (
      <AuthLayout>
        <LoadingState />
      </AuthLayout>
    );
  }
  if (preview.isError) {
    const invalid = isApiError(preview.error) && (preview.error.code === 'invitation_invalid' || preview.error.status === 404);
    return (
      <AuthLayout testId="invitation-page">
        {invalid ? (
          <EmptyState
            illustration="lock"
            title={t('inviteInvalidTitle')}
            description={t('inviteInvalidDescription')}
            action={
              <Link to="/login">
                <Button>{t('goToSignIn')}</Button>
              </Link>
            }
            testId="invitation-invalid"
          />
        ) : (
          <ErrorState error={preview.error} onRetry={() => preview.refetch()} />
        )}
      </AuthLayout>
    );
  }

  return (
    <AuthLayout testId="invitation-page">
      <div className="kite-auth__card">
        <AuthHeading
          title={t('inviteTitle', { tenantName: preview.data.tenantName })}
          subtitle={t('inviteSubtitle', { expiresAt: formatDateTime(preview.data.expiresAt, locale) })}
        />
        {accept.isError ? (
          <Banner className="kite-auth__alert" type="danger" fullMode={false} closeIcon={null} description={errorText(accept.error)} />
        ) : null}
        <Form<AcceptInvitationInput>
          onSubmit={(values) => accept.mutate({ name: values.name.trim(), email: values.email.trim(), password: values.password })}
          disabled={accept.isPending}
        >
          <Form.Input
            field="name"
            label={t('adminNameLabel')}
            placeholder={t('adminNamePlaceholder')}
            size="large"
            rules={rules.name}
            data-testid="invite-name"
            autoFocus
          />
          <EmailField field="email" testId="invite-email" />
          <NewPasswordField field="password" testId="invite-password" />
          <AuthSubmit loading={accept.isPending} testId="invite-submit">
            {t('inviteSubmit')}
          </AuthSubmit>
        </Form>
        <p className="kite-auth__footnote">
          <Link to="/login">{t('goToSignIn')}</Link>
        </p>
      </div>
    </AuthLayout>
  );
}
