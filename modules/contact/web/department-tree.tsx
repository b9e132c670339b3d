import { IconApartment } from '@douyinfe/semi-icons';
import { Tree } from '@douyinfe/semi-ui';
import type { TreeNodeData } from '@douyinfe/semi-ui/lib/es/tree';
import type { DepartmentView } from '@kite/contact/contract';
import { buildDepartmentTree, type DepartmentNode } from '@kite/contact/contract';
import { useMemo, useState } from 'react';
import { HighlightedName } from './highlighted-name.tsx';
import { matchName } from './name-match.ts';

/** The key of the organisation itself, above every department. */
export const ROOT_KEY = '__organisation__';

function toTreeData(nodes: DepartmentNode<DepartmentView>[], filter: string): TreeNodeData[] {
  const result: TreeNodeData[] = [];
  for (const node of nodes) {
    const children = toTreeData(node.children, filter);
    const matches = !filter || matchName(node.department.name, filter) !== null;
    if (!matches && children.length === 0) continue;
    result.push({
      key: node.department.id,
      value: node.department.id,
      label: (
        <span className="kite-dept-node" data-testid={`department-node-${node.department.departmentId}`}>
          <span className="kite-dept-node__name">
            <HighlightedName name={node.department.name} query={filter} />
          </span>
          <span className="kite-dept-node__count">{node.department.memberCount}</span>
        </span>
      ),
      children: children.length ? children : undefined,
    });
  }
  return result;
}

function allKeys(nodes: TreeNodeData[]): string[] {
  return nodes.flatMap((node) => [node.key ?? '', ...allKeys(node.children ?? [])]);
}

export interface DepartmentTreeProps {
  departments: readonly DepartmentView[];
  /** The organisation's name, shown as the top node ("everyone"). */
  rootLabel: string;
  /** Selected department id; null selects the organisation. */
  selectedId: string | null;
  onSelect: (departmentId: string | null) => void;
  /** Narrows the tree to departments matching by name, pinyin or initials. */
  filter?: string;
  testId?: string;
}

/** The organisation as a tree; selecting a node picks that department. */
export function DepartmentTree({ departments, rootLabel, selectedId, onSelect, filter = '', testId }: DepartmentTreeProps) {
  const tree = useMemo(() => buildDepartmentTree(departments), [departments]);
  const children = useMemo(() => toTreeData(tree, filter.trim()), [tree, filter]);
  const [expanded, setExpanded] = useState<string[]>(() => [ROOT_KEY]);
  const treeData: TreeNodeData[] = [
    {
      key: ROOT_KEY,
      value: ROOT_KEY,
      label: (
        <span className="kite-dept-node kite-dept-node--root" data-testid="department-node-root">
          <IconApartment className="kite-dept-node__icon" />
          <span className="kite-dept-node__name">{rootLabel}</span>
        </span>
      ),
      children,
    },
  ];
  const expandedKeys = filter.trim() ? allKeys(treeData) : expanded;
  return (
    <div className="kite-dept-tree" data-testid={testId}>
      <Tree
        treeData={treeData}
        value={selectedId ?? ROOT_KEY}
        expandedKeys={expandedKeys}
        onExpand={(keys) => setExpanded(keys)}
        onSelect={(key) => {
          onSelect(key === ROOT_KEY ? null : key);
          if (!expanded.includes(key)) setExpanded((current) => [...current, key]);
        }}
        blockNode
        motion={false}
      />
    </div>
  );
}
