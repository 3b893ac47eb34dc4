/**
 * True loading, empty and error states (docs/architecture.md section 8): "loading" and "failed" are
 * never shown as "nothing here". Errors are in a person's words (app/error-words.ts), with the code
 * small for support, and a way to try again.
 */
import type { ReactNode } from 'react';
import type { MeshIpcError } from '../../shared/ipc/contract';
import { errorWords } from '../app/error-words';
import type { Loadable } from '../store/loadable';

export function Failure({ error, onRetry }: { error: MeshIpcError; onRetry?: () => void }) {
  const { title, advice } = errorWords(error);
  return (
    <div className="failure" role="alert">
      <p>
        <strong>{title}</strong> {advice}
      </p>
      <p className="code">Code: {error.code}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      {what}
    </p>
  );
}

/** Shows a Loadable: loading, failed, empty or its content. */
export function LoadableView<T>({
  value,
  loading,
  isEmpty,
  empty,
  onRetry,
  children,
}: {
  value: Loadable<T>;
  /** What is being read, e.g. "Reading your devices…". */
  loading: string;
  isEmpty?: (value: T) => boolean;
  empty?: ReactNode;
  onRetry?: () => void;
  children: (value: T) => ReactNode;
}) {
  if (value.phase === 'failed') return <Failure error={value.error} onRetry={onRetry} />;
  if (value.phase !== 'loaded') return <Loading what={loading} />;
  if (isEmpty?.(value.value) && empty !== undefined) {
    return <div className="empty">{empty}</div>;
  }
  return <>{children(value.value)}</>;
}
