/**
 * Settings (docs/architecture.md section 8): the service (the embedded one or one at a URL, with a
 * health check that says when it cannot be reached), lock after idle and on sleep or screen lock,
 * how long a copy stays on the clipboard; the theme follows the system.
 */
import { useEffect, useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import type { DesktopSettingsView } from '../../../shared/ipc/desktop';
import { errorWords } from '../../app/error-words';
import { useLoad, useMesh } from '../../app/mesh-context';
import { ScreenFrame } from '../../components/ScreenFrame';
import { Failure, LoadableView } from '../../components/StateViews';

function SettingsForm({ initial }: { initial: DesktopSettingsView }) {
  const mesh = useMesh();
  const [values, setValues] = useState(initial);
  const [url, setUrl] = useState(initial.service.kind === 'configured' ? initial.service.url : '');
  const [health, setHealth] = useState<string>('');
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<MeshIpcError | null>(null);

  useEffect(() => {
    if (mesh === null) return;
    void mesh.settings.checkService({}).then((reply) => {
      if (!reply.ok) return;
      setHealth(
        reply.value.reachable
          ? `The service in use answers (${reply.value.latencyMs} ms).`
          : `The service in use cannot be reached. ${errorWords({ code: (reply.value.code ?? 'NETWORK') as 'NETWORK' }).advice}`,
      );
    });
  }, [mesh]);

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null) return;
        const service =
          values.service.kind === 'embedded'
            ? ({ kind: 'embedded' } as const)
            : ({ kind: 'configured', url: url.trim() } as const);
        void mesh.settings
          .update({
            lockAfterIdleMinutes: values.lockAfterIdleMinutes,
            lockOnSleep: values.lockOnSleep,
            clipboardSeconds: values.clipboardSeconds,
            service,
          })
          .then((reply) => {
            if (reply.ok) {
              setSaved(
                JSON.stringify(reply.value.service) !== JSON.stringify(initial.service)
                  ? 'Saved. The new service is used from the next start of Mesh Desktop.'
                  : 'Saved.',
              );
              setError(null);
            } else setError(reply.error);
          });
      }}
    >
      <fieldset>
        <legend>Mesh service</legend>
        <label className="check">
          <input
            type="radio"
            name="service"
            checked={values.service.kind === 'embedded'}
            onChange={() => setValues({ ...values, service: { kind: 'embedded' } })}
          />
          The service built into Mesh Desktop (this computer only)
        </label>
        <label className="check">
          <input
            type="radio"
            name="service"
            checked={values.service.kind === 'configured'}
            onChange={() => setValues({ ...values, service: { kind: 'configured', url } })}
          />
          A service at an address
        </label>
        {values.service.kind === 'configured' ? (
          <>
            <label htmlFor="service-url">Service address</label>
            <input
              id="service-url"
              type="url"
              value={url}
              placeholder="https://mesh.example.com"
              onChange={(event) => setUrl(event.target.value)}
            />
            <button
              type="button"
              className="button quiet"
              onClick={() =>
                void mesh?.settings.checkService({ url: url.trim() }).then((reply) => {
                  if (!reply.ok) return setHealth(errorWords(reply.error).title);
                  setHealth(
                    reply.value.reachable
                      ? `That service answers (${reply.value.latencyMs} ms).`
                      : 'That service cannot be reached. Check the address and your connection.',
                  );
                })
              }
            >
              Check this service
            </button>
          </>
        ) : null}
        <p role="status" data-testid="service-health">
          {health}
        </p>
      </fieldset>
      <fieldset>
        <legend>Lock</legend>
        <label htmlFor="lock-idle">Lock after this many minutes without use (0: never)</label>
        <input
          id="lock-idle"
          type="number"
          min={0}
          max={1440}
          value={values.lockAfterIdleMinutes}
          onChange={(event) =>
            setValues({ ...values, lockAfterIdleMinutes: Number(event.target.value) })
          }
        />
        <label className="check">
          <input
            type="checkbox"
            checked={values.lockOnSleep}
            onChange={(event) => setValues({ ...values, lockOnSleep: event.target.checked })}
          />
          Lock when the computer sleeps or the screen locks
        </label>
      </fieldset>
      <fieldset>
        <legend>Clipboard</legend>
        <label htmlFor="clipboard-seconds">Clear a copied password after (seconds)</label>
        <input
          id="clipboard-seconds"
          type="number"
          min={5}
          max={600}
          value={values.clipboardSeconds}
          onChange={(event) =>
            setValues({ ...values, clipboardSeconds: Number(event.target.value) })
          }
        />
      </fieldset>
      <p className="field-hint">Light or dark follows your system's setting.</p>
      {error ? <Failure error={error} /> : null}
      <p role="status">{saved}</p>
      <button type="submit" className="button">
        Save settings
      </button>
    </form>
  );
}

export function SettingsScreen() {
  const [settings, reload] = useLoad((api) => api.settings.get(), []);
  return (
    <ScreenFrame title="Settings">
      <LoadableView value={settings} loading="Reading the settings…" onRetry={reload}>
        {(value) => <SettingsForm initial={value} />}
      </LoadableView>
    </ScreenFrame>
  );
}
