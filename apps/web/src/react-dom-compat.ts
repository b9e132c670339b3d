/**
 * `react-dom` as Semi Design 2.90's React 18 build expects it. React 19 removed `findDOMNode`,
 * `render` and `unmountComponentAtNode`; Semi calls them in Tooltip (hence Dropdown, Popover,
 * Select), ResizeObserver, DragMove, Toast, Notification and Modal.confirm. Semi publishes a React 19
 * build as `@douyinfe/semi-ui-19`, but not for 2.90, so the build resolves Semi's `react-dom`
 * imports (and only Semi's) to this module instead (see vite.config.ts). Remove it once Kite moves
 * to `@douyinfe/semi-ui-19`.
 */
import type { ReactNode } from 'react';
import * as ReactDom from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';

export * from 'react-dom';

const roots = new WeakMap<Element | DocumentFragment, Root>();

/** Legacy `ReactDOM.render`: one root per container, rendered synchronously like React 18 did. */
export function render(element: ReactNode, container: Element | DocumentFragment, callback?: () => void): null {
  let root = roots.get(container);
  if (!root) {
    root = createRoot(container);
    roots.set(container, root);
  }
  const target = root;
  ReactDom.flushSync(() => target.render(element));
  callback?.();
  return null;
}

/** Legacy `ReactDOM.unmountComponentAtNode`, for containers filled by `render` above. */
export function unmountComponentAtNode(container: Element | DocumentFragment): boolean {
  const root = roots.get(container);
  if (!root) return false;
  roots.delete(container);
  root.unmount();
  return true;
}

/** React fiber tags of nodes that own a DOM node: host component, text, hoistable, singleton. */
const HOST_TAGS = new Set([5, 6, 26, 27]);

interface Fiber {
  tag: number;
  stateNode: unknown;
  child: Fiber | null;
  sibling: Fiber | null;
  return: Fiber | null;
  alternate: Fiber | null;
}

function firstHostNode(fiber: Fiber): Node | null {
  let node: Fiber | null = fiber;
  while (node) {
    if (HOST_TAGS.has(node.tag) && node.stateNode instanceof Node) return node.stateNode;
    if (node.child) {
      node = node.child;
      continue;
    }
    while (node && node !== fiber && !node.sibling) node = node.return;
    if (!node || node === fiber) return null;
    node = node.sibling;
  }
  return null;
}

/**
 * Legacy `findDOMNode`: the first DOM node a class component rendered. A component's fiber may be
 * the stale one of its pair, so both are tried and a node still in the document wins.
 */
export function findDOMNode(instance: unknown): Element | Text | null {
  if (instance == null) return null;
  if (instance instanceof Element || instance instanceof Text) return instance;
  const fiber = (instance as { _reactInternals?: Fiber })._reactInternals;
  if (!fiber) return null;
  const candidates = [fiber, fiber.alternate].filter((candidate): candidate is Fiber => candidate !== null);
  let fallback: Node | null = null;
  for (const candidate of candidates) {
    const node = firstHostNode(candidate);
    if (node?.isConnected) return node as Element | Text;
    fallback ??= node;
  }
  return fallback as Element | Text | null;
}

export default { ...ReactDom, render, unmountComponentAtNode, findDOMNode };
