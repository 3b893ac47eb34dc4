/**
 * Start a service in this process (tests, the benchmark harness, embedding): build it and listen
 * in one call. `npm run service` (main.ts) is the same with flags and signals around it.
 */
import type { ServiceOptions } from './config';
import type { ListenOptions, MeshService } from './service';
import { buildService } from './service';

/** A running service. */
export interface RunningService {
  readonly service: MeshService;
  /** Base URL, e.g. http://127.0.0.1:41234; the endpoint is `${url}/.well-known/mmm/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Build a service and listen (port 0 by default: a free port on 127.0.0.1). */
export async function startService(
  options: ServiceOptions & Partial<ListenOptions>,
): Promise<RunningService> {
  const service = await buildService(options);
  try {
    const address = await service.listen({
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
    return { service, url: address.url, port: address.port, close: () => service.close() };
  } catch (error) {
    await service.close();
    throw error;
  }
}
