import { defineMessages } from '@kite/ui/i18n';

export const profileCardMessages = defineMessages(
  {
    sendMessage: 'Message',
    openProfileOf: 'Open {name}’s profile',
    profileTitle: 'Profile',
    botTitle: 'Bot',
    appBot: 'App bot',
    appBotHint: 'Sends messages for an app of this organisation. Mention it in a group to talk to it.',
    customBot: 'Custom bot',
    customBotHint: 'Posts what an outside service sends to this chat’s webhook.',
    customBotAddedBy: 'Added by {name}',
    botNotInChat: 'No longer in this chat.',
  },
  {
    sendMessage: '发消息',
    openProfileOf: '查看{name}的名片',
    profileTitle: '个人名片',
    botTitle: '机器人',
    appBot: '应用机器人',
    appBotHint: '代表本组织的应用发送消息。在群里 @ 它即可与它对话。',
    customBot: '自定义机器人',
    customBotHint: '把外部服务发到本群 Webhook 的内容发到群里。',
    customBotAddedBy: '由{name}添加',
    botNotInChat: '已不在本群中。',
  },
);
