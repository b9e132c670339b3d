import type { TreeNodeData } from '@douyinfe/semi-ui/lib/es/tree';
import type { DepartmentView } from '@kite/contact/contract';
import { buildDepartmentTree, type DepartmentNode } from '@kite/contact/contract';

/** The organisation in a department picker: "no parent" / "top level". */
export const ORGANISATION_VALUE = '__organisation__';

function toOptions(nodes: DepartmentNode<DepartmentView>[], disabled: ReadonlySet<string>): TreeNodeData[] {
  return nodes.map((node) => ({
    key: node.department.id,
    value: node.department.id,
    label: node.department.name,
    disabled: disabled.has(node.department.id),
    children: node.children.length ? toOptions(node.children, disabled) : undefined,
  }));
}

/**
 * Tree data for Semi's TreeSelect. With `organisationLabel`, the organisation itself is the top
 * option (for choosing a parent); `disabled` greys out departments that cannot be chosen, such as
 * a department's own subtree when moving it.
 */
export function departmentTreeOptions(
  departments: readonly DepartmentView[],
  options: { organisationLabel?: string; disabled?: ReadonlySet<string> } = {},
): TreeNodeData[] {
  const children = toOptions(buildDepartmentTree(departments), options.disabled ?? new Set());
  if (!options.organisationLabel) return children;
  return [{ key: ORGANISATION_VALUE, value: ORGANISATION_VALUE, label: options.organisationLabel, children }];
}
