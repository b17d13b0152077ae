import { useEffect, useState } from 'preact/hooks'
import { nameOf, usePerson } from './people'

/**
 * A person's picture: their avatar when they set one (`avatarUrl`, a stable Hearth URL that
 * redirects to a fresh signed one), else their initials — also when the image fails to load.
 * Decorative beside a name; `label` names it where it stands alone.
 */
export function Avatar({ name, url, large, label }: { name: string; url: string | null | undefined; large?: boolean; label?: string }) {
  const [broken, setBroken] = useState(false)
  useEffect(() => setBroken(false), [url])
  const size = large ? 'avatar large' : 'avatar'
  if (url && !broken) return <img class={size} src={url} alt={label ?? ''} width={large ? 96 : 28} height={large ? 96 : 28} onError={() => setBroken(true)} />
  const letters = name.replace(/[^\p{L}\p{N}]/gu, '').slice(0, 2).toUpperCase() || '?'
  return (
    <span class={`${size} initials`} role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : 'true'}>
      {letters}
    </span>
  )
}

/** The avatar of someone known by id (looked up if the page has not met them). */
export function PersonAvatar({ userId, large, label }: { userId: string; large?: boolean; label?: string }) {
  const person = usePerson(userId)
  return <Avatar name={nameOf(person)} url={person?.avatarUrl} large={large} label={label} />
}
