import { avatarInitials } from './avatar-initials.ts';

export interface UserAvatarProps {
  name: string;
  /** The person's `avatarColor` from the server; a calm blue when unknown. */
  color?: string | null;
  size?: number;
  /** Greys the avatar out, e.g. for deactivated people. */
  muted?: boolean;
}

/** A colored circle with the person's initials — Kite has no photo avatars yet. */
export function UserAvatar({ name, color, size = 32, muted = false }: UserAvatarProps) {
  const initials = avatarInitials(name);
  const fontSize = Math.round(size * (initials.length > 1 ? 0.38 : 0.44));
  return (
    <span
      className="kite-avatar"
      role="img"
      aria-label={name}
      style={{
        width: size,
        height: size,
        fontSize,
        background: muted ? 'var(--semi-color-disabled-text)' : (color ?? '#3370ff'),
      }}
    >
      {initials}
    </span>
  );
}
