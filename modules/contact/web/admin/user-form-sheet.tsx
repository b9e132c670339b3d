import { Banner, Button, Form, SideSheet } from '@douyinfe/semi-ui';
import type { FormApi } from '@douyinfe/semi-ui/lib/es/form';
import type { CreateUserInput, DepartmentView, UserView } from '@kite/contact/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { contactQueryKeys, createUser, updateUser } from '../contact-api.ts';
import { contactErrorTexts, contactMessages } from '../contact-messages.ts';
import { departmentTreeOptions } from '../department-options.ts';
import { usePersonOptions } from './use-person-options.tsx';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE_PATTERN = /^\+?[0-9][0-9 -]{3,30}$/;
const EMPLOYEE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

interface UserFormValues {
  name: string;
  enName?: string;
  email: string;
  mobile?: string;
  title?: string;
  employeeId?: string;
  departmentIds?: string[];
  managerId?: string;
  isAdmin?: boolean;
  passwordMode: 'generate' | 'set';
  password?: string;
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export interface UserFormResult {
  user: UserView;
  /** Present when a new person got a generated password that the admin must pass on. */
  temporaryPassword?: string;
  created: boolean;
}

export interface UserFormSheetProps {
  /**
   * Whether the sheet is shown. The sheet stays mounted and only this flag changes: Semi's SideSheet
   * does not survive StrictMode's mount–unmount–mount when it is mounted already open.
   */
  open: boolean;
  /** The person to edit; null creates a new one. */
  user: UserView | null;
  departments: readonly DepartmentView[];
  /** Department preselected for a new person (the one the admin is looking at). */
  defaultDepartmentId?: string | null;
  onClose: () => void;
  onSaved: (result: UserFormResult) => void;
}

/** Add a person, or edit their profile, departments, manager and administrator role. */
export function UserFormSheet({ open, user: requestedUser, departments, defaultDepartmentId, onClose, onSaved }: UserFormSheetProps) {
  const t = useMessages(contactMessages);
  // While the sheet slides out, keep showing who it was for; each opening starts a fresh form.
  const [user, setUser] = useState(requestedUser);
  const [opening, setOpening] = useState(0);
  useEffect(() => {
    if (open) setUser(requestedUser);
  }, [open, requestedUser]);
  useEffect(() => {
    if (open) setOpening((count) => count + 1);
  }, [open]);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(contactErrorTexts);
  const isPhone = useIsPhone();
  const queryClient = useQueryClient();
  const formApi = useRef<FormApi<UserFormValues> | null>(null);
  const managerKnown = useMemo(() => (user?.manager ? [user.manager] : []), [user]);
  const managerExclude = useMemo(() => (user ? [user.id] : []), [user]);
  const managers = usePersonOptions(managerKnown, managerExclude);
  const departmentOptions = useMemo(() => departmentTreeOptions(departments), [departments]);

  const save = useMutation({
    mutationFn: async (values: UserFormValues): Promise<UserFormResult> => {
      const fields = {
        name: values.name.trim(),
        enName: values.enName?.trim() ?? '',
        email: values.email.trim(),
        mobile: blankToUndefined(values.mobile) ?? null,
        title: values.title?.trim() ?? '',
        employeeId: blankToUndefined(values.employeeId),
        departmentIds: values.departmentIds ?? [],
        managerId: values.managerId || null,
        isAdmin: Boolean(values.isAdmin),
      } satisfies CreateUserInput;
      if (user) return { user: await updateUser(user.id, fields), created: false };
      const created = await createUser({
        ...fields,
        ...(values.passwordMode === 'set' && values.password ? { password: values.password } : {}),
      });
      return { user: created.user, temporaryPassword: created.temporaryPassword, created: true };
    },
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: contactQueryKeys.all });
      onSaved(result);
    },
  });

  const { reset } = save;
  useEffect(() => {
    // A fresh sheet starts without the previous attempt's error.
    if (open) reset();
  }, [open, reset]);

  return (
    <SideSheet
      closeOnEsc
      title={user ? t('editUserTitle', { name: user.name }) : t('addUserTitle')}
      visible={open}
      onCancel={onClose}
      width={isPhone ? '100%' : 520}
      bodyStyle={{ paddingBottom: 24 }}
      footer={
        <div className="kite-sheet-footer">
          <Button onClick={onClose}>{common('cancel')}</Button>
          <Button theme="solid" loading={save.isPending} onClick={() => formApi.current?.submitForm()} data-testid="user-submit">
            {user ? common('save') : t('addUser')}
          </Button>
        </div>
      }
    >
      {save.isError ? (
        <Banner
          type="danger"
          fullMode={false}
          closeIcon={null}
          description={errorText(save.error)}
          style={{ marginBottom: 16 }}
          data-testid="user-form-error"
        />
      ) : null}
      {opening > 0 ? (
        <Form<UserFormValues>
          key={`${user?.id ?? 'new'}-${opening}`}
          getFormApi={(api) => {
            formApi.current = api;
          }}
          initValues={{
            name: user?.name ?? '',
            enName: user?.enName ?? '',
            email: user?.email ?? '',
            mobile: user?.mobile ?? '',
            title: user?.title ?? '',
            employeeId: user?.employeeId ?? '',
            departmentIds: user ? user.departments.map((department) => department.id) : defaultDepartmentId ? [defaultDepartmentId] : [],
            managerId: user?.manager?.id,
            isAdmin: user?.isAdmin ?? false,
            passwordMode: 'generate',
          }}
          onSubmit={(values) => save.mutate(values)}
          disabled={save.isPending}
        >
          {({ values }) => (
            <>
              <Form.Section text={t('sectionProfile')}>
                <Form.Input
                  field="name"
                  label={t('fieldName')}
                  rules={[{ required: true, whitespace: true, message: t('nameRequired') }]}
                  data-testid="user-name-input"
                  autoFocus
                />
                <Form.Input field="enName" label={t('fieldEnName')} />
                <Form.Input
                  field="email"
                  label={t('fieldEmail')}
                  type="email"
                  rules={[
                    { required: true, whitespace: true, message: t('emailRequired') },
                    { pattern: EMAIL_PATTERN, message: t('emailInvalid') },
                  ]}
                  data-testid="user-email-input"
                />
                <Form.Input
                  field="mobile"
                  label={t('fieldMobile')}
                  placeholder="+86 138 0000 0000"
                  rules={[{ pattern: MOBILE_PATTERN, message: t('mobileInvalid') }]}
                />
                <Form.Input field="title" label={t('fieldTitle')} />
                <Form.Input
                  field="employeeId"
                  label={t('fieldEmployeeId')}
                  rules={[{ pattern: EMPLOYEE_ID_PATTERN, message: t('employeeIdInvalid') }]}
                />
              </Form.Section>
              <Form.Section text={t('sectionOrganisation')}>
                <Form.TreeSelect
                  field="departmentIds"
                  label={t('fieldDepartments')}
                  placeholder={t('noDepartment')}
                  treeData={departmentOptions}
                  multiple
                  filterTreeNode
                  defaultExpandAll
                  leafOnly={false}
                  checkRelation="unRelated"
                  style={{ width: '100%' }}
                  data-testid="user-departments-select"
                />
                <Form.Select
                  field="managerId"
                  label={t('fieldManager')}
                  placeholder={t('noManager')}
                  filter
                  remote
                  showClear
                  onSearch={managers.onSearch}
                  loading={managers.loading}
                  optionList={managers.optionList}
                  renderSelectedItem={managers.renderSelectedItem}
                  style={{ width: '100%' }}
                  data-testid="user-manager-select"
                />
                <Form.Switch field="isAdmin" label={t('fieldIsAdmin')} extraText={t('fieldIsAdminHint')} />
              </Form.Section>
              {user ? null : (
                <Form.Section text={t('sectionSignIn')}>
                  <Form.RadioGroup field="passwordMode" label={t('fieldPassword')} direction="vertical">
                    <Form.Radio value="generate">{t('passwordGenerate')}</Form.Radio>
                    <Form.Radio value="set">{t('passwordSet')}</Form.Radio>
                  </Form.RadioGroup>
                  {values.passwordMode === 'set' ? (
                    <Form.Input
                      field="password"
                      mode="password"
                      autoComplete="new-password"
                      label={t('fieldNewPassword')}
                      rules={[
                        { required: true, message: t('passwordRequired') },
                        { min: 8, message: t('passwordTooShort') },
                      ]}
                    />
                  ) : null}
                </Form.Section>
              )}
            </>
          )}
        </Form>
      ) : null}
    </SideSheet>
  );
}
