import { Modal } from '@douyinfe/semi-ui';
import { defineMessages, useMessages } from '@kite/ui/i18n';

const shortcutMessages = defineMessages(
  {
    title: 'Keyboard shortcuts',
    search: 'Search chats, people and messages',
    nextChat: 'Previous / next chat',
    nextUnread: 'Previous / next unread chat',
    listMove: 'Move through the chat list (from search)',
    send: 'Send the message',
    newLine: 'New line',
    mention: 'Mention someone',
    editLast: 'Edit your last message (empty message box)',
    close: 'Close the side panel, cancel an edit',
    help: 'Show these shortcuts',
    hint: 'Press {keys} in the messenger to see them again.',
  },
  {
    title: '快捷键',
    search: '搜索会话、联系人和消息',
    nextChat: '上一个 / 下一个会话',
    nextUnread: '上一个 / 下一个未读会话',
    listMove: '在会话列表中移动（从搜索框）',
    send: '发送消息',
    newLine: '换行',
    mention: '提及成员',
    editLast: '编辑你的上一条消息（输入框为空时）',
    close: '关闭侧边栏、取消编辑',
    help: '显示快捷键',
    hint: '在消息页按 {keys} 可再次查看。',
  },
);

/** Ctrl on Windows and Linux, ⌘ on a Mac; Option is Alt there. */
export function keyNames(): { mod: string; alt: string } {
  const mac = typeof navigator !== 'undefined' && navigator.platform.startsWith('Mac');
  return mac ? { mod: '⌘', alt: '⌥' } : { mod: 'Ctrl', alt: 'Alt' };
}

/** A shortcut as this platform writes it: `Ctrl+K` on Windows and Linux, `⌘K` on a Mac. */
export function shortcutLabel(key: string): string {
  const { mod } = keyNames();
  return mod === '⌘' ? `⌘${key}` : `Ctrl+${key}`;
}

/**
 * A search box's placeholder with its shortcut, `Search (Ctrl+K)`; on a touch-only device (a phone,
 * a tablet without a keyboard) just the text, since there is no key to press.
 */
export function withShortcutHint(text: string, key: string): string {
  const touchOnly = typeof matchMedia === 'function' && matchMedia('(hover: none) and (pointer: coarse)').matches;
  return touchOnly ? text : `${text} (${shortcutLabel(key)})`;
}

/** The keys that open the shortcuts: Ctrl+/ (⌘/ on a Mac). */
export function helpKeys(): string {
  return shortcutLabel('/');
}

/** The messenger's keyboard shortcuts (Ctrl/⌘+/), as a list of key combinations and what they do. */
export function ShortcutsDialog({ visible, onClose }: { visible: boolean; onClose: () => void }) {
  const t = useMessages(shortcutMessages);
  const { mod, alt } = keyNames();
  const rows: Array<[string[], string]> = [
    [[mod, 'K'], t('search')],
    [[alt, '↑ / ↓'], t('nextChat')],
    [[alt, 'Shift', '↑ / ↓'], t('nextUnread')],
    [['↑ / ↓'], t('listMove')],
    [['Enter'], t('send')],
    [['Shift', 'Enter'], t('newLine')],
    [['@'], t('mention')],
    [['↑'], t('editLast')],
    [['Esc'], t('close')],
    [[mod, '/'], t('help')],
  ];
  return (
    <Modal title={t('title')} visible={visible} onCancel={onClose} footer={null} width={480} centered>
      <dl className="kite-im-shortcuts" data-testid="shortcuts-dialog">
        {rows.map(([keys, action]) => (
          <div key={action} className="kite-im-shortcuts__row">
            <dt>
              {keys.map((key) => (
                <kbd key={key}>{key}</kbd>
              ))}
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
      <p className="kite-muted kite-im-shortcuts__hint">{t('hint', { keys: helpKeys() })}</p>
    </Modal>
  );
}
