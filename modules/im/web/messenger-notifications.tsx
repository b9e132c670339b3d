import { useViewer } from '@kite/ui/viewer';
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { unlockAudioOnFirstGesture } from './buzz-sound.ts';
import { setNotificationNavigator } from './desktop-notifier.ts';
import { tabs } from './tab-coordination.ts';
import { useUserSettings } from './user-settings-api.ts';

/**
 * What makes desktop notifications and the buzz chime work on every page (the shell mounts it once):
 * this tab joins the others to elect the one that notifies, clicks on notifications use the router,
 * the person's settings are loaded, and the first click or key press allows sound.
 */
export function MessengerNotifications() {
  const { userId } = useViewer();
  const navigate = useNavigate();
  useUserSettings();

  useEffect(() => {
    tabs.start(userId);
    return () => tabs.stop();
  }, [userId]);
  useEffect(() => setNotificationNavigator((path) => navigate(path)), [navigate]);
  useEffect(() => unlockAudioOnFirstGesture(), []);
  return null;
}
