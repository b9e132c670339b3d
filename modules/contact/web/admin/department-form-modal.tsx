import { Banner, Button, Form, Modal } from '@douyinfe/semi-ui';
import type { DepartmentView } from '@kite/contact/contract';
import { subtreeIds } from '@kite/contact/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { useViewer } from '@kite/ui/viewer';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { contactQueryKeys, createDepartment, updateDepartment } from '../contact-api.ts';
import { contactErrorTexts, contactMessages } from '../contact-messages.ts';
import { departmentTreeOptions, ORGANISATION_VALUE } from '../department-options.ts';
import { usePersonOptions } from './use-person-options.tsx';

interface DepartmentFormValues {
  name: string;
  parentId: string;
  leaderUserIds: string[];
}

export type DepartmentFormTarget = { mode: 'create'; parentId: string | null } | { mode: 'edit'; department: DepartmentView };

export interface DepartmentFormModalProps {
  target: DepartmentFormTarget;
  departments: readonly DepartmentView[];
  onClose: () => void;
  onSaved: (department: DepartmentView) => void;
}

/** Create a department, or rename / move / change the leaders of one. */
export function DepartmentFormModal({ target, departments, onClose, onSaved }: DepartmentFormModalProps) {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(contactErrorTexts);
  const { tenantName } = useViewer();
  const queryClient = useQueryClient();
  const editing = target.mode === 'edit' ? target.department : null;
  const people = usePersonOptions(editing?.leaders ?? []);
  const parentOptions = useMemo(
    () =>
      departmentTreeOptions(departments, {
        organisationLabel: tenantName,
        disabled: editing ? subtreeIds(departments, editing.id) : new Set(),
      }),
    [departments, editing, tenantName],
  );
  const initialParent = editing ? editing.parentId : target.mode === 'create' ? target.parentId : null;

  const save = useMutation({
    mutationFn: (values: DepartmentFormValues) => {
      const parentId = values.parentId === ORGANISATION_VALUE ? null : values.parentId;
      const input = { name: values.name.trim(), parentId, leaderUserIds: values.leaderUserIds ?? [] };
      return editing ? updateDepartment(editing.id, input) : createDepartment(input);
    },
    onSuccess: async (department) => {
      await queryClient.invalidateQueries({ queryKey: contactQueryKeys.all });
      onSaved(department);
    },
  });

  return (
    <Modal
      title={editing ? t('editDepartmentTitle') : t('addDepartmentTitle')}
      visible
      onCancel={onClose}
      footer={null}
      width={520}
      closeOnEsc
    >
      {save.isError ? (
        <Banner type="danger" fullMode={false} closeIcon={null} description={errorText(save.error)} style={{ marginBottom: 16 }} />
      ) : null}
      <Form<DepartmentFormValues>
        initValues={{
          name: editing?.name ?? '',
          parentId: initialParent ?? ORGANISATION_VALUE,
          leaderUserIds: editing?.leaders.map((leader) => leader.id) ?? [],
        }}
        onSubmit={(values) => save.mutate(values)}
        disabled={save.isPending}
      >
        <Form.Input
          field="name"
          label={t('departmentName')}
          placeholder={t('departmentNamePlaceholder')}
          rules={[{ required: true, whitespace: true, message: t('departmentNameRequired') }]}
          data-testid="department-name-input"
          autoFocus
        />
        <Form.TreeSelect
          field="parentId"
          label={t('parentDepartment')}
          treeData={parentOptions}
          defaultExpandAll
          filterTreeNode
          style={{ width: '100%' }}
          data-testid="department-parent-select"
        />
        <Form.Select
          field="leaderUserIds"
          label={t('departmentLeaders')}
          placeholder={t('departmentLeadersPlaceholder')}
          multiple
          filter
          remote
          onSearch={people.onSearch}
          loading={people.loading}
          optionList={people.optionList}
          renderSelectedItem={people.renderMultipleSelectedItem}
          style={{ width: '100%' }}
          data-testid="department-leaders-select"
        />
        <div className="kite-form-footer">
          <Button onClick={onClose}>{common('cancel')}</Button>
          <Button htmlType="submit" theme="solid" loading={save.isPending} data-testid="department-submit">
            {editing ? common('save') : common('create')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
