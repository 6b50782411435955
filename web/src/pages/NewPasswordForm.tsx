/**
 * The first sign-in of a user the operator created in the pool: the temporary password was
 * right, and Cognito asks for the user's own before signing in (NEW_PASSWORD_REQUIRED). The
 * pool's rules are shown; the pool decides, and its refusal is said beside the field.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { NewPasswordRefused, PASSWORD_RULES, type NewPasswordRequired } from '../auth/new-password';
import type { Session } from '../session';

export function NewPasswordForm(props: { challenge: NewPasswordRequired; onSignedIn: (session: Session) => void; onStartOver: (problem?: string) => void }) {
  const { challenge, onSignedIn, onStartOver } = props;
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problems, setProblems] = useState<{ password?: string; confirmation?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => first.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) return setProblems({ password: 'Choose a new password.' });
    if (confirmation !== password) return setProblems({ confirmation: 'The two passwords differ: type the new one again.' });
    setProblems({});
    setBusy(true);
    try {
      onSignedIn(await challenge.choose(password));
    } catch (error) {
      if (error instanceof NewPasswordRefused) {
        setProblems({ password: error.message });
        first.current?.focus();
      } else if ((error as { refused?: boolean }).refused) {
        onStartOver(error instanceof Error ? error.message : String(error));
      } else {
        setProblems({ form: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      setBusy(false);
    }
  }

  const described = (id: 'new-password' | 'confirm-password', problem: string | undefined, also?: string) => ({
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': [also, problem ? `${id}-problem` : undefined].filter(Boolean).join(' ') || undefined,
  });

  return (
    <section className="page narrow">
      <h1>Choose a new password</h1>
      <p>
        The password you were sent is temporary. Choose your own to finish signing in as <strong>{challenge.username}</strong>.
      </p>
      <form onSubmit={(event) => void submit(event)} className="form" noValidate>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            ref={first}
            id="new-password"
            name="new-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            {...described('new-password', problems.password, 'new-password-rules')}
          />
          <span id="new-password-rules" className="muted">
            {PASSWORD_RULES}
          </span>
          {problems.password && (
            <span id="new-password-problem" className="field-problem" role="alert">
              {problems.password}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="confirm-password">Confirm the new password</label>
          <input
            id="confirm-password"
            name="confirm-password"
            type="password"
            autoComplete="new-password"
            value={confirmation}
            onChange={(e) => setConfirmation(e.target.value)}
            required
            {...described('confirm-password', problems.confirmation)}
          />
          {problems.confirmation && (
            <span id="confirm-password-problem" className="field-problem" role="alert">
              {problems.confirmation}
            </span>
          )}
        </div>
        {problems.form && (
          <p role="alert" className="problem">
            {problems.form}
          </p>
        )}
        <div className="field inline">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Setting the password…' : 'Set the password and sign in'}
          </button>
          <button type="button" onClick={() => onStartOver()} disabled={busy}>
            Start over
          </button>
        </div>
      </form>
    </section>
  );
}
