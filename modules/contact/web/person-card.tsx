import { Button } from '@douyinfe/semi-ui';
import { ApiError } from '@kite/ui/api-client';
import { useMessages } from '@kite/ui/i18n';
import type { PersonCardProps } from '@kite/ui/person-card';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useNavigate } from 'react-router';
import { contactMessages } from './contact-messages.ts';
import { useDepartments, useUser } from './contact-queries.ts';
import { PersonProfile } from './person-profile.tsx';

/** Where Contacts shows someone's card: the page reads `?person=`. */
export function contactsPathOf(userId: string): string {
  return `/contacts?person=${encodeURIComponent(userId)}`;
}

/**
 * The profile card other modules show (`@kite/ui/person-card`, handed down by the shell): the same
 * card as on the Contacts page, loaded by id, with "View in Contacts" and the host's own actions
 * (offered for active people only: nobody can message a deactivated account).
 */
export function PersonCard({ userId, onOpenPerson, renderActions, onLeave }: PersonCardProps) {
  const t = useMessages(contactMessages);
  const navigate = useNavigate();
  const person = useUser(userId);
  const departments = useDepartments();
  if (person.isPending || departments.isPending) return <LoadingState compact />;
  if (person.isError && person.error instanceof ApiError && person.error.status === 404) {
    return (
      <EmptyState
        compact
        illustration="people"
        title={t('personNotFoundTitle')}
        description={t('personNotFoundHint')}
        testId="profile-not-found"
      />
    );
  }
  if (person.isError) return <ErrorState compact error={person.error} onRetry={() => person.refetch()} />;
  const user = person.data;
  const viewInContacts = () => {
    onLeave?.();
    navigate(contactsPathOf(user.id));
  };
  return (
    <PersonProfile
      user={user}
      departments={departments.data ?? []}
      onOpenPerson={onOpenPerson}
      compact
      actions={
        <>
          {user.status === 'active' ? renderActions?.({ id: user.id, name: user.name }) : null}
          <Button onClick={viewInContacts} data-testid="profile-view-in-contacts">
            {t('viewInContacts')}
          </Button>
        </>
      }
    />
  );
}
