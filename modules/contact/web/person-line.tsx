import { Tag } from '@douyinfe/semi-ui';
import type { UserView } from '@kite/contact/contract';
import { useMessages } from '@kite/ui/i18n';
import { UserAvatar } from '@kite/ui/user-avatar';
import { contactMessages } from './contact-messages.ts';
import { HighlightedName } from './highlighted-name.tsx';

/** Title and first department, the way a colleague is recognised in a list. */
export function personSummary(user: UserView): string {
  return [user.title, user.departments[0]?.name].filter(Boolean).join(' · ');
}

/** A person in one line: avatar, name (with the matched part highlighted), title and department. */
export function PersonLine({ user, query, size = 36 }: { user: UserView; query?: string; size?: number }) {
  const t = useMessages(contactMessages);
  const deactivated = user.status === 'deactivated';
  const summary = personSummary(user) || user.email || '';
  return (
    <div className="kite-person-line">
      <UserAvatar name={user.name} color={user.avatarColor} size={size} muted={deactivated} />
      <div className="kite-person-line__text">
        <span className="kite-person-line__name">
          <HighlightedName name={user.name} query={query} />
          {user.enName ? <span className="kite-muted"> {user.enName}</span> : null}
          {deactivated ? (
            <Tag size="small" color="grey" style={{ marginLeft: 8 }}>
              {t('statusDeactivated')}
            </Tag>
          ) : null}
        </span>
        {summary ? <span className="kite-person-line__meta">{summary}</span> : null}
      </div>
    </div>
  );
}
