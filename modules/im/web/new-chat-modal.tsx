import { Input, Modal, Radio, RadioGroup, Toast } from '@douyinfe/semi-ui';
import type { ChatView } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { addMembers, createChat } from './im-api.ts';
import { writeChat } from './im-cache.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';
import { ModalFooter } from './modal-footer.tsx';
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
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState(false);
  const [selected, setSelected] = useState<PickedPerson[]>([]);
  const [messageForm, setMessageForm] = useState<ChatView['settings']['messageForm']>('chat');
  const [busy, run] = useBusyAction(imErrorTexts);

  const finish = (chat: ChatView) => {
    writeChat(queryClient, chat, { insert: true });
    onCreated(chat);
  };

  const openP2p = (person: PickedPerson) => {
    if (busy) return;
    void run(async () => finish(await createChat({ chatType: 'p2p', userId: person.id })));
  };

  const createGroup = () => {
    if (!name.trim()) {
      setNameError(true);
      return;
    }
    void run(async () =>
      finish(await createChat({ chatType: 'group', name: name.trim(), userIds: selected.map((person) => person.id), messageForm })),
    );
  };

  return (
    <Modal
      visible
      title={mode === 'p2p' ? t('newChatTitle') : t('newGroupTitle')}
      onCancel={onClose}
      width={480}
      footer={
        mode === 'group' ? (
          <ModalFooter
            summary={t('selectedMembers', { count: selected.length })}
            onCancel={onClose}
            submit={{ label: t('createGroupSubmit'), onClick: createGroup, busy, testId: 'create-group-submit' }}
          />
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
          <div className="kite-im-field__row">
            <span className="kite-im-field__label">{t('messageFormLabel')}</span>
            <RadioGroup
              type="button"
              value={messageForm}
              onChange={(event) => setMessageForm(event.target.value as ChatView['settings']['messageForm'])}
              aria-label={t('messageFormLabel')}
              data-testid="group-message-form"
            >
              <Radio value="chat" data-testid="group-message-form-chat">
                {t('messageFormChat')}
              </Radio>
              <Radio value="thread" data-testid="group-message-form-thread">
                {t('messageFormThread')}
              </Radio>
            </RadioGroup>
          </div>
          <div className="kite-im-field__hint">{messageForm === 'thread' ? t('messageFormThreadHint') : t('messageFormChatHint')}</div>
        </div>
      ) : null}
      <PeoplePicker
        mode={mode === 'p2p' ? 'single' : 'multiple'}
        selected={selected}
        onPick={(person) => (mode === 'p2p' ? openP2p(person) : setSelected((list) => [...list, person]))}
        onRemove={(id) => setSelected((list) => list.filter((person) => person.id !== id))}
      />
    </Modal>
  );
}

/** Adds people to an existing group (the members panel's "Add members"). */
export function AddMembersModal({ chat, memberIds, onClose }: { chat: ChatView; memberIds: readonly string[]; onClose: () => void }) {
  const t = useMessages(imMessages);
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<PickedPerson[]>([]);
  const [busy, run] = useBusyAction(imErrorTexts);
  const submit = () =>
    run(async () => {
      if (selected.length === 0) return;
      const updated = await addMembers(
        chat.id,
        selected.map((person) => person.id),
      );
      writeChat(queryClient, updated);
      void queryClient.invalidateQueries({ queryKey: ['im', 'members', chat.id] });
      Toast.success(t('membersAdded'));
      onClose();
    });
  return (
    <Modal
      visible
      title={t('addMembers')}
      onCancel={onClose}
      width={480}
      footer={
        <ModalFooter
          summary={t('selectedMembers', { count: selected.length })}
          onCancel={onClose}
          submit={{
            label: t('addMembersSubmit'),
            onClick: () => void submit(),
            busy,
            disabled: selected.length === 0,
            testId: 'add-members-submit',
          }}
        />
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
