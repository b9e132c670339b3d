import { IconExit, IconTick } from '@douyinfe/semi-icons';
import { Dropdown, Tag } from '@douyinfe/semi-ui';
import { useChangeLanguage, useLogout, useSession } from '@kite/auth/web';
import { LOCALES, useLocale, useMessages } from '@kite/ui/i18n';
import { LANGUAGE_NAMES } from '@kite/ui/language-names';
import { UserAvatar } from '@kite/ui/user-avatar';
import { appMessages } from '../app-messages.ts';

/** The avatar at the top right: who is signed in, the language choice, and log out. */
export function UserMenu() {
  const t = useMessages(appMessages);
  const { user, isAdmin } = useSession();
  const { locale } = useLocale();
  const changeLanguage = useChangeLanguage();
  const logout = useLogout();
  return (
    <Dropdown
      trigger="click"
      position="bottomRight"
      render={
        <div className="kite-user-menu" data-testid="user-menu-panel">
          <div className="kite-user-menu__who">
            <UserAvatar name={user.name} color={user.avatarColor} size={44} />
            <div className="kite-user-menu__text">
              <div className="kite-user-menu__name">{user.name}</div>
              <div className="kite-user-menu__email">{user.email}</div>
              <Tag size="small" color={isAdmin ? 'blue' : 'grey'} style={{ marginTop: 4 }}>
                {isAdmin ? t('administrator') : t('member')}
              </Tag>
            </div>
          </div>
          <Dropdown.Menu>
            <Dropdown.Divider />
            <Dropdown.Title>{t('language')}</Dropdown.Title>
            <div data-testid="language-switch">
              {LOCALES.map((option) => (
                <Dropdown.Item
                  key={option}
                  onClick={() => changeLanguage(option)}
                  data-testid={`language-option-${option}`}
                  icon={<IconTick style={{ visibility: option === locale ? 'visible' : 'hidden' }} />}
                  active={option === locale}
                >
                  {LANGUAGE_NAMES[option]}
                </Dropdown.Item>
              ))}
            </div>
            <Dropdown.Divider />
            <Dropdown.Item icon={<IconExit />} onClick={() => void logout()} data-testid="logout">
              {t('logout')}
            </Dropdown.Item>
          </Dropdown.Menu>
        </div>
      }
    >
      <button type="button" className="kite-top-bar__avatar" aria-label={user.name} data-testid="user-menu">
        <UserAvatar name={user.name} color={user.avatarColor} size={32} />
      </button>
    </Dropdown>
  );
}
