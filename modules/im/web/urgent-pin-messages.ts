import { MAX_PENDING_BUZZES, MAX_PINS_PER_CHAT } from '@kite/im/contract';
import type { ErrorTexts } from '@kite/ui/error-text';
import { defineMessages } from '@kite/ui/i18n';

/** Texts of buzz alerts, the buzz dialog, message markers and the pinned panel. */
export const urgentPinMessages = defineMessages(
  {
    // Alerts on every page
    buzzAlertsLabel: 'Buzzes',
    buzzedYou: '{name} buzzed you',
    buzzedYouIn: '{name} buzzed you in {chat}',
    acknowledge: 'Acknowledge',
    openBuzzed: 'Open the message',
    moreBuzzes: '{count, plural, one {# more buzz} other {# more buzzes}}',
    fewerBuzzes: 'Show fewer',
    // Buzz dialog
    actionBuzz: 'Buzz',
    buzzTitle: 'Buzz about this message',
    buzzHint: 'The people you pick see an alert on every page until they acknowledge it.',
    buzzSearch: 'Search members',
    buzzSubmit: '{count, plural, =0 {Buzz} other {Buzz #}}',
    buzzNobody: 'There is no one else in this chat to buzz.',
    buzzNoMatch: 'No members match',
    buzzMoreMembers: 'More members',
    buzzStatePending: 'Waiting',
    buzzStateAcknowledged: 'Acknowledged',
    buzzSent: '{count, plural, =0 {Everyone picked was already buzzed} one {Buzzed # person} other {Buzzed # people}}',
    // Marker on a buzzed message
    buzzMarker: 'Buzzed · {acknowledged}/{total} acknowledged',
    buzzWaitingTab: 'Waiting ({count})',
    buzzAcknowledgedTab: 'Acknowledged ({count})',
    buzzListEmpty: 'No one',
    // Pins
    actionPin: 'Pin',
    actionUnpin: 'Unpin',
    pinnedBy: 'Pinned by {name}',
    panelPins: 'Pinned',
    pinsEmptyTitle: 'No pinned messages',
    pinsEmptyHint: 'Pin a message from its “More” menu to keep it here for everyone in the chat.',
    pinJump: 'Go to message',
    pinLine: 'Pinned by {name} · {time}',
    pinDone: 'Pinned for everyone in this chat',
    unpinDone: 'Unpinned',
  },
  {
    buzzAlertsLabel: '加急',
    buzzedYou: '{name} 加急了你',
    buzzedYouIn: '{name} 在「{chat}」中加急了你',
    acknowledge: '知道了',
    openBuzzed: '查看消息',
    moreBuzzes: '还有 {count} 条加急',
    fewerBuzzes: '收起',
    actionBuzz: '加急',
    buzzTitle: '加急这条消息',
    buzzHint: '被加急的人会在每个页面看到提醒，直到点击“知道了”。',
    buzzSearch: '搜索会话成员',
    buzzSubmit: '{count, plural, =0 {加急} other {加急 #}}',
    buzzNobody: '此会话中没有其他可以加急的人。',
    buzzNoMatch: '没有匹配的成员',
    buzzMoreMembers: '更多成员',
    buzzStatePending: '未确认',
    buzzStateAcknowledged: '已确认',
    buzzSent: '{count, plural, =0 {所选成员都已在加急中} other {已加急 # 人}}',
    buzzMarker: '加急 · {acknowledged}/{total} 已确认',
    buzzWaitingTab: '未确认 ({count})',
    buzzAcknowledgedTab: '已确认 ({count})',
    buzzListEmpty: '无',
    actionPin: 'Pin',
    actionUnpin: '取消 Pin',
    pinnedBy: '{name} Pin 了此消息',
    panelPins: 'Pin 消息',
    pinsEmptyTitle: '暂无 Pin 消息',
    pinsEmptyHint: '在消息的“更多”菜单中选择 Pin，会话里的所有人都能在这里看到它。',
    pinJump: '定位到消息',
    pinLine: '{name} Pin 于 {time}',
    pinDone: '已 Pin，会话里的所有人都能看到',
    unpinDone: '已取消 Pin',
  },
);

export const urgentPinErrorTexts: ErrorTexts = {
  invalid_recipients: {
    'en-US': 'Some of the people you picked are no longer in this chat.',
    'zh-CN': '所选的部分成员已不在此会话中。',
  },
  too_many_pending_buzzes: {
    'en-US': `Someone you picked already has ${MAX_PENDING_BUZZES} unacknowledged buzzes.`,
    'zh-CN': `所选成员中有人的未确认加急已达 ${MAX_PENDING_BUZZES} 条。`,
  },
  pin_limit_reached: {
    'en-US': `This chat already has ${MAX_PINS_PER_CHAT} pinned messages. Unpin one first.`,
    'zh-CN': `此会话的 Pin 消息已达 ${MAX_PINS_PER_CHAT} 条，请先取消一条。`,
  },
  message_recalled: { 'en-US': 'This message was recalled.', 'zh-CN': '该消息已被撤回。' },
  buzz_not_allowed: {
    'en-US': 'Only the group’s owner and admins can buzz in this chat.',
    'zh-CN': '此群仅群主和管理员可以加急。',
  },
  pin_not_allowed: {
    'en-US': 'Only the group’s owner and admins can pin and unpin messages in this chat.',
    'zh-CN': '此群仅群主和管理员可以 Pin 或取消 Pin 消息。',
  },
};
