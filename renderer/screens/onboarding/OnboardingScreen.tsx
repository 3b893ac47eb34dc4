/**
 * Onboarding (docs/architecture.md section 7): the three ways a device joins a Mesh. Create a
 * master profile (the account name checked as it is typed, `account.validate`); connect to an
 * existing one by witness (the code shown large, with a QR code, to compare on the other device) or
 * by a PIN or `mcu://` link; recover from escrow shares, each checked as it is typed. Each step
 * shows its progress and can be cancelled while it runs (the call's id and `window.mesh.cancel`,
 * shared/ipc/dispatcher.ts); after a cancel the step says what is true: nothing made, made after
 * all (the session is read again, and a profile made shows the program), or - when the service
 * may have received the request - how to finish.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useMesh } from '../../app/mesh-context';
import { QrCode } from '../../components/QrCode';
import { ScreenFrame } from '../../components/ScreenFrame';
import { ShareEntry, type ShareCheck } from '../../components/ShareEntry';
import { Failure } from '../../components/StateViews';
import { Witness } from '../../components/Witness';
import { useMeshStore } from '../../store/MeshStoreProvider';
import { selectConnectLink } from '../../store/navigation-slice';

type Step = 'choose' | 'create' | 'connect' | 'recover';

const problems: Record<string, string> = {
  empty: 'Type a name for your account.',
  characters: 'These characters are not allowed:',
  length: 'That name is too long or too short.',
  edges: 'A name cannot start or end with a dot or a hyphen.',
  dots: 'A name cannot have two dots in a row.',
  service: 'The part after @ is not a valid service address.',
};

/** The last `progress` event: its words and how many steps were done. */
function useProgress(): {
  words: string;
  done: number;
  /** The steps done as of the last event (for a reply's handler, which outlives its render). */
  latestDone: () => number;
  reset: () => void;
} {
  const mesh = useMesh();
  const [step, setStep] = useState({ words: '', done: 0 });
  const done = useRef(0);
  useEffect(
    () =>
      mesh?.on('progress', (progress) => {
        done.current = progress.done ?? 0;
        setStep({
          words: progress.total
            ? `${progress.step} (${progress.done ?? 0} of ${progress.total})`
            : progress.step,
          done: progress.done ?? 0,
        });
      }),
    [mesh],
  );
  const reset = useCallback(() => {
    done.current = 0;
    setStep({ words: '', done: 0 });
  }, []);
  const latestDone = useCallback(() => done.current, []);
  return { ...step, latestDone, reset };
}

/** A fresh id for a call the person may cancel. */
function newCallId(): string {
  return crypto.randomUUID();
}

/** The Cancel button of a running step. */
function CancelButton({ call, what }: { call: string | null; what: string }) {
  const mesh = useMesh();
  const [asked, setAsked] = useState(false);
  useEffect(() => setAsked(false), [call]);
  if (call === null) return null;
  return (
    <button
      type="button"
      className="button quiet"
      disabled={asked}
      onClick={() => {
        setAsked(true);
        void mesh?.cancel(call);
      }}
    >
      {asked ? 'Cancelling…' : `Cancel ${what}`}
    </button>
  );
}

/** What a cancelled step left, in words that are true. */
function Cancelled({ words }: { words: string }) {
  return (
    <p role="alert" className="notice" data-testid="cancelled">
      {words}
    </p>
  );
}

function DeviceNameField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <>
      <label htmlFor="onboarding-device-name">Name of this device</label>
      <input
        id="onboarding-device-name"
        type="text"
        value={value}
        maxLength={256}
        onChange={(event) => onChange(event.target.value)}
      />
    </>
  );
}

function CreateStep({ onDone }: { onDone: () => void }) {
  const mesh = useMesh();
  const [name, setName] = useState('');
  const [deviceName, setDeviceName] = useState('My computer');
  const [check, setCheck] = useState<{ valid: boolean; message: string; address: string | null }>({
    valid: false,
    message: '',
    address: null,
  });
  const [call, setCall] = useState<string | null>(null);
  const [cancelled, setCancelled] = useState<string | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const progress = useProgress();
  const busy = call !== null;

  useEffect(() => {
    if (mesh === null) return;
    let current = true;
    void mesh.account.validate({ name }).then((reply) => {
      if (!current || !reply.ok) return;
      const { valid, problem, invalidCharacters, address } = reply.value;
      setCheck({
        valid,
        address,
        message: valid
          ? `Your account will be ${address ?? name}.`
          : `${problems[problem ?? ''] ?? 'That name cannot be used.'}${invalidCharacters ? ` ${invalidCharacters}` : ''}`,
      });
    });
    return () => {
      current = false;
    };
  }, [mesh, name]);

  return (
    <form
      className="form"
      aria-labelledby="create-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null || !check.valid || busy) return;
        const id = newCallId();
        setCall(id);
        setError(null);
        setCancelled(null);
        progress.reset();
        void mesh.account
          .create({ address: name.trim(), deviceName }, { call: id })
          .then((reply) => {
            setCall(null);
            if (reply.ok) return onDone();
            if (reply.error.code !== 'CANCELLED') return setError(reply.error);
            // Registering (step 2 of create-account) had begun: the service may hold the name.
            setCancelled(
              progress.latestDone() >= 2
                ? `Cancelled while registering ${check.address ?? name.trim()}: the service may have registered it. Create again with the same name to finish (this device keeps what it needs until then), or choose another name.`
                : 'Cancelled. Nothing was registered: no account was made.',
            );
            // A cancel that came too late leaves the profile made: the session says so.
            onDone();
          });
      }}
    >
      <h2 id="create-heading">Create a master profile</h2>
      <label htmlFor="account-name">Account name</label>
      <input
        id="account-name"
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={name}
        aria-invalid={name !== '' && !check.valid}
        aria-describedby="account-name-check"
        onChange={(event) => setName(event.target.value)}
      />
      <p
        id="account-name-check"
        className={check.valid || name === '' ? 'field-hint' : 'field-error'}
        aria-live="polite"
      >
        {name === '' ? 'For example alice, or alice@mesh.example.com.' : check.message}
      </p>
      <DeviceNameField value={deviceName} onChange={setDeviceName} />
      {error ? <Failure error={error} /> : null}
      {cancelled !== null ? <Cancelled words={cancelled} /> : null}
      <p role="status" className="status-line">
        {busy ? progress.words || 'Creating your master profile…' : ''}
      </p>
      {busy ? (
        <progress aria-label="Creating your master profile" max={4} value={progress.done} />
      ) : null}
      <div className="button-row">
        <button type="submit" className="button" disabled={!check.valid || busy}>
          Create
        </button>
        <CancelButton call={call} what="creating" />
      </div>
    </form>
  );
}

function ConnectStep({ onDone, link }: { onDone: () => void; link: string | null }) {
  const mesh = useMesh();
  const [address, setAddress] = useState(link ?? '');
  const [pin, setPin] = useState('');
  const [deviceName, setDeviceName] = useState('My computer');
  const [witness, setWitness] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'asking' | 'waiting' | 'refused' | 'expired'>('idle');
  const [error, setError] = useState<MeshIpcError | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const waiting = useRef(false);
  /** The id of the running connect.complete, which Cancel aborts. */
  const polling = useRef<string | null>(null);

  const wait = useCallback(async () => {
    if (mesh === null) return;
    waiting.current = true;
    while (waiting.current) {
      const call = newCallId();
      polling.current = call;
      const reply = await mesh.connect.complete({ waitSeconds: 2 }, { call });
      polling.current = null;
      if (!waiting.current) return;
      if (!reply.ok) {
        setError(reply.error);
        setState('idle');
        return;
      }
      if (reply.value.state === 'connected') {
        waiting.current = false;
        onDone();
        return;
      }
      if (reply.value.state === 'refused' || reply.value.state === 'expired') {
        waiting.current = false;
        setState(reply.value.state);
        return;
      }
    }
  }, [mesh, onDone]);

  useEffect(
    () => () => {
      waiting.current = false;
    },
    [],
  );

  const isLink = address.trim().toLowerCase().startsWith('mcu:');
  return (
    <form
      className="form"
      aria-labelledby="connect-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null || state !== 'idle') return;
        const call = newCallId();
        setState('asking');
        setAsking(call);
        setError(null);
        void mesh.connect
          .request(
            {
              address: address.trim(),
              deviceName,
              ...(pin.trim() !== '' && !isLink ? { pin: pin.trim() } : {}),
            },
            { call },
          )
          .then((reply) => {
            setAsking(null);
            if (!reply.ok) {
              // Cancelled: withdraw whatever request the service may have taken.
              if (reply.error.code === 'CANCELLED') void mesh.connect.cancel();
              else setError(reply.error);
              setState('idle');
              return;
            }
            setWitness(reply.value.witness);
            setState('waiting');
            void wait();
          });
      }}
    >
      <h2 id="connect-heading">Connect this device</h2>
      <label htmlFor="connect-address">Your account, or the mcu:// link you were given</label>
      <input
        id="connect-address"
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={address}
        disabled={state !== 'idle'}
        onChange={(event) => setAddress(event.target.value)}
      />
      {isLink ? null : (
        <>
          <label htmlFor="connect-pin">PIN (if another device gave you one)</label>
          <input
            id="connect-pin"
            type="text"
            autoComplete="off"
            value={pin}
            disabled={state !== 'idle'}
            onChange={(event) => setPin(event.target.value)}
          />
        </>
      )}
      <DeviceNameField value={deviceName} onChange={setDeviceName} />
      {error ? <Failure error={error} /> : null}
      {state === 'idle' ? (
        <div className="button-row">
          <button type="submit" className="button" disabled={address.trim() === ''}>
            Ask to connect
          </button>
        </div>
      ) : null}
      {state === 'asking' ? (
        <div className="button-row">
          <p role="status">Asking the service…</p>
          <CancelButton call={asking} what="asking" />
        </div>
      ) : null}
      {state === 'waiting' && witness ? (
        <div className="panel" data-testid="connect-waiting">
          <Witness value={witness} label="Compare this code with the one your other device shows" />
          <QrCode text={witness} label="QR code of the code to compare" />
          <p role="status">
            Waiting for your other device to approve this one. Approve it there only if it shows the
            same code.
          </p>
          <button
            type="button"
            className="button quiet"
            onClick={() => {
              waiting.current = false;
              if (mesh === null) return;
              const poll = polling.current;
              void (poll === null ? Promise.resolve() : mesh.cancel(poll))
                .then(() => mesh.connect.cancel())
                .then((reply) => {
                  // Approved before the cancel arrived: this device is connected after all.
                  if (!reply.ok && reply.error.code === 'ALREADY_EXISTS') return onDone();
                  setState('idle');
                  setWitness(null);
                });
            }}
          >
            Cancel
          </button>
        </div>
      ) : null}
      {state === 'refused' || state === 'expired' ? (
        <p role="alert" className="failure">
          {state === 'refused'
            ? 'Your other device rejected this request.'
            : 'The request expired before it was approved. Ask again.'}
        </p>
      ) : null}
    </form>
  );
}

function RecoverStep({ onDone }: { onDone: () => void }) {
  const mesh = useMesh();
  const [address, setAddress] = useState('');
  const [count, setCount] = useState(2);
  const [shares, setShares] = useState<readonly string[] | null>(null);
  const [deviceName, setDeviceName] = useState('My computer');
  const [call, setCall] = useState<string | null>(null);
  const [cancelled, setCancelled] = useState<string | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const progress = useProgress();
  const busy = call !== null;
  const check = useCallback(
    async (share: string): Promise<ShareCheck> => {
      if (mesh === null) return { state: 'invalid', message: 'Not connected to Mesh Desktop.' };
      const reply = await mesh.escrow.checkShare({ share });
      if (!reply.ok) return { state: 'invalid', message: 'This share could not be checked.' };
      return reply.value.valid
        ? { state: 'valid' }
        : { state: 'invalid', message: reply.value.problem ?? 'This share is not valid.' };
    },
    [mesh],
  );
  return (
    <form
      className="form"
      aria-labelledby="recover-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null || shares === null || busy) return;
        const id = newCallId();
        setCall(id);
        setError(null);
        setCancelled(null);
        progress.reset();
        void mesh.escrow
          .recover({ address: address.trim(), shares: [...shares], deviceName }, { call: id })
          .then((reply) => {
            setCall(null);
            if (reply.ok) return onDone();
            if (reply.error.code !== 'CANCELLED') return setError(reply.error);
            setCancelled(
              'Cancelled. Recover again with the same shares to finish; they can be used again.',
            );
            // A cancel that came too late leaves the profile recovered: the session says so.
            onDone();
          });
      }}
    >
      <h2 id="recover-heading">Recover from escrow shares</h2>
      <label htmlFor="recover-address">Your account</label>
      <input
        id="recover-address"
        type="text"
        autoComplete="off"
        value={address}
        onChange={(event) => setAddress(event.target.value)}
      />
      <label htmlFor="recover-count">How many shares you have</label>
      <input
        id="recover-count"
        type="number"
        min={2}
        max={15}
        value={count}
        onChange={(event) => setCount(Math.max(2, Math.min(15, Number(event.target.value) || 2)))}
      />
      <ShareEntry key={count} count={count} check={check} onComplete={setShares} />
      <DeviceNameField value={deviceName} onChange={setDeviceName} />
      {error ? <Failure error={error} /> : null}
      {cancelled !== null ? <Cancelled words={cancelled} /> : null}
      <p role="status" className="status-line">
        {busy ? progress.words || 'Recovering your master profile…' : ''}
      </p>
      <div className="button-row">
        <button
          type="submit"
          className="button"
          disabled={shares === null || address.trim() === '' || busy}
        >
          Recover
        </button>
        <CancelButton call={call} what="recovering" />
      </div>
    </form>
  );
}

const choices = [
  {
    id: 'create',
    title: 'Create a master profile',
    description:
      'Start a new Mesh on this device: a master profile, an account at a Mesh service, and escrow shares to write down in case this device is lost.',
  },
  {
    id: 'connect',
    title: 'Connect this device',
    description:
      'Join a Mesh you already have: another of your devices shows a code to compare, or gives you a PIN or a link.',
  },
  {
    id: 'recover',
    title: 'Recover from escrow shares',
    description:
      'Rebuild your master profile on this device from the shares you wrote down when you created it.',
  },
] as const;

export function OnboardingScreen() {
  const link = useMeshStore(selectConnectLink);
  const takeConnectLink = useMeshStore((state) => state.takeConnectLink);
  const loadSession = useMeshStore((state) => state.loadSession);
  const [step, setStep] = useState<Step>(link !== null ? 'connect' : 'choose');
  const [given, setGiven] = useState<string | null>(null);
  // A link handed over by the main process, before this screen opened or while it is open (the
  // program was running when the link was clicked): the connect step, filled in with it.
  useEffect(() => {
    if (link === null) return;
    const taken = takeConnectLink();
    if (taken === null) return;
    setGiven(taken);
    setStep('connect');
  }, [link, takeConnectLink]);
  const done = useCallback(() => void loadSession(), [loadSession]);

  return (
    <ScreenFrame
      title="Set up this device"
      lead="Mesh Desktop keeps your passwords and mail settings on all your devices, end-to-end encrypted. Choose how this device starts."
    >
      {step === 'choose' ? (
        <ul className="choices">
          {choices.map((choice) => (
            <li key={choice.id} className="choice">
              <h2 id={`choice-${choice.id}`}>{choice.title}</h2>
              <p>{choice.description}</p>
              <button type="button" className="button" onClick={() => setStep(choice.id)}>
                {choice.title}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <>
          <button type="button" className="button quiet" onClick={() => setStep('choose')}>
            Back to the choices
          </button>
          {step === 'create' ? <CreateStep onDone={done} /> : null}
          {step === 'connect' ? <ConnectStep key={given ?? ''} onDone={done} link={given} /> : null}
          {step === 'recover' ? <RecoverStep onDone={done} /> : null}
        </>
      )}
    </ScreenFrame>
  );
}
