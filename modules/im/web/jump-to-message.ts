import { useIsPhone } from '@kite/ui/use-is-phone';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';

/**
 * Opens a chat at one message (`/messenger/:chat?message=om_…`, as a copied link does: the history
 * loads back to it, scrolls and highlights). On the chat already, its side panel stays open (at
 * phone width it closes, so the conversation shows); the same message again scrolls again.
 */
export function useJumpToMessage(): (target: { chatId: string; messageId: string }) => void {
  const navigate = useNavigate();
  const location = useLocation();
  const isPhone = useIsPhone();
  const [comeBackTo, setComeBackTo] = useState<string | null>(null);

  // The history scrolls when the parameter changes, so the same message again takes it away first
  // and, once that has rendered, puts it back.
  useEffect(() => {
    if (!comeBackTo || new URLSearchParams(location.search).has('message')) return;
    setComeBackTo(null);
    navigate(comeBackTo, { replace: true });
  }, [comeBackTo, location.search, navigate]);

  return ({ chatId, messageId }) => {
    const path = `/messenger/${encodeURIComponent(chatId)}`;
    const params = new URLSearchParams(location.pathname === path ? location.search : '');
    params.delete('reply');
    if (isPhone) {
      params.delete('panel');
      params.delete('root');
    }
    const again = params.get('message') === messageId;
    params.set('message', messageId);
    const target = `${path}?${params}`;
    if (!again) {
      navigate(target);
      return;
    }
    params.delete('message');
    setComeBackTo(target);
    navigate(`${path}?${params}`, { replace: true });
  };
}
