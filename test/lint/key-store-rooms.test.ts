// The lint rule that keeps a device home's secrets inside electron/core: a file of
// electron/app, electron/cli or renderer that imports the key store, the local store, the device
// context or the core's test-only way to it (session/device-internals.ts) fails
// `npm run lint` with "Bad layering", and so does a file of electron/app or electron/cli that
// imports the applications under MeshDevice's feature groups (mesh-applications.ts); the same
// imports are allowed in electron/core. Run through ESLint's own API on the project's
// eslint.config.js, with the source given as text.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** The "Bad layering" messages for `source` as if it were the file `path`. */
async function layering(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, path) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('the key store rooms', () => {
  const importsOf = (prefix: string) => [
    `import { openKeyStore } from '${prefix}/keystore/open-key-store';\nvoid openKeyStore;\n`,
    `import type { KeyStore } from '${prefix}/keystore/key-store';\nexport type K = KeyStore;\n`,
    `import { LocalStore } from '${prefix}/store/local-store';\nvoid LocalStore;\n`,
    `import { openDeviceContext } from '${prefix}/session/device-context';\nvoid openDeviceContext;\n`,
    `import type { DeviceContext } from '${prefix}/session/device-context';\nexport type C = DeviceContext;\n`,
    `import { deviceCoreOf } from '${prefix}/session/device-internals';\nvoid deviceCoreOf;\n`,
  ];

  it('refuses the key store, the local store and the device context in electron/app and electron/cli', async () => {
    for (const [path, prefix] of [
      ['electron/app/probe.ts', '../core'],
      ['electron/cli/commands/probe.ts', '../../core'],
    ] as const) {
      for (const source of importsOf(prefix)) {
        const messages = await layering(path, source);
        expect(messages, `${path}: ${source}`).toHaveLength(1);
        expect(messages[0]).toContain('Bad layering');
      }
    }
  });

  it('refuses the applications under the feature groups in electron/app and electron/cli', async () => {
    for (const [path, prefix] of [
      ['electron/app/probe.ts', '../core'],
      ['electron/cli/commands/probe.ts', '../../core'],
    ] as const) {
      for (const source of [
        `import { MeshApplications } from '${prefix}/mesh-applications';\nvoid MeshApplications;\n`,
        `import type { SyncReport } from '${prefix}/mesh-applications';\nexport type S = SyncReport;\n`,
      ]) {
        const messages = await layering(path, source);
        expect(messages, `${path}: ${source}`).toHaveLength(1);
        expect(messages[0]).toContain('use its feature groups');
      }
    }
    const core = `import { MeshApplications } from './mesh-applications';\nvoid MeshApplications;\n`;
    expect(await layering('electron/core/mesh-device.ts', core)).toEqual([]);
  });

  it('refuses them in the renderer', async () => {
    for (const source of importsOf('../../electron/core')) {
      expect(await layering('renderer/app/probe.ts', source)).toHaveLength(1);
    }
  });

  it('allows them inside electron/core, and MeshDevice everywhere that holds a device', async () => {
    for (const source of importsOf('..')) {
      expect(await layering('electron/core/session/probe.ts', source)).toEqual([]);
    }
    const device = `import { MeshDevice } from '../core/mesh-device';\nvoid MeshDevice;\n`;
    expect(await layering('electron/app/probe.ts', device)).toEqual([]);
  });
});

describe('the feature folders of electron/core', () => {
  const mailApi = `import { mailApi } from '../mail/mail-api';\nvoid mailApi;\n`;

  it('refuses an import from another feature folder, with the message', async () => {
    const messages = await layering('electron/core/network/probe.ts', mailApi);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('Bad layering');
    expect(messages[0]).toContain('never another feature folder');
  });

  it('refuses a feature in the shared layers, and keeps the core room', async () => {
    const [message] = await layering('electron/core/catalog/probe.ts', mailApi);
    expect(message).toContain('import no feature folder');
    const renderer = `import { x } from '../../../renderer/app/x';\nvoid x;\n`;
    expect(await layering('electron/core/mail/probe.ts', renderer)).toHaveLength(1);
  });

  it('allows a feature its own files, the shared layers, and every feature to MeshDevice', async () => {
    const own = `import { mailApi } from './mail-api';\nimport { catalogsOf } from '../catalog/catalog-set';\nvoid mailApi;\nvoid catalogsOf;\n`;
    expect(await layering('electron/core/mail/probe.ts', own)).toEqual([]);
    expect(await layering('electron/core/mesh-device.ts', mailApi.replace('../', './'))).toEqual(
      [],
    );
  });
});
