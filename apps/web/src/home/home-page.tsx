import { IconArrowRight, IconSearch, IconTickCircle } from '@douyinfe/semi-icons';
import { Button, Input, Skeleton, Tag } from '@douyinfe/semi-ui';
import { useSession } from '@kite/auth/web';
import { useDepartments, useGroups, useUserPages } from '@kite/contact/web';
import { useApps } from '@kite/openplatform/web';
import { formatDate } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { Page } from '@kite/ui/page';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { appMessages } from '../app-messages.ts';
import { visibleNavItems } from '../shell/nav-items.tsx';
import './home-page.css';

/** Page size used to count people; beyond it the count reads "200+". */
const COUNT_LIMIT = 200;

function greetingKey(hour: number) {
  if (hour < 12) return 'greetingMorning' as const;
  if (hour < 18) return 'greetingAfternoon' as const;
  return 'greetingEvening' as const;
}

function Stat({ label, value, loading }: { label: string; value: string; loading: boolean }) {
  return (
    <div className="kite-home__stat">
      <Skeleton loading={loading} active placeholder={<Skeleton.Title style={{ width: 48, height: 28 }} />}>
        <div className="kite-home__stat-value">{value}</div>
      </Skeleton>
      <div className="kite-home__stat-label">{label}</div>
    </div>
  );
}

function OrganisationStats() {
  const t = useMessages(appMessages);
  const people = useUserPages({ status: 'active', limit: COUNT_LIMIT });
  const departments = useDepartments();
  const groups = useGroups();
  const firstPage = people.data?.pages[0];
  const peopleCount = firstPage ? `${firstPage.items.length}${firstPage.nextCursor ? '+' : ''}` : '—';
  return (
    <div className="kite-home__stats">
      <Stat label={t('statPeople')} value={peopleCount} loading={people.isPending} />
      <Stat label={t('statDepartments')} value={departments.data ? String(departments.data.length) : '—'} loading={departments.isPending} />
      <Stat label={t('statGroups')} value={groups.data ? String(groups.data.length) : '—'} loading={groups.isPending} />
    </div>
  );
}

interface SetupStep {
  key: string;
  title: string;
  hint: string;
  done: boolean;
  to: string;
}

/** The admin's checklist, ticked off from real data rather than remembered clicks. */
function GettingStarted() {
  const t = useMessages(appMessages);
  const people = useUserPages({ status: 'active', limit: 2 });
  const departments = useDepartments();
  const apps = useApps();
  const steps: SetupStep[] = [
    {
      key: 'departments',
      title: t('stepDepartments'),
      hint: t('stepDepartmentsHint'),
      done: (departments.data?.length ?? 0) > 0,
      to: '/admin/departments',
    },
    {
      key: 'people',
      title: t('stepPeople'),
      hint: t('stepPeopleHint'),
      done: (people.data?.pages[0]?.items.length ?? 0) > 1,
      to: '/admin/users',
    },
    { key: 'apps', title: t('stepApps'), hint: t('stepAppsHint'), done: (apps.data?.length ?? 0) > 0, to: '/admin/apps' },
  ];
  const doneCount = steps.filter((step) => step.done).length;
  return (
    <section className="kite-home__card" data-testid="getting-started">
      <div className="kite-home__card-header">
        <div>
          <h2>{t('gettingStartedTitle')}</h2>
          <p className="kite-muted">{t('gettingStartedDescription')}</p>
        </div>
        <span className="kite-home__progress">
          {doneCount}/{steps.length}
        </span>
      </div>
      <ol className="kite-home__steps">
        {steps.map((step) => (
          <li key={step.key} className={step.done ? 'kite-home__step kite-home__step--done' : 'kite-home__step'}>
            <span className="kite-home__step-mark" aria-hidden="true">
              {step.done ? <IconTickCircle /> : null}
            </span>
            <div className="kite-home__step-text">
              <strong>{step.title}</strong>
              <span className="kite-muted">{step.hint}</span>
            </div>
            <Link to={step.to} data-testid={`step-${step.key}`}>
              <Button size="small" theme={step.done ? 'borderless' : 'light'}>
                {step.done ? t('stepDone') : t('stepStart')}
              </Button>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

function FindColleague() {
  const t = useMessages(appMessages);
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  return (
    <section className="kite-home__card">
      <h2>{t('findColleaguesTitle')}</h2>
      <p className="kite-muted">{t('findColleaguesDescription')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          navigate(query.trim() ? `/contacts?q=${encodeURIComponent(query.trim())}` : '/contacts');
        }}
        className="kite-home__search"
      >
        <Input
          size="large"
          prefix={<IconSearch />}
          placeholder={t('findColleaguesPlaceholder')}
          value={query}
          onChange={setQuery}
          data-testid="home-people-search"
        />
        <Button size="large" theme="solid" htmlType="submit" icon={<IconArrowRight />} aria-label={t('openContacts')} />
      </form>
    </section>
  );
}

function ModuleOverview({ isAdmin }: { isAdmin: boolean }) {
  const t = useMessages(appMessages);
  return (
    <section className="kite-home__card">
      <h2>{t('modulesTitle')}</h2>
      <p className="kite-muted">{t('modulesDescription')}</p>
      <div className="kite-home__modules">
        {visibleNavItems(isAdmin).map((item) => (
          <Link key={item.key} to={item.path} className="kite-home__module" data-testid={`home-module-${item.key}`}>
            <span className={item.ready ? 'kite-home__module-icon' : 'kite-home__module-icon kite-home__module-icon--soon'}>
              {item.icon}
            </span>
            <span className="kite-home__module-name">{t(item.label)}</span>
            <Tag size="small" color={item.ready ? 'green' : 'grey'}>
              {item.ready ? t('moduleReady') : t('moduleComingSoon')}
            </Tag>
          </Link>
        ))}
      </div>
    </section>
  );
}

/** Home: a greeting, the organisation at a glance, and where to go next. */
export function HomePage() {
  const t = useMessages(appMessages);
  const { locale } = useLocale();
  const { user, tenant, isAdmin } = useSession();
  const now = new Date();
  return (
    <Page testId="home-page">
      <header className="kite-home__hero">
        <div>
          <div className="kite-muted kite-home__date">{formatDate(now.toISOString(), locale)}</div>
          <h1 data-testid="home-greeting">{t(greetingKey(now.getHours()), { name: user.name })}</h1>
          <p className="kite-muted">{t('homeSubtitle', { tenantName: tenant.name })}</p>
        </div>
        <OrganisationStats />
      </header>
      <div className="kite-home__grid">
        <div className="kite-home__column">
          {isAdmin ? <GettingStarted /> : null}
          <ModuleOverview isAdmin={isAdmin} />
        </div>
        <div className="kite-home__column">
          <FindColleague />
        </div>
      </div>
    </Page>
  );
}
