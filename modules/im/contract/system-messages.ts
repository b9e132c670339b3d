/**
 * System messages (`msgType: 'system'`): the lines a group's timeline shows for what happened to
 * it — people added, the name changed, a message pinned. The server writes them in the command's
 * transaction; nobody sends them. Their content names a template and refers to people and bots by
 * id, never pre-rendered text, so each viewer reads them in their own language with current names.
 * Dissolving a group leaves no line: the chat leaves every member's list and its history closes
 * (Feishu's too), so nobody would read it.
 */

/** What happened, one key per wording. */
export const SYSTEM_TEMPLATES = [
  /** `operator` created the group (and invited `targets`, when there are any). */
  'chat_created',
  /** `operator` added `targets` (people, or people and bots). */
  'members_added',
  /** `operator` added bots only. */
  'bots_added',
  /** `targets` joined with their department (a department group's sync; no operator). */
  'department_members_added',
  /** `operator` removed `targets`. */
  'members_removed',
  /** `operator` removed bots only. */
  'bots_removed',
  /** `targets` left with their department (a department group's sync; no operator). */
  'department_members_removed',
  /** `operator` left the group. */
  'member_left',
  /** `operator` renamed the group to `name`. */
  'chat_renamed',
  'description_changed',
  'announcement_changed',
  /** `operator` made `targets[0]` the owner. */
  'owner_transferred',
  'admins_added',
  'admins_removed',
  /** `operator` pinned the message `messageId`. */
  'message_pinned',
  /** `operator` unpinned the message `messageId`. */
  'message_unpinned',
  /** `operator` changed one group setting: `setting` names it and its new value (one line per setting). */
  'settings_changed',
  /** `operator` added the custom bot `targets[0]`. */
  'webhook_bot_added',
  'webhook_bot_removed',
] as const;
export type SystemTemplate = (typeof SYSTEM_TEMPLATES)[number];

/**
 * The group settings a `settings_changed` line names, each with its new value. A changed list of
 * who may post is a `postPolicy` line (its value `listed`). Names and values are `ChatSettings`'
 * (spelled out here: the chat schemas import this file).
 */
export type SystemSettingChange =
  | { name: 'postPolicy'; value: 'all' | 'admins' | 'listed' }
  | { name: 'addMemberPolicy' | 'atAllPolicy' | 'buzzPolicy' | 'pinPolicy'; value: 'all' | 'admins' }
  | { name: 'messageForm'; value: 'chat' | 'thread' };

/** One `T` for each setting and each of its values: the words of a `settings_changed` line. */
export type PerSettingValue<T> = {
  [Name in SystemSettingChange['name']]: Record<Extract<SystemSettingChange, { name: Name }>['value'], T>;
};

/** The settings a line can name, in the order one update's lines list them. */
export const SYSTEM_SETTINGS = [
  'postPolicy',
  'addMemberPolicy',
  'atAllPolicy',
  'buzzPolicy',
  'pinPolicy',
  'messageForm',
] as const satisfies ReadonlyArray<SystemSettingChange['name']>;

/** Most people and bots one system message names; beyond them it only counts (`targetCount`). */
export const MAX_SYSTEM_TARGETS = 50;

/** A person or bot a system message names, with the name they have now. */
export interface SystemPartyView {
  /** A person, an app's bot, or a custom (webhook) bot. */
  type: 'user' | 'app' | 'webhook';
  id: string;
  /** `''` when the directory no longer knows them. */
  name: string;
}

/** A system message as the web words it (`MessageView.system`). */
export interface SystemMessageView {
  template: SystemTemplate;
  /** Who did it; null for what the system did (a department group's sync). */
  operator: SystemPartyView | null;
  /** Who it was done to, at most {@link MAX_SYSTEM_TARGETS}. */
  targets: SystemPartyView[];
  /** How many it concerned: more than `targets.length` when only the first ones are named. */
  targetCount: number;
  /** `chat_renamed`: the new name. */
  name?: string;
  /** `message_pinned`, `message_unpinned`: the message's `om_…`. */
  messageId?: string;
  /** `settings_changed`: the setting and its new value. */
  setting?: SystemSettingChange;
}
