import { Button, Input, Modal, Toast } from '@douyinfe/semi-ui';
import type { ChatView } from '@kite/im/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { addMembers, createChat } from './im-api.ts';
import { writeChat } from './im-cache.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';
import { PeoplePicker, type PickedPerson } from './people-picker.tsx';

export type NewChatMode = 'p2p' | 'group' | 'department';

/** Start a 1:1 chat with anyone (no friend request), or create a group with a name and members. */
export function NewChatModal({
  mode,
  onClose,
  onCreated,
}: {
  mode: Exclude<NewChatMode, 'department'>;
  onClose: () => void;
  onCreated: (chat: ChatView) => void;
}) {
  const t = useMessages(imMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState(false);
  const [selected, setSelected] = useState<PickedPerson[]>([]);
  const [busy, setBusy] = useState(false);

  const finish = (chat: ChatView) => {
    writeChat(queryClient, chat, { insert: true });
    onCreated(chat);
  };

  const openP2p = async (person: PickedPerson) => {
    if (busy) return;
    setBusy(true);
    try {
      finish(await createChat({ chatType: 'p2p', userId: person.id }));
    } catch (error) {
      Toast.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const createGroup = async () => {
    if (!name.trim()) {
      setNameError(true);
      return;
    }
    setBusy(true);
    try {
      finish(await createChat({ chatType: 'group', name: name.trim(), userIds: selected.map((person) => person.id) }));
    } catch (error) {
      Toast.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      visible
      title={mode === 'p2p' ? t('newChatTitle') : t('newGroupTitle')}
      onCancel={onClose}
      width={480}
      footer={
        mode === 'group' ? (
          <div className="kite-im-modal-footer">
            <span className="kite-muted">{t('selectedMembers', { count: selected.length })}</span>
            <Button onClick={onClose}>{common('cancel')}</Button>
            <Button theme="solid" loading={busy} onClick={() => void createGroup()} data-testid="create-group-submit">
              {t('createGroupSubmit')}
            </Button>
          </div>
        ) : null
      }
      bodyStyle={{ paddingBottom: mode === 'p2p' ? 24 : 8 }}
    >
      {mode === 'group' ? (
        <div className="kite-im-field">
          <Input
            placeholder={t('groupNamePlaceholder')}
            value={name}
            onChange={(value) => {
              setName(value);
              setNameError(false);
            }}
            maxLength={100}
            validateStatus={nameError ? 'error' : 'default'}
            data-testid="group-name-input"
          />
          {nameError ? <div className="kite-im-field__error">{t('groupNameRequired')}</div> : null}
        </div>
      ) : null}
      <PeoplePicker
        mode={mode === 'p2p' ? 'single' : 'multiple'}
        selected={selected}
        onPick={(person) => (mode === 'p2p' ? void openP2p(person) : setSelected((list) => [...list, person]))}
        onRemove={(id) => setSelected((list) => list.filter((person) => person.id !== id))}
      />
    </Modal>
  );
}

/** Adds people to an existing group (the members panel's "Add members"). */
export function AddMembersModal({ chat, memberIds, onClose }: { chat: ChatView; memberIds: readonly string[]; onClose: () => void }) {
  const t = useMessages(imMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<PickedPerson[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (selected.length === 0) return;
    setBusy(true);
    try {
      const updated = await addMembers(
        chat.id,
        selected.map((person) => person.id),
      );
      writeChat(queryClient, updated);
      void queryClient.invalidateQueries({ queryKey: ['im', 'members', chat.id] });
      Toast.success(t('membersAdded'));
      onClose();
    } catch (error) {
      Toast.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      visible
      title={t('addMembers')}
      onCancel={onClose}
      width={480}
      footer={
        <div className="kite-im-modal-footer">
          <span className="kite-muted">{t('selectedMembers', { count: selected.length })}</span>
          <Button onClick={onClose}>{common('cancel')}</Button>
          <Button
            theme="solid"
            loading={busy}
            disabled={selected.length === 0}
            onClick={() => void submit()}
            data-testid="add-members-submit"
          >
            {t('addMembersSubmit')}
          </Button>
        </div>
      }
    >
      <PeoplePicker
        mode="multiple"
        selected={selected}
        excludeIds={memberIds}
        excludeLabel={t('alreadyMember')}
        onPick={(person) => setSelected((list) => [...list, person])}
        onRemove={(id) => setSelected((list) => list.filter((person) => person.id !== id))}
      />
    </Modal>
  );
}
