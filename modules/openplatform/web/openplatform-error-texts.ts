import type { ErrorTexts } from '@kite/ui/error-text';
import { openPlatformMessages } from './openplatform-messages.ts';

/** The open-platform admin API's error codes in both languages. */
export const openPlatformErrorTexts: ErrorTexts = {
  app_not_found: { 'en-US': openPlatformMessages['en-US'].errorAppNotFound, 'zh-CN': openPlatformMessages['zh-CN'].errorAppNotFound },
  event_url_unverified: {
    'en-US': openPlatformMessages['en-US'].errorEventUrlUnverified,
    'zh-CN': openPlatformMessages['zh-CN'].errorEventUrlUnverified,
  },
  card_url_unverified: {
    'en-US': openPlatformMessages['en-US'].errorCardUrlUnverified,
    'zh-CN': openPlatformMessages['zh-CN'].errorCardUrlUnverified,
  },
};
