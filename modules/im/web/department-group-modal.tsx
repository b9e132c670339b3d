import { Input, Modal, Select } from '@douyinfe/semi-ui';
import { buildDepartmentTree, type DepartmentNode, type DepartmentView } from '@kite/contact/contract';
import type { ChatView } from '@kite/im/contract';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useBusyAction } from '@kite/ui/use-busy-action';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { createDepartmentChat, fetchDepartments } from './im-api.ts';
import { writeChat } from './im-cache.ts';
import { imErrorTexts, imMessages } from './im-messages.ts';
import { ModalFooter } from './modal-footer.tsx';

/** Departments in tree order, each with its depth, so the picker reads like the org chart. */
export function departmentOutline(departments: readonly DepartmentView[]): Array<{ department: DepartmentView; depth: number }> {
  const flatten = (nodes: DepartmentNode<DepartmentView>[], depth: number): Array<{ department: DepartmentView; depth: number }> =>
    nodes.flatMap((node) => [{ department: node.department, depth }, ...flatten(node.children, depth + 1)]);
  return flatten(buildDepartmentTree(departments), 0);
}

/** Tenant admins: a group that follows a department (and everything under it) as people come and go. */
export function DepartmentGroupModal({ onClose, onCreated }: { onClose: () => void; onCreated: (chat: ChatView) => void }) {
  const t = useMessages(imMessages);
  const errorText = useErrorText(imErrorTexts);
  const queryClient = useQueryClient();
  const departments = useQuery({ queryKey: ['im', 'departments'], queryFn: fetchDepartments });
  const outline = useMemo(() => departmentOutline(departments.data?.items ?? []), [departments.data]);
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const [name, setName] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, run] = useBusyAction(imErrorTexts);

  const submit = () => {
    if (!departmentId) {
      setMissing(true);
      return;
    }
    void run(async () => {
      const chat = await createDepartmentChat({ departmentId, name: name.trim() || undefined });
      writeChat(queryClient, chat, { insert: true });
      onCreated(chat);
    });
  };

  return (
    <Modal
      visible
      title={t('departmentGroupTitle')}
      onCancel={onClose}
      width={480}
      footer={
        <ModalFooter
          onCancel={onClose}
          submit={{ label: t('createGroupSubmit'), onClick: submit, busy, testId: 'create-department-group-submit' }}
        />
      }
    >
      <p className="kite-muted kite-im-modal-hint">{t('departmentGroupHint')}</p>
      <div className="kite-im-field">
        <Select
          style={{ width: '100%' }}
          placeholder={t('departmentPlaceholder')}
          filter
          loading={departments.isLoading}
          value={departmentId}
          emptyContent={departments.isError ? errorText(departments.error) : t('departmentsEmpty')}
          onChange={(value) => {
            setDepartmentId(value as string);
            setMissing(false);
          }}
          validateStatus={missing ? 'error' : 'default'}
          optionList={outline.map(({ department, depth }) => ({
            value: department.id,
            label: department.name,
            style: { paddingLeft: 12 + depth * 16 },
          }))}
          data-testid="department-select"
        />
        {missing ? <div className="kite-im-field__error">{t('departmentRequired')}</div> : null}
      </div>
      <div className="kite-im-field">
        <Input
          placeholder={t('departmentGroupNamePlaceholder')}
          value={name}
          onChange={setName}
          maxLength={100}
          data-testid="department-group-name"
        />
      </div>
    </Modal>
  );
}
