/**
 * Small line illustrations for empty, error and no-access states. Drawn in Kite's blue so a blank
 * screen still looks intentional; each is decorative (`aria-hidden`), the text beside it carries
 * the meaning.
 */
import type { ReactNode } from 'react';

export type IllustrationName = 'empty' | 'search' | 'error' | 'lock' | 'people' | 'folder' | 'apps' | 'construction';

const soft = 'var(--kite-illustration-soft, #eef3ff)';
const mid = 'var(--kite-illustration-mid, #c9d8ff)';
const strong = 'var(--kite-illustration-strong, #3370ff)';
const line = 'var(--kite-illustration-line, #8aa8f8)';

function Frame({ children, size }: { children: ReactNode; size: number }) {
  return (
    <svg width={size} height={size * 0.8} viewBox="0 0 160 128" fill="none" aria-hidden="true" focusable="false">
      <ellipse cx="80" cy="116" rx="56" ry="6" fill={soft} />
      <circle cx="80" cy="60" r="52" fill={soft} />
      {children}
    </svg>
  );
}

const drawings: Record<IllustrationName, ReactNode> = {
  empty: (
    <>
      <path d="M44 64 56 40h48l12 24v30a6 6 0 0 1-6 6H50a6 6 0 0 1-6-6V64Z" fill="#fff" stroke={line} strokeWidth="2" />
      <path d="M44 64h24l4 8h16l4-8h24" stroke={line} strokeWidth="2" fill={mid} />
      <path d="M70 28v-8M90 28v-8M80 26V14" stroke={strong} strokeWidth="3" strokeLinecap="round" />
    </>
  ),
  search: (
    <>
      <rect x="40" y="30" width="60" height="72" rx="6" fill="#fff" stroke={line} strokeWidth="2" />
      <path d="M52 48h36M52 60h28M52 72h32" stroke={mid} strokeWidth="4" strokeLinecap="round" />
      <circle cx="100" cy="74" r="16" fill="#fff" stroke={strong} strokeWidth="4" />
      <path d="m112 86 12 12" stroke={strong} strokeWidth="5" strokeLinecap="round" />
    </>
  ),
  error: (
    <>
      <path d="M54 92a20 20 0 0 1-2-40 28 28 0 0 1 54-4 22 22 0 0 1 4 44H54Z" fill="#fff" stroke={line} strokeWidth="2" />
      <path d="M80 54v16" stroke="#f54a45" strokeWidth="5" strokeLinecap="round" />
      <circle cx="80" cy="80" r="3.5" fill="#f54a45" />
    </>
  ),
  lock: (
    <>
      <path d="M64 56V46a16 16 0 0 1 32 0v10" stroke={line} strokeWidth="5" fill="none" />
      <rect x="52" y="56" width="56" height="42" rx="8" fill="#fff" stroke={line} strokeWidth="2" />
      <circle cx="80" cy="74" r="6" fill={strong} />
      <path d="M80 78v8" stroke={strong} strokeWidth="4" strokeLinecap="round" />
    </>
  ),
  people: (
    <>
      <circle cx="66" cy="50" r="13" fill={mid} />
      <path d="M42 96a24 24 0 0 1 48 0" fill={mid} />
      <circle cx="96" cy="46" r="15" fill="#fff" stroke={strong} strokeWidth="3" />
      <path d="M70 100a26 26 0 0 1 52 0" fill="#fff" stroke={strong} strokeWidth="3" />
    </>
  ),
  folder: (
    <>
      <path d="M40 40a6 6 0 0 1 6-6h22l8 8h38a6 6 0 0 1 6 6v46a6 6 0 0 1-6 6H46a6 6 0 0 1-6-6V40Z" fill={mid} />
      <path d="M40 54a6 6 0 0 1 6-6h68a6 6 0 0 1 6 6v40a6 6 0 0 1-6 6H46a6 6 0 0 1-6-6V54Z" fill="#fff" stroke={line} strokeWidth="2" />
      <path d="M70 74h20M80 64v20" stroke={strong} strokeWidth="4" strokeLinecap="round" />
    </>
  ),
  apps: (
    <>
      <rect x="48" y="30" width="28" height="28" rx="7" fill="#fff" stroke={line} strokeWidth="2" />
      <rect x="84" y="30" width="28" height="28" rx="7" fill={mid} />
      <rect x="48" y="66" width="28" height="28" rx="7" fill={mid} />
      <rect x="84" y="66" width="28" height="28" rx="14" fill={strong} />
    </>
  ),
  construction: (
    <>
      <rect x="44" y="44" width="72" height="50" rx="8" fill="#fff" stroke={line} strokeWidth="2" />
      <path d="M44 58h72" stroke={line} strokeWidth="2" />
      <circle cx="53" cy="51" r="2.5" fill={mid} />
      <circle cx="61" cy="51" r="2.5" fill={mid} />
      <path d="M56 70h30M56 80h20" stroke={mid} strokeWidth="4" strokeLinecap="round" />
      <path d="m98 20 6 12 13 2-9 9 2 13-12-6-12 6 2-13-9-9 13-2 6-12Z" fill={strong} opacity="0.9" />
    </>
  ),
};

export function StateIllustration({ name, size = 160 }: { name: IllustrationName; size?: number }) {
  return <Frame size={size}>{drawings[name]}</Frame>;
}
