import { Select } from '@douyinfe/semi-ui';
import { useLocalizedText, useMessages } from '@kite/ui/i18n';
import { NoAccessState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useViewer } from '@kite/ui/viewer';
import type { AdminSectionGroup } from '@kite/ui/web-module';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { appMessages } from '../app-messages.ts';
import { adminSections } from './admin-sections.ts';
import './admin-layout.css';

const groupOrder: AdminSectionGroup[] = ['organization', 'integrations', 'security'];
const groupLabel = {
  organization: 'adminGroupOrganization',
  integrations: 'adminGroupIntegrations',
  security: 'adminGroupSecurity',
} as const;

/** The admin console: its own side navigation by group, and the chosen page. Admins only. */
export function AdminLayout() {
  const t = useMessages(appMessages);
  const localized = useLocalizedText();
  const { isAdmin } = useViewer();
  const isPhone = useIsPhone();
  const location = useLocation();
  const navigate = useNavigate();
  if (!isAdmin) return <NoAccessState />;

  const listed = adminSections.filter((section) => !section.hidden);
  const current = listed.find((section) => location.pathname.startsWith(`/admin/${section.path}`));
  return (
    <div className={isPhone ? 'kite-admin kite-admin--phone' : 'kite-admin'}>
      {isPhone ? (
        <div className="kite-admin__picker">
          <Select
            value={current?.path}
            onChange={(value) => navigate(`/admin/${String(value)}`)}
            style={{ width: '100%' }}
            aria-label={t('adminSectionPicker')}
            optionList={listed.map((section) => ({ value: section.path, label: localized(section.label) }))}
            data-testid="admin-section-picker"
          />
        </div>
      ) : (
        <nav className="kite-admin__nav" aria-label={t('adminTitle')}>
          <div className="kite-admin__title">{t('adminTitle')}</div>
          {groupOrder.map((group) => (
            <div key={group} className="kite-admin__group">
              <div className="kite-admin__group-label">{t(groupLabel[group])}</div>
              {listed
                .filter((section) => section.group === group)
                .map((section) => (
                  <NavLink
                    key={section.path}
                    to={`/admin/${section.path}`}
                    className={({ isActive }) => (isActive ? 'kite-admin__link kite-admin__link--active' : 'kite-admin__link')}
                    data-testid={`admin-nav-${section.path}`}
                  >
                    {section.icon}
                    <span>{localized(section.label)}</span>
                  </NavLink>
                ))}
            </div>
          ))}
        </nav>
      )}
      <div className="kite-admin__content">
        <Outlet />
      </div>
    </div>
  );
}
