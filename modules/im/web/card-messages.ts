import type { ErrorTexts } from '@kite/ui/error-text';
import { defineMessages } from '@kite/ui/i18n';

/** Interactive cards: their controls, and what goes wrong when a click reaches for the app. */
export const cardMessages = defineMessages(
  {
    cardChoose: 'Choose…',
    cardPickDate: 'Pick a date',
    cardPickTime: 'Pick a time',
    cardPickDateTime: 'Pick a date and time',
    cardMore: 'More',
    cardRequired: 'Fill in the fields marked *',
    cardNotConnected: 'Open the chat to use this card',
  },
  {
    cardChoose: '请选择',
    cardPickDate: '选择日期',
    cardPickTime: '选择时间',
    cardPickDateTime: '选择日期和时间',
    cardMore: '更多',
    cardRequired: '请填写带 * 的必填项',
    cardNotConnected: '请在会话中使用此卡片',
  },
);

/** Card action errors (docs/internal-api.md § Messenger, cards) in both languages. */
export const cardErrorTexts: ErrorTexts = {
  card_action_invalid: {
    'en-US': 'This card has changed — the action is no longer available.',
    'zh-CN': '卡片已更新，此操作不再可用。',
  },
  card_no_callback: {
    'en-US': 'This card was sent by a person, so its buttons do nothing.',
    'zh-CN': '此卡片由用户发送，按钮不会触发任何应用。',
  },
  card_no_handler: {
    'en-US': 'The app that sent this card is not set up to receive clicks.',
    'zh-CN': '发送此卡片的应用未配置卡片回调，无法处理点击。',
  },
  card_callback_timeout: {
    'en-US': 'The app did not respond in time. Try again in a moment.',
    'zh-CN': '应用响应超时，请稍后重试。',
  },
  card_callback_unreachable: {
    'en-US': 'The app could not be reached. Try again later.',
    'zh-CN': '无法连接到应用，请稍后重试。',
  },
  card_callback_failed: {
    'en-US': 'The app ran into an error handling this action.',
    'zh-CN': '应用处理此操作时出错。',
  },
  card_answer_invalid: {
    'en-US': 'The app answered with a card that cannot be shown.',
    'zh-CN': '应用返回的卡片无法显示。',
  },
  message_recalled: { 'en-US': 'This card was recalled.', 'zh-CN': '此卡片已被撤回。' },
  not_chat_member: { 'en-US': 'You are no longer a member of this chat.', 'zh-CN': '你已不在此会话中。' },
};
