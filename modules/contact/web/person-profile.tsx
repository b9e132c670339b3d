import { IconIdCard, IconMail, IconPhone, IconUser, IconUserGroup } from '@douyinfe/semi-icons';
import { Button, Tag, Typography } from '@douyinfe/semi-ui';
import type { DepartmentView, UserView } from '@kite/contact/contract';
import { departmentPath } from '@kite/contact/contract';
import { useMessages } from '@kite/ui/i18n';
import { UserAvatar } from '@kite/ui/user-avatar';
import type { ReactNode } from 'react';
import { contactMessages } from './contact-messages.ts';

function ProfileRow({ icon, label, children }: { icon: ReactNode; label: string; children: ReactNode }) {
  return (
    <div className="kite-profile__row">
      <span className="kite-profile__row-icon" aria-hidden="true">
        {icon}
      </span>
      <div className="kite-profile__row-body">
        <div className="kite-profile__row-label">{label}</div>
        <div className="kite-profile__row-value">{children}</div>
      </div>
    </div>
  );
}

export interface PersonProfileProps {
  user: UserView;
  departments: readonly DepartmentView[];
  /** Opens another person's card (the manager). */
  onOpenPerson: (userId: string) => void;
  /** Extra actions, e.g. "Edit" for administrators. */
  actions?: ReactNode;
}

/** The profile card: who someone is, where they sit in the organisation and how to reach them. */
export function PersonProfile({ user, departments, onOpenPerson, actions }: PersonProfileProps) {
  const t = useMessages(contactMessages);
  const deactivated = user.status === 'deactivated';
  return (
    <article className="kite-profile" data-testid="profile-card">
      <header className="kite-profile__header">
        <UserAvatar name={user.name} color={user.avatarColor} size={64} muted={deactivated} />
        <div className="kite-profile__identity">
          <h2 className="kite-profile__name" data-testid="profile-name">
            {user.name}
          </h2>
          {user.enName ? <div className="kite-profile__en-name">{user.enName}</div> : null}
          <div className="kite-profile__tags">
            {user.title ? <span className="kite-profile__title">{user.title}</span> : null}
            {deactivated ? (
              <Tag color="grey" size="small">
                {t('statusDeactivated')}
              </Tag>
            ) : null}
            {user.isAdmin ? (
              <Tag color="blue" size="small">
                {t('roleAdmin')}
              </Tag>
            ) : null}
          </div>
        </div>
      </header>
      {actions ? <div className="kite-profile__actions">{actions}</div> : null}
      <div className="kite-profile__rows">
        <ProfileRow icon={<IconUserGroup />} label={t('fieldDepartments')}>
          {user.departments.length ? (
            user.departments.map((department) => (
              <div key={department.id}>{departmentPath(departments, department.id).join(' / ') || department.name}</div>
            ))
          ) : (
            <span className="kite-muted">{t('noDepartment')}</span>
          )}
        </ProfileRow>
        <ProfileRow icon={<IconUser />} label={t('fieldManager')}>
          {user.manager ? (
            <Button
              theme="borderless"
              size="small"
              className="kite-profile__link"
              onClick={() => user.manager && onOpenPerson(user.manager.id)}
            >
              {user.manager.name}
            </Button>
          ) : (
            <span className="kite-muted">{t('noManager')}</span>
          )}
        </ProfileRow>
        <ProfileRow icon={<IconMail />} label={t('fieldEmail')}>
          {user.email ? <a href={`mailto:${user.email}`}>{user.email}</a> : <span className="kite-muted">—</span>}
        </ProfileRow>
        <ProfileRow icon={<IconPhone />} label={t('fieldMobile')}>
          {user.mobile ? <a href={`tel:${user.mobile}`}>{user.mobile}</a> : <span className="kite-muted">—</span>}
        </ProfileRow>
        <ProfileRow icon={<IconIdCard />} label={t('fieldEmployeeId')}>
          {user.employeeId || <span className="kite-muted">—</span>}
        </ProfileRow>
      </div>
      <details className="kite-profile__ids">
        <summary>{t('developerIds')}</summary>
        <dl>
          <dt>open_id</dt>
          <dd>
            <Typography.Text copyable size="small">
              {user.openId}
            </Typography.Text>
          </dd>
          <dt>union_id</dt>
          <dd>
            <Typography.Text copyable size="small">
              {user.unionId}
            </Typography.Text>
          </dd>
          <dt>user_id</dt>
          <dd>
            <Typography.Text copyable size="small">
              {user.userId}
            </Typography.Text>
          </dd>
        </dl>
      </details>
    </article>
  );
}
