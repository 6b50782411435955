/**
 * Sign in (the stack's Cognito user pool in AWS, `POST /auth/login` locally), then back to the
 * page that asked for it. A user still on the temporary password Cognito mailed chooses a new
 * one first (NewPasswordForm).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useApp } from '../app-context';
import type { NewPasswordRequired } from '../auth/new-password';
import { signInAs } from '../auth/sign-in';
import { NewPasswordForm } from './NewPasswordForm';

/** Only a path of this app: never an absolute URL someone put in the link. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function SignInPage() {
  const { api, config, session, signIn } = useApp();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<NewPasswordRequired>();

  useEffect(() => {
    if (session) void navigate(next, { replace: true });
  }, [session, next, navigate]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    if (!username.trim() || !password) {
      setProblem('Give your user name and password.');
      return;
    }
    setBusy(true);
    try {
      const outcome = await signInAs(config, api, username.trim(), password);
      if ('session' in outcome) signIn(outcome.session);
      else {
        setPassword('');
        setChallenge(outcome.newPasswordRequired);
      }
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    const startOver = (why?: string) => {
      setChallenge(undefined);
      setProblem(why);
    };
    return <NewPasswordForm challenge={challenge} onSignedIn={signIn} onStartOver={startOver} />;
  }

  return (
    <section className="page narrow">
      <h1>Sign in</h1>
      <form onSubmit={(event) => void submit(event)} className="form" noValidate>
        <div className="field">
          <label htmlFor="username">User name</label>
          <input id="username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </div>
        {problem && (
          <p role="alert" className="problem">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
