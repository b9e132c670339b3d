/** What the tree needs of a department (DepartmentView has all of it). */
export interface TreeDepartment {
  id: string;
  name: string;
  parentId: string | null;
  order: number;
}

export interface DepartmentNode<D extends TreeDepartment = TreeDepartment> {
  department: D;
  children: DepartmentNode<D>[];
}

function byOrderThenName(left: TreeDepartment, right: TreeDepartment): number {
  return left.order - right.order || left.name.localeCompare(right.name, 'zh-CN');
}

/**
 * Builds the tree from the server's flat list. A department whose parent is missing (or that sits
 * in a cycle the server should have refused) is shown at the top level rather than hidden.
 */
export function buildDepartmentTree<D extends TreeDepartment>(departments: readonly D[]): DepartmentNode<D>[] {
  const nodes = new Map(departments.map((department) => [department.id, { department, children: [] as DepartmentNode<D>[] }]));
  const roots: DepartmentNode<D>[] = [];
  for (const node of nodes.values()) {
    const parentId = node.department.parentId;
    const parent = parentId ? nodes.get(parentId) : undefined;
    if (parent && !isAncestorOrSelf(nodes, node.department.id, parentId)) parent.children.push(node);
    else roots.push(node);
  }
  const sortDeep = (list: DepartmentNode<D>[]) => {
    list.sort((left, right) => byOrderThenName(left.department, right.department));
    for (const node of list) sortDeep(node.children);
  };
  sortDeep(roots);
  return roots;
}

function isAncestorOrSelf(nodes: Map<string, DepartmentNode<TreeDepartment>>, id: string, startId: string | null): boolean {
  const seen = new Set<string>();
  let current = startId;
  while (current && !seen.has(current)) {
    if (current === id) return true;
    seen.add(current);
    current = nodes.get(current)?.department.parentId ?? null;
  }
  return false;
}

/** The department and everything below it: where it may not be moved to. */
export function subtreeIds(departments: readonly TreeDepartment[], id: string): Set<string> {
  const childrenOf = new Map<string, string[]>();
  for (const department of departments) {
    if (!department.parentId) continue;
    const siblings = childrenOf.get(department.parentId) ?? [];
    siblings.push(department.id);
    childrenOf.set(department.parentId, siblings);
  }
  const result = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const current = stack.pop() as string;
    if (result.has(current)) continue;
    result.add(current);
    stack.push(...(childrenOf.get(current) ?? []));
  }
  return result;
}

/** Names from the top of the tree down to the department, e.g. ["Engineering", "Backend"]. */
export function departmentPath(departments: readonly TreeDepartment[], id: string): string[] {
  const byId = new Map(departments.map((department) => [department.id, department]));
  const names: string[] = [];
  const seen = new Set<string>();
  let current = byId.get(id);
  while (current && !seen.has(current.id)) {
    names.unshift(current.name);
    seen.add(current.id);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return names;
}
