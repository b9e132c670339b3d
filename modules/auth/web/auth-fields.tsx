import { Button, Form } from '@douyinfe/semi-ui';
import { useMessages } from '@kite/ui/i18n';
import type { ReactNode } from 'react';
import { authFieldRules } from './auth-form-rules.ts';
import { authMessages } from './auth-messages.ts';

/** The e-mail field every auth form has, with its label, placeholder and checks. */
export function EmailField(props: { field: string; testId: string; autoComplete?: 'email' | 'username'; autoFocus?: boolean }) {
  const t = useMessages(authMessages);
  return (
    <Form.Input
      field={props.field}
      type="email"
      autoComplete={props.autoComplete ?? 'email'}
      label={t('emailLabel')}
      placeholder={t('emailPlaceholder')}
      size="large"
      rules={authFieldRules(t).email}
      data-testid={props.testId}
      autoFocus={props.autoFocus}
    />
  );
}

/** A password being chosen (setup, invitation): at least the minimum length. */
export function NewPasswordField(props: { field: string; testId: string }) {
  const t = useMessages(authMessages);
  return (
    <Form.Input
      field={props.field}
      mode="password"
      autoComplete="new-password"
      label={t('passwordLabel')}
      placeholder={t('passwordPlaceholder')}
      size="large"
      rules={authFieldRules(t).newPassword}
      data-testid={props.testId}
    />
  );
}

/** The full-width primary button that submits an auth form. */
export function AuthSubmit(props: { loading: boolean; testId: string; children: ReactNode }) {
  return (
    <Button
      className="kite-auth__submit"
      htmlType="submit"
      theme="solid"
      size="large"
      block
      loading={props.loading}
      data-testid={props.testId}
    >
      {props.children}
    </Button>
  );
}
