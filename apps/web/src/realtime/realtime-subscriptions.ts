import { contactRealtime } from '@kite/contact/web';
import { imRealtime } from '@kite/im/web';
import { openPlatformRealtime } from '@kite/openplatform/web';
import type { RealtimeSubscription } from '@kite/ui/web-module';

/** Every module's interest in realtime events; the bridge invalidates what they name. */
export const realtimeSubscriptions: readonly RealtimeSubscription[] = [contactRealtime, imRealtime, openPlatformRealtime];
