import { defineMessages } from '@kite/ui/i18n';

/** Texts of desktop notifications, the messenger's settings and the "turn on notifications" banner. */
export const notificationMessages = defineMessages(
  {
    // Notifications themselves
    groupTitle: '{sender} in {chat}',
    // Messenger settings
    settingsButton: 'Messenger settings',
    settingsTitle: 'Messenger settings',
    sectionNotifications: 'Notifications',
    desktopLabel: 'Desktop notifications',
    desktopHint: 'New messages in chats you are not looking at, @mentions of you in muted chats, and buzzes.',
    soundLabel: 'Sound',
    soundHint: 'A chime when someone buzzes you, repeated a few times until you acknowledge it.',
    soundTest: 'Play',
    browserAllowed: 'Allowed in this browser.',
    browserAsk: 'This browser has not been allowed to show them yet.',
    browserAllow: 'Allow in this browser',
    browserBlocked: 'Blocked for this site in the browser’s settings: allow notifications there to get them.',
    browserUnsupported: 'This browser cannot show notifications.',
    settingsLoadFailed: 'Your settings could not be loaded.',
    // Banner above the chat list
    bannerText: 'Get notified of new messages and buzzes?',
    bannerEnable: 'Turn on',
    bannerDismiss: 'Not now',
    bannerBlocked: 'The browser did not allow notifications. You can change that in its site settings.',
    // Chat settings
    mutedMentionsHint: 'Muted chats still notify you when someone @mentions you.',
  },
  {
    groupTitle: '{sender}（{chat}）',
    settingsButton: '消息设置',
    settingsTitle: '消息设置',
    sectionNotifications: '通知',
    desktopLabel: '桌面通知',
    desktopHint: '你未在查看的会话中的新消息、免打扰会话中 @你 的消息，以及加急。',
    soundLabel: '声音',
    soundHint: '有人加急你时播放提示音，在你点击“知道了”之前会重复几次。',
    soundTest: '试听',
    browserAllowed: '此浏览器已允许显示通知。',
    browserAsk: '此浏览器尚未允许显示通知。',
    browserAllow: '在此浏览器中允许',
    browserBlocked: '浏览器设置中已禁止此网站的通知，请在浏览器设置中允许后再使用。',
    browserUnsupported: '此浏览器不支持桌面通知。',
    settingsLoadFailed: '无法加载你的设置。',
    bannerText: '开启桌面通知，及时收到新消息和加急提醒？',
    bannerEnable: '开启',
    bannerDismiss: '暂不',
    bannerBlocked: '浏览器未允许通知，可在浏览器的网站设置中更改。',
    mutedMentionsHint: '免打扰的会话中，有人 @你 时仍会通知你。',
  },
);
