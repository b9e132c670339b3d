import { useId } from 'react';

/** Kite's mark: a white kite on a blue tile. Decorative; pair it with the product name in text. */
export function KiteLogo({ size = 32 }: { size?: number }) {
  const gradientId = useId();
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#4e83ff" />
          <stop offset="1" stopColor="#2558e6" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${gradientId})`} />
      <path d="M16 5 25 14 16 23 7 14Z" fill="#fff" />
      <path d="M16 5 16 23 7 14Z" fill="#dfe8ff" />
      <path d="M16 23c0 2.5 1.6 3.2 3 2.4 1.3-.8 2.6-.6 3.5.6" stroke="#fff" strokeWidth="1.4" fill="none" strokeLinecap="round" />
    </svg>
  );
}
