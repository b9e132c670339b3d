import type { LocalizedText } from '@kite/ui/i18n';
import type { NavKey } from '../shell/nav-items.tsx';

export interface UpcomingModule {
  key: Exclude<NavKey, 'messenger' | 'contacts' | 'admin'>;
  /** One sentence: the job this module will do for people. */
  summary: LocalizedText;
  /** What people will be able to do, from docs/PRODUCT.md; shown as a list. */
  capabilities: LocalizedText[];
}

/** The modules the navigation already shows but that are not built yet. */
export const upcomingModules: Record<UpcomingModule['key'], UpcomingModule> = {
  docs: {
    key: 'docs',
    summary: {
      'en-US': 'Write together in real time, discuss in the margin and turn comments into tasks.',
      'zh-CN': '多人实时协作编辑，在文档旁评论讨论，并把评论转为任务。',
    },
    capabilities: [
      {
        'en-US': 'Block editor: headings, lists, to-dos, code, tables, images, callouts',
        'zh-CN': '块编辑器：标题、列表、待办、代码、表格、图片、高亮块',
      },
      { 'en-US': 'Live co-editing with everyone’s cursor', 'zh-CN': '实时协同编辑，看到每个人的光标' },
      { 'en-US': 'Inline comments with replies, likes and resolve', 'zh-CN': '划词评论，支持回复、点赞和解决' },
      { 'en-US': 'Sharing to people, departments or by link; version history', 'zh-CN': '按人、部门或链接分享；历史版本可恢复' },
      {
        'en-US': 'Markdown and Word import and export; folders in “My space”',
        'zh-CN': '支持 Markdown 和 Word 导入导出；“我的空间”文件夹',
      },
    ],
  },
  wiki: {
    key: 'wiki',
    summary: {
      'en-US': 'Keep your team’s knowledge in spaces with a page tree everyone can find.',
      'zh-CN': '用知识空间和页面树沉淀团队知识，让每个人都找得到。',
    },
    capabilities: [
      { 'en-US': 'Spaces with members and roles', 'zh-CN': '知识空间，支持成员和角色' },
      { 'en-US': 'A page tree whose permissions children inherit', 'zh-CN': '页面树，子页面继承权限' },
      { 'en-US': 'Move and copy pages; a home page per space', 'zh-CN': '移动和复制页面；每个空间都有首页' },
      { 'en-US': 'Search across every space you can read', 'zh-CN': '在所有有权限的空间中搜索' },
    ],
  },
  base: {
    key: 'base',
    summary: {
      'en-US': 'Multi-dimensional tables for projects, campaigns and trackers — fast even at millions of rows.',
      'zh-CN': '用多维表格管理项目、活动和各类台账，百万行数据依然流畅。',
    },
    capabilities: [
      {
        'en-US': 'About 25 field types: people, dates, links, formulas, attachments…',
        'zh-CN': '约 25 种字段类型：人员、日期、关联、公式、附件……',
      },
      { 'en-US': 'Grid, kanban, gallery, Gantt, calendar and form views', 'zh-CN': '表格、看板、画册、甘特图、日历和表单视图' },
      { 'en-US': 'Filters, sorts, groups, record comments and history', 'zh-CN': '筛选、排序、分组、记录评论和修改历史' },
      { 'en-US': 'Automations that assign, notify and send daily digests', 'zh-CN': '自动化：分配负责人、发送通知和每日数据摘要' },
      { 'en-US': 'Dashboards, CSV and Excel import and export', 'zh-CN': '仪表盘，CSV 和 Excel 导入导出' },
    ],
  },
  calendar: {
    key: 'calendar',
    summary: {
      'en-US': 'Schedule meetings across time zones, book rooms and attach the meeting doc.',
      'zh-CN': '跨时区安排会议、预订会议室，并为会议关联文档。',
    },
    capabilities: [
      { 'en-US': 'Personal and shared calendars; free/busy at a glance', 'zh-CN': '个人日历和共享日历；一眼看清忙闲' },
      { 'en-US': 'Events with attendees, RSVP, recurrence and reminders in chat', 'zh-CN': '日程支持参与人、回复、重复规则和消息提醒' },
      { 'en-US': 'Meeting rooms with buildings, capacity and booking rules', 'zh-CN': '会议室管理：楼宇、容量和预订规则' },
      { 'en-US': 'ICS and CalDAV for the calendar apps people already use', 'zh-CN': '支持 ICS 和 CalDAV，兼容常用日历应用' },
    ],
  },
  approval: {
    key: 'approval',
    summary: {
      'en-US': 'One approval center for leave, expenses and contracts — and for approvals from your other systems.',
      'zh-CN': '请假、报销、合同统一在一个审批中心处理，也能接入其他系统的审批。',
    },
    capabilities: [
      {
        'en-US': 'Form designer and flow designer with conditions and parallel branches',
        'zh-CN': '表单设计器和流程设计器，支持条件分支和并行分支',
      },
      {
        'en-US': 'Approvers by person, role or manager chain; countersign and or-sign',
        'zh-CN': '按人员、角色或上级链指定审批人；会签和或签',
      },
      {
        'en-US': 'Approve, reject, transfer, add a signer or return — from desktop, phone or a chat card',
        'zh-CN': '在电脑、手机或消息卡片上同意、拒绝、转交、加签、退回',
      },
      { 'en-US': 'A full audit trail of every step', 'zh-CN': '每一步都有完整的审计记录' },
    ],
  },
  tasks: {
    key: 'tasks',
    summary: {
      'en-US': 'Track to-dos from chats, docs and meetings until they are done.',
      'zh-CN': '跟踪来自消息、文档和会议的待办，直到完成。',
    },
    capabilities: [
      { 'en-US': 'Tasks, task lists and subtasks with assignees and followers', 'zh-CN': '任务、任务清单和子任务，支持负责人和关注人' },
      { 'en-US': 'Due dates and reminders delivered in chat', 'zh-CN': '截止时间和消息提醒' },
      { 'en-US': 'Create a task from a message or a doc comment', 'zh-CN': '从消息或文档评论一键创建任务' },
      { 'en-US': '“My tasks”, “Assigned by me” and “Following” views', 'zh-CN': '“我负责的”“我分配的”“我关注的”视图' },
    ],
  },
  workplace: {
    key: 'workplace',
    summary: {
      'en-US': 'One portal with every internal app, single sign-on, and a home page for each team.',
      'zh-CN': '一个门户汇集所有内部应用，支持单点登录，每个团队都有自己的首页。',
    },
    capabilities: [
      { 'en-US': 'An app catalogue per department', 'zh-CN': '按部门配置的应用目录' },
      {
        'en-US': 'Single sign-on into your apps with Kite as the identity provider (OIDC)',
        'zh-CN': '以 Kite 作为身份提供方（OIDC），单点登录各应用',
      },
      { 'en-US': 'Custom home page widgets per organisation or department', 'zh-CN': '按组织或部门自定义首页组件' },
      { 'en-US': 'Sign in with your existing directory (OIDC or LDAP)', 'zh-CN': '使用现有目录（OIDC 或 LDAP）登录' },
    ],
  },
};
