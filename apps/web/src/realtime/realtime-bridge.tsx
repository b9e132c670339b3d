import { IconWifi } from '@douyinfe/semi-icons';
import { authQueryKeys, useSession } from '@kite/auth/web';
import { whenAnswersOlderThan } from '@kite/ui/api-client';
import { useMessages } from '@kite/ui/i18n';
import { RealtimeConnection, type RealtimeEvent, type RealtimeStatus } from '@kite/ui/realtime-connection';
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { appMessages } from '../app-messages.ts';
import { realtimeSubscriptions } from './realtime-subscriptions.ts';

/** How long a dropped connection may stay down before the person is told. */
const OFFLINE_NOTICE_DELAY_MS = 4_000;
/** Invalidations are gathered this long, so a burst (a 2,000-row import) costs one refetch per query. */
const INVALIDATE_BATCH_MS = 100;

function payloadId(event: RealtimeEvent): string | null {
  const payload = event.payload as { id?: unknown } | null | undefined;
  return typeof payload?.id === 'string' ? payload.id : null;
}

/**
 * Keeps cached data fresh: listens on `/ws/client` for the signed-in session and marks the queries
 * an event touches as stale, so open screens refetch. A `reset` (or a gap it cannot replay)
 * refetches everything. Shows a quiet notice while the connection is down.
 */
export function RealtimeBridge() {
  const t = useMessages(appMessages);
  const queryClient = useQueryClient();
  const { user, tenant } = useSession();
  const userId = useRef(user.id);
  userId.current = user.id;
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const [wasOpen, setWasOpen] = useState(false);
  const [showOffline, setShowOffline] = useState(false);

  useEffect(() => {
    const pending = new Map<string, QueryKey>();
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      for (const queryKey of pending.values()) void queryClient.invalidateQueries({ queryKey });
      pending.clear();
    };
    const invalidateSoon = (queryKey: QueryKey) => {
      pending.set(JSON.stringify(queryKey), queryKey);
      flushTimer ??= setTimeout(flush, INVALIDATE_BATCH_MS);
    };
    let stopWatchingAnswers: (() => void) | undefined;
    const connection = new RealtimeConnection('/ws/client', {
      onEvent: (event) => {
        for (const subscription of realtimeSubscriptions) {
          if (!event.type.startsWith(subscription.prefix)) continue;
          subscription.apply?.(event, { queryClient, viewerUserId: userId.current });
          for (const queryKey of subscription.staleQueries(event)) invalidateSoon(queryKey);
        }
        if (event.type.startsWith('contact.user.') && payloadId(event) === userId.current) {
          invalidateSoon(authQueryKeys.session);
        }
      },
      onReset: () => void queryClient.invalidateQueries(),
      // Most page loads read everything before any event comes: then nothing is fetched twice.
      onFirstHello: (seq) => {
        stopWatchingAnswers = whenAnswersOlderThan(seq, () => void queryClient.invalidateQueries());
      },
      onStatusChange: (next) => {
        setStatus(next);
        if (next === 'open') setWasOpen(true);
      },
    });
    connection.start();
    return () => {
      connection.stop();
      stopWatchingAnswers?.();
      if (flushTimer) clearTimeout(flushTimer);
    };
  }, [queryClient, tenant.id]);

  useEffect(() => {
    if (status === 'open' || !wasOpen) {
      setShowOffline(false);
      return;
    }
    const timer = setTimeout(() => setShowOffline(true), OFFLINE_NOTICE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [status, wasOpen]);

  if (!showOffline) return null;
  return (
    <div className="kite-offline-notice" role="status" data-testid="realtime-offline">
      <IconWifi />
      <span>{t('realtimeOffline')}</span>
    </div>
  );
}
