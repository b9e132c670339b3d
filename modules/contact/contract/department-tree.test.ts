import type { DepartmentView } from '@kite/contact/contract';
import { describe, expect, it } from 'vitest';
import { buildDepartmentTree, departmentPath, subtreeIds } from './department-tree.ts';

function department(id: string, name: string, parentId: string | null, order = 0): DepartmentView {
  return { id, departmentId: id, openDepartmentId: `od-${id}`, name, parentId, leaders: [], order, memberCount: 0 };
}

const flat = [
  department('eng', 'Engineering', null, 1),
  department('backend', 'Backend', 'eng'),
  department('frontend', 'Frontend', 'eng'),
  department('sales', 'Sales', null, 0),
  department('orphan', 'Orphan', 'missing'),
];

describe('buildDepartmentTree', () => {
  it('nests children under parents and sorts by order, then name', () => {
    const tree = buildDepartmentTree(flat);
    expect(tree.map((node) => node.department.id)).toEqual(['orphan', 'sales', 'eng']);
    expect(tree[2]?.children.map((node) => node.department.name)).toEqual(['Backend', 'Frontend']);
  });

  it('puts departments caught in a cycle at the top instead of losing them', () => {
    const tree = buildDepartmentTree([department('a', 'A', 'b'), department('b', 'B', 'a')]);
    const ids = tree.flatMap((node) => [node.department.id, ...node.children.map((child) => child.department.id)]);
    expect(ids.sort()).toEqual(['a', 'b']);
  });
});

describe('subtreeIds and departmentPath', () => {
  it('lists a department with everything below it', () => {
    expect([...subtreeIds(flat, 'eng')].sort()).toEqual(['backend', 'eng', 'frontend']);
  });

  it('names the way down from the top', () => {
    expect(departmentPath(flat, 'backend')).toEqual(['Engineering', 'Backend']);
  });
});
