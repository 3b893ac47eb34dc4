/**
 * Mail settings (draft-hallambaker-mesh-schema §5.8): the mail accounts, one added by its
 * address with discovery (autoconfig, then SRV records, RFC 6186) showing what was found and any
 * plain-text warning before it is kept; the servers of an account edited; Thunderbird autoconfig
 * XML exported.
 */
import { useEffect, useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useLoad, useMesh } from '../../app/mesh-context';
import { useSyncedReload } from '../../app/use-synced-reload';
import { displayText } from '../../../shared/encoding/display-text';
import { ScreenFrame } from '../../components/ScreenFrame';
import { Failure, LoadableView } from '../../components/StateViews';

interface ServerView {
  readonly ServiceName?: string | undefined;
  readonly Port?: number | undefined;
  readonly Prefix?: string | undefined;
  readonly Security: readonly ('Direct' | 'Upgrade' | 'None')[];
  readonly URI?: string | undefined;
  /** Said by the core of a kept server; not part of a connection sent back. */
  readonly hasPassword?: boolean;
}

/** A server as found, as the connection `mail.add` takes (the seed's Connection). */
function asConnection({ hasPassword: _shownOnly, ...server }: ServerView) {
  return { ...server, Security: [...server.Security] };
}

const security: Record<string, string> = {
  Direct: 'encrypted (TLS)',
  Upgrade: 'encrypted after STARTTLS',
  None: 'NOT encrypted',
};

function serverText(server: ServerView): string {
  const where = server.ServiceName
    ? `${server.ServiceName}${server.Port ? `:${server.Port}` : ''}`
    : (server.URI ?? '?');
  const how =
    server.Security.map((mode) => security[mode] ?? mode).join(' or ') || 'security unknown';
  return `${server.Prefix ? `${server.Prefix.replace(/^_|\._tcp$/g, '')} ` : ''}${displayText(where)}, ${how}`;
}

function Servers({ label, servers }: { label: string; servers: readonly ServerView[] }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {servers.length === 0
          ? 'none'
          : servers.map((server, index) => <div key={index}>{serverText(server)}</div>)}
      </dd>
    </>
  );
}

type Discovery = {
  readonly found: boolean;
  readonly method: string | null;
  readonly providerName: string | null;
  readonly inbound: readonly ServerView[];
  readonly outbound: readonly ServerView[];
  readonly warnings: readonly { code: string; message: string; server: string | null }[];
};

type DiscoveryWarning = Discovery['warnings'][number];

/** What a plain-text server exposes, in words (the core's codes, electron/core/mail). */
const plainText: Record<string, (server: string) => string> = {
  CLEARTEXT_PASSWORD: (server) => `${server}: your mail password would be sent unencrypted.`,
  PLAIN_SOCKET: (server) => `${server}: anyone on the network could read your mail.`,
};

/**
 * The plain-text warning (servers reached without TLS) as one alert, read out when it appears;
 * other remarks of discovery (a server left out) as notes.
 */
function DiscoveryWarnings({ warnings }: { warnings: readonly DiscoveryWarning[] }) {
  const unencrypted = warnings.filter((warning) => warning.code in plainText);
  const others = warnings.filter((warning) => !(warning.code in plainText));
  return (
    <>
      {unencrypted.length > 0 ? (
        <div className="notice" role="alert" data-testid="plain-text-warning">
          <p>
            <strong>Warning: some of these servers are not encrypted.</strong> Keep them only if
            your provider offers nothing else.
          </p>
          <ul>
            {unencrypted.map((warning, index) => (
              <li key={index}>
                {plainText[warning.code]?.(displayText(warning.server ?? 'a server'))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {others.map((warning, index) => (
        <p key={index} className="notice">
          {displayText(warning.message)}
        </p>
      ))}
    </>
  );
}

function AddAccount({ onAdded }: { onAdded: () => void }) {
  const mesh = useMesh();
  const [address, setAddress] = useState('');
  const [found, setFound] = useState<Discovery | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MeshIpcError | null>(null);
  return (
    <form
      className="form panel"
      aria-labelledby="add-mail-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null || busy) return;
        setBusy(true);
        setError(null);
        if (found === null) {
          void mesh.mail.discover({ address: address.trim() }).then((reply) => {
            setBusy(false);
            if (reply.ok) setFound(reply.value);
            else setError(reply.error);
          });
          return;
        }
        void mesh.mail
          .add({
            address: address.trim(),
            discover: false,
            inbound: found.inbound.map(asConnection),
            outbound: found.outbound.map(asConnection),
          })
          .then((reply) => {
            setBusy(false);
            if (reply.ok) {
              setFound(null);
              setAddress('');
              onAdded();
            } else setError(reply.error);
          });
      }}
    >
      <h2 id="add-mail-heading">Add a mail account</h2>
      <label htmlFor="mail-address">Email address</label>
      <input
        id="mail-address"
        type="email"
        value={address}
        disabled={found !== null}
        onChange={(event) => setAddress(event.target.value)}
      />
      {busy ? <p role="status">{found === null ? 'Looking up the servers…' : 'Adding…'}</p> : null}
      {found ? (
        <div data-testid="discovery">
          {found.found ? (
            <p>
              Found {found.providerName ? `${displayText(found.providerName)} ` : ''}settings by{' '}
              {found.method ?? 'discovery'}:
            </p>
          ) : (
            <p>No settings were found; you can add the servers by hand after adding it.</p>
          )}
          <dl className="facts">
            <Servers label="Incoming" servers={found.inbound} />
            <Servers label="Outgoing" servers={found.outbound} />
          </dl>
          <DiscoveryWarnings warnings={found.warnings} />
        </div>
      ) : null}
      {error ? <Failure error={error} /> : null}
      <div className="button-row">
        <button type="submit" className="button" disabled={address.trim() === '' || busy}>
          {found === null ? 'Find the servers' : 'Add this account'}
        </button>
        {found ? (
          <button type="button" className="button quiet" onClick={() => setFound(null)}>
            Back
          </button>
        ) : null}
      </div>
    </form>
  );
}

function EditServers({
  address,
  inbound,
  outbound,
  onDone,
}: {
  address: string;
  inbound: ServerView | undefined;
  outbound: ServerView | undefined;
  onDone: () => void;
}) {
  const mesh = useMesh();
  const [values, setValues] = useState({
    inHost: inbound?.ServiceName ?? '',
    inPort: String(inbound?.Port ?? 993),
    outHost: outbound?.ServiceName ?? '',
    outPort: String(outbound?.Port ?? 465),
  });
  const [error, setError] = useState<MeshIpcError | null>(null);
  const field = (key: keyof typeof values, label: string) => (
    <>
      <label htmlFor={`edit-${key}`}>{label}</label>
      <input
        id={`edit-${key}`}
        type="text"
        value={values[key]}
        onChange={(event) => setValues({ ...values, [key]: event.target.value })}
      />
    </>
  );
  return (
    <form
      className="form panel"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null) return;
        void mesh.mail
          .update({
            address,
            changes: {
              inbound: [
                {
                  ServiceName: values.inHost,
                  Port: Number(values.inPort),
                  Prefix: '_imaps._tcp',
                  Security: ['Direct'],
                },
              ],
              outbound: [
                {
                  ServiceName: values.outHost,
                  Port: Number(values.outPort),
                  Prefix: '_submissions._tcp',
                  Security: ['Direct'],
                },
              ],
            },
          })
          .then((reply) => {
            if (reply.ok) onDone();
            else setError(reply.error);
          });
      }}
    >
      <h3>Servers of {address}</h3>
      {field('inHost', 'Incoming (IMAP) server')}
      {field('inPort', 'Incoming port')}
      {field('outHost', 'Outgoing (SMTP) server')}
      {field('outPort', 'Outgoing port')}
      {error ? <Failure error={error} /> : null}
      <button type="submit" className="button">
        Save servers
      </button>
    </form>
  );
}

export function MailScreen() {
  const mesh = useMesh();
  const [accounts, reload] = useLoad((api) => api.mail.list(), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [xml, setXml] = useState<{ address: string; url: string } | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  useEffect(() => () => void (xml && URL.revokeObjectURL(xml.url)), [xml]);
  const changed = useSyncedReload(reload);
  return (
    <ScreenFrame title="Mail" lead="Your mail accounts' server settings, the same on every device.">
      {error ? <Failure error={error} /> : null}
      <LoadableView
        value={accounts}
        loading="Reading your mail accounts…"
        onRetry={reload}
        isEmpty={(list) => list.length === 0}
        empty={<p>No mail accounts yet.</p>}
      >
        {(list) => (
          <ul className="mail-accounts" aria-label="Mail accounts">
            {list.map((account) => (
              <li key={account.id} className="panel" data-testid="mail-account">
                <h2>{displayText(account.address)}</h2>
                <dl className="facts">
                  <Servers label="Incoming" servers={account.inbound} />
                  <Servers label="Outgoing" servers={account.outbound} />
                </dl>
                <div className="button-row">
                  <button
                    type="button"
                    className="button quiet"
                    onClick={() => setEditing(editing === account.address ? null : account.address)}
                  >
                    Edit servers of {account.address}
                  </button>
                  <button
                    type="button"
                    className="button quiet"
                    onClick={() =>
                      void mesh?.mail
                        .exportAutoconfig({ address: account.address })
                        .then((reply) => {
                          if (!reply.ok) return setError(reply.error);
                          const blob = new Blob([reply.value.xml], { type: 'application/xml' });
                          setXml({ address: account.address, url: URL.createObjectURL(blob) });
                        })
                    }
                  >
                    Export autoconfig of {account.address}
                  </button>
                  <button
                    type="button"
                    className="button danger"
                    onClick={() =>
                      void mesh?.mail.delete({ address: account.address }).then((reply) => {
                        if (reply.ok) changed();
                        else setError(reply.error);
                      })
                    }
                  >
                    Delete {account.address}
                  </button>
                </div>
                {xml?.address === account.address ? (
                  <a href={xml.url} download="config-v1.1.xml">
                    Save the autoconfig file
                  </a>
                ) : null}
                {editing === account.address ? (
                  <EditServers
                    address={account.address}
                    inbound={account.inbound[0]}
                    outbound={account.outbound[0]}
                    onDone={() => {
                      setEditing(null);
                      changed();
                    }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </LoadableView>
      <AddAccount onAdded={changed} />
    </ScreenFrame>
  );
}
