/**
 * The Mesh service this device uses, as the desktop program runs it (docs/architecture.md section
 * 8, settings): a configured service is used as set; otherwise the embedded local service is
 * started (embedded-service.ts) on a port kept in the settings, because the accounts it hosts
 * are named with it (`alice@127.0.0.1:PORT`, docs/module-contracts.md section 4). The saved port is
 * tried first; when something else holds it, a free one is taken and saved instead. A failure to
 * start or a crash becomes a status the renderer shows, never a dead program.
 */
import { isMeshError } from '../../shared/errors';
import type { ServiceLocation, ServiceStatus } from '../../shared/ipc/contract';
import {
  describeExit,
  EMBEDDED_SERVICE_HOST,
  type EmbeddedService,
  type EmbeddedServiceExit,
} from './embedded-service';

/** What the supervisor needs to run the embedded service. */
export interface EmbeddedServicePlan {
  /** Launch it on `port` (0: a free one); embedded-service.ts launchEmbeddedService. */
  readonly launch: (port: number) => Promise<EmbeddedService>;
  /** The port saved after an earlier start, if any. */
  readonly savedPort: number | undefined;
  /** Keep the port in use for the next start. */
  readonly savePort: (port: number) => Promise<void>;
  /** Told about what the user need not see but a developer may (a port not saved...). */
  readonly warn?: (message: string) => void;
}

/** The service of this device, running or not. */
export interface ServiceSupervisor {
  /** Where the service stands now. */
  status(): ServiceStatus;
  /** The status once it is no longer `starting`. */
  settled(): Promise<ServiceStatus>;
  /** Called on every change of status; returns the function that stops listening. */
  onStatus(listener: (status: ServiceStatus) => void): () => void;
  /** Stop the embedded service (nothing to do for a configured one); idempotent. */
  stop(): Promise<void>;
}

/**
 * Supervise the service at `location`: a configured one is ready at once; the embedded one is
 * launched with `plan` (module comment). Listener exceptions are the listener's own.
 */
export function superviseService(
  location: ServiceLocation,
  plan?: EmbeddedServicePlan,
): ServiceSupervisor {
  const listeners = new Set<(status: ServiceStatus) => void>();
  let current: ServiceStatus;
  let settle: (status: ServiceStatus) => void = () => {};
  const settled = new Promise<ServiceStatus>((resolve) => {
    settle = resolve;
  });
  const publish = (status: ServiceStatus): void => {
    current = status;
    if (status.state !== 'starting') settle(status);
    for (const listener of [...listeners]) {
      try {
        listener(status);
      } catch {
        // A listener's failure is its own; the others still hear of the change.
      }
    }
  };

  if (location.kind === 'configured') {
    current = {
      location,
      state: 'ready',
      url: location.url,
      accountService: new URL(location.url).host,
      message: null,
    };
    settle(current);
    return {
      status: () => current,
      settled: () => settled,
      onStatus: (listener) => subscribe(listeners, listener),
      stop: async () => {},
    };
  }
  if (plan === undefined) {
    throw new TypeError('the embedded service needs a launch plan');
  }

  current = { location, state: 'starting', url: null, accountService: null, message: null };
  let running: EmbeddedService | undefined;
  let stopping = false;
  const started = startEmbedded(plan).then(
    (service) => {
      running = service;
      if (stopping) return;
      publish({
        location,
        state: 'ready',
        url: service.url,
        accountService: `${EMBEDDED_SERVICE_HOST}:${service.port}`,
        message: null,
      });
      void service.exited.then((exit) => {
        if (!exit.requested) publish(crashed(location, exit));
      });
    },
    (error: unknown) => {
      if (stopping) return;
      const message = isMeshError(error)
        ? error.message
        : 'The embedded Mesh service could not start.';
      publish({ location, state: 'failed', url: null, accountService: null, message });
    },
  );
  let stopped: Promise<void> | undefined;
  return {
    status: () => current,
    settled: () => settled,
    onStatus: (listener) => subscribe(listeners, listener),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        await started;
        await running?.stop();
        publish({
          location,
          state: 'stopped',
          url: null,
          accountService: null,
          message: 'Mesh Desktop stopped the embedded Mesh service.',
        });
      })();
      return stopped;
    },
  };
}

/** Launch on the saved port, else on a free one, and save the port in use. */
async function startEmbedded(plan: EmbeddedServicePlan): Promise<EmbeddedService> {
  let service: EmbeddedService;
  try {
    service = await plan.launch(plan.savedPort ?? 0);
  } catch (error) {
    if (plan.savedPort === undefined || !isMeshError(error, 'SERVICE_ERROR')) throw error;
    if (error.details.reason !== 'port-in-use') throw error;
    plan.warn?.(
      `mesh: port ${plan.savedPort} of the embedded service is taken; accounts named with it cannot be reached until it is free again`,
    );
    service = await plan.launch(0);
  }
  if (service.port !== plan.savedPort) {
    await plan.savePort(service.port).catch((error: unknown) => {
      plan.warn?.(`mesh: could not save the embedded service's port: ${String(error)}`);
    });
  }
  return service;
}

function crashed(location: ServiceLocation, exit: EmbeddedServiceExit): ServiceStatus {
  return {
    location,
    state: 'failed',
    url: null,
    accountService: null,
    message: `The embedded Mesh service stopped unexpectedly (${describeExit(exit)}). Restart Mesh Desktop to start it again.`,
  };
}

function subscribe<T>(set: Set<(value: T) => void>, listener: (value: T) => void): () => void {
  set.add(listener);
  return () => void set.delete(listener);
}
