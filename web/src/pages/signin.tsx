import { useEffect, useState } from 'preact/hooks'
import { href, Link, navigate } from '../router'
import { hearth } from '../session'
import { ErrorNote, Field, useAction } from '../ui'

/** Sign in (username or email) or create an account. */
export function SignInPage({ mode, next }: { mode: 'in' | 'up'; next?: string }) {
  const [login, setLogin] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  useEffect(() => {
    document.title = mode === 'in' ? 'Sign in · Hearth' : 'Create an account · Hearth'
  }, [mode])
  const submit = useAction(async () => {
    if (mode === 'in') await hearth.auth.login({ login: login.trim(), password })
    else await hearth.auth.register({ username: login.trim(), email: email.trim(), password })
    if (next) navigate(next, { replace: true })
  })
  return (
    <main class="signin" id="main">
      <h1>Hearth</h1>
      <form class="card stack" onSubmit={(e) => (e.preventDefault(), submit.run())} aria-labelledby="signin-title">
        <h2 id="signin-title">{mode === 'in' ? 'Sign in' : 'Create an account'}</h2>
        <Field
          label={mode === 'in' ? 'Username or email' : 'Username'}
          value={login}
          onInput={setLogin}
          autoComplete="username"
          required
          minLength={mode === 'up' ? 3 : 1}
          maxLength={mode === 'up' ? 32 : 254}
          pattern={mode === 'up' ? '[A-Za-z0-9_.]{3,32}' : undefined}
          hint={mode === 'up' ? '3–32 letters, digits, _ or .' : undefined}
        />
        {mode === 'up' && <Field label="Email" type="email" value={email} onInput={setEmail} autoComplete="email" required maxLength={254} />}
        <Field
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete={mode === 'in' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'up' ? 8 : 1}
          maxLength={256}
          hint={mode === 'up' ? 'At least 8 characters' : undefined}
        />
        <ErrorNote error={submit.error} />
        <button type="submit" disabled={submit.busy}>
          {mode === 'in' ? 'Sign in' : 'Create account'}
        </button>
        <p class="muted">
          {mode === 'in' ? (
            <>
              New here? <Link href={href.signup()}>Create an account</Link>
            </>
          ) : (
            <>
              Have an account? <Link href={href.signin()}>Sign in</Link>
            </>
          )}
        </p>
      </form>
    </main>
  )
}
