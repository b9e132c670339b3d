import { IconIdCard, IconMail, IconPhone, IconUser, IconUserGroup } from '@douyinfe/semi-icons';
import { Button, Tag, Typography } from '@douyinfe/semi-ui';
import type { DepartmentView, UserView } from '@kite/contact/contract';
import { departmentPath } from '@kite/contact/contract';
import { useMessages } from '@kite/ui/i18n';
import { UserAvatar } from '@kite/ui/user-avatar';
import { Fragment, type ReactNode } from 'react';
import { contactMessages } from './contact-messages.ts';
import './person-profile.css';

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

/** A row whose value may be missing: "—" on the full card, left out of the compact one. */
function ValueRow({
  icon,
  label,
  value,
  href,
  compact,
}: {
  icon: ReactNode;
  label: string;
  value: string | null | undefined;
  /** Makes the value a link (mailto:, tel:). */
  href?: string;
  compact: boolean;
}) {
  if (!value && compact) return null;
  const shown = href ? <a href={href}>{value}</a> : value;
  return (
    <ProfileRow icon={icon} label={label}>
      {value ? shown : <span className="kite-muted">—</span>}
    </ProfileRow>
  );
}

/** The ids developers copy into the open API, by the name Feishu gives them. */
function developerIds(user: UserView): Array<[string, string]> {
  return [
    ['open_id', user.openId],
    ['union_id', user.unionId],
    ['user_id', user.userId],
  ];
}

export interface PersonProfileProps {
  user: UserView;
  departments: readonly DepartmentView[];
  /** Opens another person's card (the manager). */
  onOpenPerson: (userId: string) => void;
  /** Extra actions, e.g. "Edit" for administrators. */
  actions?: ReactNode;
  /**
   * A quick look (the messenger's card): what is known only — no "No manager" or "—" rows — and
   * no developer ids.
   */
  compact?: boolean;
}

/** The profile card: who someone is, where they sit in the organisation and how to reach them. */
export function PersonProfile({ user, departments, onOpenPerson, actions, compact = false }: PersonProfileProps) {
  const t = useMessages(contactMessages);
  const deactivated = user.status === 'deactivated';
  /** A row the compact card leaves out when there is nothing to say. */
  const shows = (value: unknown) => !compact || Boolean(value);
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
      {deactivated ? (
        <p className="kite-profile__note" data-testid="profile-deactivated">
          {t('personDeactivatedNote')}
        </p>
      ) : null}
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
        {shows(user.manager) ? (
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
        ) : null}
        <ValueRow icon={<IconMail />} label={t('fieldEmail')} value={user.email} href={`mailto:${user.email}`} compact={compact} />
        <ValueRow icon={<IconPhone />} label={t('fieldMobile')} value={user.mobile} href={`tel:${user.mobile}`} compact={compact} />
        <ValueRow icon={<IconIdCard />} label={t('fieldEmployeeId')} value={user.employeeId} compact={compact} />
      </div>
      {compact ? null : (
        <details className="kite-profile__ids">
          <summary>{t('developerIds')}</summary>
          <dl>
            {developerIds(user).map(([name, value]) => (
              <Fragment key={name}>
                <dt>{name}</dt>
                <dd>
                  <Typography.Text copyable size="small">
                    {value}
                  </Typography.Text>
                </dd>
              </Fragment>
            ))}
          </dl>
        </details>
      )}
    </article>
  );
}
