/**
 * The embedded service's environment (electron/app/embedded-service.ts): it inherits what a Node
 * program needs to run and nothing else of the desktop's environment, so no secret set for the
 * desktop (MESH_PASSPHRASE, cloud keys) or code loader (NODE_OPTIONS) reaches it.
 */
import { describe, expect, it } from 'vitest';
import { embeddedServiceEnvironment } from '../../electron/app/embedded-service';

describe('embeddedServiceEnvironment', () => {
  it('passes paths, locale and time zone; drops secrets, NODE_OPTIONS, MESH_SERVICE_* and ELECTRON_RUN_AS_NODE', () => {
    const env = embeddedServiceEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/me',
      LANG: 'en_GB.UTF-8',
      LC_ALL: 'C',
      TZ: 'UTC',
      ELECTRON_RUN_AS_NODE: '1',
      MESH_PASSPHRASE: 'correct horse battery staple',
      AWS_SECRET_ACCESS_KEY: 'secret',
      GITHUB_TOKEN: 'token',
      NODE_OPTIONS: '--require /tmp/evil.js',
      MESH_SERVICE_POSTGRES: 'postgres://nobody@127.0.0.1:1/none',
      EMPTY: undefined,
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      LANG: 'en_GB.UTF-8',
      LC_ALL: 'C',
      TZ: 'UTC',
    });
  });
});
