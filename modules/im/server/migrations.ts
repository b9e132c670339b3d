import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611221000_im_init.ts';
import * as resources from './migrations/202611221200_im_resources.ts';
import * as urgentPins from './migrations/202611231000_im_urgent_pins.ts';
import * as forward from './migrations/202611231100_im_forward.ts';
import * as webhookBots from './migrations/202611231300_im_webhook_bots.ts';
import * as announcementRevision from './migrations/202611231400_im_announcement_revision.ts';
import * as departmentChats from './migrations/202611231410_im_department_chats.ts';
import * as retention from './migrations/202611231420_im_retention.ts';
import * as search from './migrations/202611231500_im_search.ts';
import * as systemMessages from './migrations/202611241100_im_system_messages.ts';
import * as userSettings from './migrations/202611241200_im_user_settings.ts';
import * as cardUpdates from './migrations/202611241300_im_card_updates.ts';
import * as cardViews from './migrations/202611251200_im_card_views.ts';
import * as threads from './migrations/202611251300_im_threads.ts';
import * as threadUnread from './migrations/202611251500_im_thread_unread.ts';
import * as ephemeral from './migrations/202611251600_im_ephemeral.ts';
import * as threadReads from './migrations/202611261000_im_thread_reads.ts';

export const imMigrations: MigrationSet = {
  '202611221000_im_init': init,
  '202611221200_im_resources': resources,
  '202611231000_im_urgent_pins': urgentPins,
  '202611231100_im_forward': forward,
  '202611231300_im_webhook_bots': webhookBots,
  '202611231400_im_announcement_revision': announcementRevision,
  '202611231410_im_department_chats': departmentChats,
  '202611231420_im_retention': retention,
  '202611231500_im_search': search,
  '202611241100_im_system_messages': systemMessages,
  '202611241200_im_user_settings': userSettings,
  '202611241300_im_card_updates': cardUpdates,
  '202611251200_im_card_views': cardViews,
  '202611251300_im_threads': threads,
  '202611251500_im_thread_unread': threadUnread,
  '202611251600_im_ephemeral': ephemeral,
  '202611261000_im_thread_reads': threadReads,
};
