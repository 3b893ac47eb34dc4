// The service supervisor (electron/app/service-supervisor.ts) and the desktop settings it keeps
// the embedded service's port in (desktop-settings.ts): which port is tried, what is saved, and
// the status the renderer sees when the service starts, fails, crashes or is stopped. The
// launcher is replaced by one that answers as told; embedded-service.test.ts runs the real one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MeshError } from '../../shared/errors';
import type { ServiceStatus } from '../../shared/ipc/contract';
import {
  DESKTOP_SETTINGS_FILE,
  readDesktopSettings,
  updateDesktopSettings,
} from '../../electron/app/desktop-settings';
import type { EmbeddedService, EmbeddedServiceExit } from '../../electron/app/embedded-service';
import { superviseService, type EmbeddedServicePlan } from '../../electron/app/service-supervisor';

/** A stand-in for a launched service whose end the test decides. */
function fakeService(port: number) {
  let end: (exit: EmbeddedServiceExit) => void = () => {};
  const exited = new Promise<EmbeddedServiceExit>((resolve) => {
    end = resolve;
  });
  const service: EmbeddedService & { crash(code: number): void; stops: number } = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: 4242,
    exited,
    stops: 0,
    stop: async () => {
      service.stops += 1;
      end({ code: 0, signal: null, requested: true });
      return exited;
    },
    crash: (code) => end({ code, signal: null, requested: false }),
  };
  return service;
}

const portInUse = (port: number) =>
  new MeshError('SERVICE_ERROR', `port ${port} is in use`, { reason: 'port-in-use' });

/** A plan whose launches answer from `answers` in turn, recording ports and saves. */
function plan(savedPort: number | undefined, ...answers: Array<EmbeddedService | MeshError>) {
  const ports: number[] = [];
  const saved: number[] = [];
  const warnings: string[] = [];
  const value: EmbeddedServicePlan = {
    launch: async (port) => {
      ports.push(port);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('launched more often than expected');
      if (answer instanceof MeshError) throw answer;
      return answer;
    },
    savedPort,
    savePort: async (port) => {
      saved.push(port);
    },
    warn: (message) => warnings.push(message),
  };
  return { plan: value, ports, saved, warnings };
}

/** Every status published from now on. */
function record(supervisor: ReturnType<typeof superviseService>): ServiceStatus[] {
  const seen: ServiceStatus[] = [];
  supervisor.onStatus((status) => seen.push(status));
  return seen;
}

describe('the embedded service under the supervisor', () => {
  it('starts on a free port the first time, saves it, and is ready with the accounts named by it', async () => {
    const service = fakeService(41001);
    const { plan: first, ports, saved } = plan(undefined, service);
    const supervisor = superviseService({ kind: 'embedded' }, first);
    expect(supervisor.status()).toMatchObject({ state: 'starting', url: null });
    expect(await supervisor.settled()).toEqual({
      location: { kind: 'embedded' },
      state: 'ready',
      url: 'http://127.0.0.1:41001',
      accountService: '127.0.0.1:41001',
      message: null,
    });
    expect(ports).toEqual([0]);
    expect(saved).toEqual([41001]);
    await supervisor.stop();
  });

  it('tries the saved port first and saves nothing new when it gets it', async () => {
    const { plan: second, ports, saved } = plan(41002, fakeService(41002));
    const supervisor = superviseService({ kind: 'embedded' }, second);
    expect((await supervisor.settled()).accountService).toBe('127.0.0.1:41002');
    expect(ports).toEqual([41002]);
    expect(saved).toEqual([]);
    await supervisor.stop();
  });

  it('takes a free port when the saved one is taken, saves it and says so', async () => {
    const {
      plan: taken,
      ports,
      saved,
      warnings,
    } = plan(41003, portInUse(41003), fakeService(41999));
    const supervisor = superviseService({ kind: 'embedded' }, taken);
    expect((await supervisor.settled()).url).toBe('http://127.0.0.1:41999');
    expect(ports).toEqual([41003, 0]);
    expect(saved).toEqual([41999]);
    expect(warnings.join('\n')).toContain('port 41003');
    await supervisor.stop();
  });

  it('reports a service that cannot start as failed, with the reason, and tries no other port for other failures', async () => {
    const refusal = new MeshError(
      'SERVICE_ERROR',
      'The embedded Mesh service could not start: it ended before listening (exit code 1)',
      { reason: 'exited' },
    );
    const { plan: broken, ports } = plan(41004, refusal);
    const supervisor = superviseService({ kind: 'embedded' }, broken);
    expect(await supervisor.settled()).toEqual({
      location: { kind: 'embedded' },
      state: 'failed',
      url: null,
      accountService: null,
      message: refusal.message,
    });
    expect(ports).toEqual([41004]);
    await supervisor.stop();
    expect(supervisor.status().state).toBe('stopped');
  });

  it('reports a crash as a failed status, and a stop as stopped (the child stopped once)', async () => {
    const crashing = fakeService(41005);
    const supervisor = superviseService({ kind: 'embedded' }, plan(undefined, crashing).plan);
    await supervisor.settled();
    const seen = record(supervisor);
    const failed = new Promise<ServiceStatus>((resolve) => supervisor.onStatus(resolve));
    crashing.crash(70);
    expect(await failed).toMatchObject({
      state: 'failed',
      url: null,
      message: expect.stringContaining('stopped unexpectedly (exit code 70)'),
    });

    const stopping = fakeService(41006);
    const other = superviseService({ kind: 'embedded' }, plan(undefined, stopping).plan);
    await other.settled();
    const stops = record(other);
    await Promise.all([other.stop(), other.stop()]);
    expect(stopping.stops).toBe(1);
    expect(stops.map((status) => status.state)).toEqual(['stopped']);
    expect(seen.map((status) => status.state)).toEqual(['failed']);
  });

  it('stopped while starting: the child is stopped once it is up, and never reported ready', async () => {
    let up: (service: EmbeddedService) => void = () => {};
    const late = fakeService(41007);
    const supervisor = superviseService(
      { kind: 'embedded' },
      {
        launch: () =>
          new Promise<EmbeddedService>((resolve) => {
            up = resolve;
          }),
        savedPort: undefined,
        savePort: async () => {},
      },
    );
    const seen = record(supervisor);
    const stopped = supervisor.stop();
    up(late);
    await stopped;
    expect(late.stops).toBe(1);
    expect(seen.map((status) => status.state)).toEqual(['stopped']);
  });

  it('keeps telling the other listeners when one throws', async () => {
    const supervisor = superviseService({ kind: 'embedded' }, plan(undefined, fakeService(1)).plan);
    supervisor.onStatus(() => {
      throw new Error('a listener that fails');
    });
    const later = vi.fn();
    supervisor.onStatus(later);
    await supervisor.settled();
    expect(later).toHaveBeenCalledWith(expect.objectContaining({ state: 'ready' }));
    await supervisor.stop();
  });
});

describe('a configured service under the supervisor', () => {
  it('is ready at once, named by its host, and has nothing to stop', async () => {
    const supervisor = superviseService({
      kind: 'configured',
      url: 'https://mesh.example.org:8443/',
    });
    expect(supervisor.status()).toEqual({
      location: { kind: 'configured', url: 'https://mesh.example.org:8443/' },
      state: 'ready',
      url: 'https://mesh.example.org:8443/',
      accountService: 'mesh.example.org:8443',
      message: null,
    });
    await supervisor.stop();
    expect(supervisor.status().state).toBe('ready');
  });
});

describe('the desktop settings', () => {
  const folders: string[] = [];
  const folder = () => {
    const path = mkdtempSync(join(tmpdir(), 'mesh-settings-'));
    folders.push(path);
    return path;
  };
  afterAll(() => folders.forEach((path) => rmSync(path, { recursive: true, force: true })));

  it('are empty before the first start, then keep what was saved and the rest', async () => {
    const directory = folder();
    expect(await readDesktopSettings(directory)).toEqual({});
    await updateDesktopSettings(directory, { serviceUrl: 'https://mesh.example.org/' });
    await updateDesktopSettings(directory, { embeddedServicePort: 41010 });
    expect(await readDesktopSettings(directory)).toEqual({
      serviceUrl: 'https://mesh.example.org/',
      embeddedServicePort: 41010,
    });
    expect(JSON.parse(readFileSync(join(directory, DESKTOP_SETTINGS_FILE), 'utf8'))).toEqual({
      serviceUrl: 'https://mesh.example.org/',
      embeddedServicePort: 41010,
    });
  });

  it('read a file that is not theirs as the defaults, and say so', async () => {
    const directory = folder();
    writeFileSync(join(directory, DESKTOP_SETTINGS_FILE), '{"embeddedServicePort": "eighty"}');
    const warnings: string[] = [];
    expect(await readDesktopSettings(directory, (line) => warnings.push(line))).toEqual({});
    expect(warnings).toHaveLength(1);
    writeFileSync(join(directory, DESKTOP_SETTINGS_FILE), 'not json');
    expect(await readDesktopSettings(directory, (line) => warnings.push(line))).toEqual({});
    expect(warnings).toHaveLength(2);
  });

  it('refuse to save a port that is not one', async () => {
    await expect(
      updateDesktopSettings(folder(), { embeddedServicePort: 70_000 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'embeddedServicePort' },
    });
  });
});
