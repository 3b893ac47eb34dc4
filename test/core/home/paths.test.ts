import { describe, expect, it } from 'vitest';
import { resolveHomeDirectory } from '../../../electron/core/home/paths';

describe('resolveHomeDirectory', () => {
  const base = { userHome: '/home/ann', cwd: '/work' };

  it('prefers --home, then MESH_HOME, resolving relative paths from the working directory', () => {
    const env = { MESH_HOME: 'from-env' };
    expect(resolveHomeDirectory({ ...base, env, platform: 'linux', home: 'flag' })).toBe(
      '/work/flag',
    );
    expect(resolveHomeDirectory({ ...base, env, platform: 'linux' })).toBe('/work/from-env');
    expect(resolveHomeDirectory({ ...base, env: { MESH_HOME: '/abs' }, platform: 'linux' })).toBe(
      '/abs',
    );
  });

  it('uses XDG_CONFIG_HOME on Linux when it is absolute, else ~/.config', () => {
    expect(
      resolveHomeDirectory({ ...base, env: { XDG_CONFIG_HOME: '/x/cfg' }, platform: 'linux' }),
    ).toBe('/x/cfg/mesh-desktop');
    expect(
      resolveHomeDirectory({ ...base, env: { XDG_CONFIG_HOME: 'rel' }, platform: 'linux' }),
    ).toBe('/home/ann/.config/mesh-desktop');
    expect(resolveHomeDirectory({ ...base, env: { MESH_HOME: ' ' }, platform: 'freebsd' })).toBe(
      '/home/ann/.config/mesh-desktop',
    );
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(resolveHomeDirectory({ ...base, env: {}, platform: 'darwin' })).toBe(
      '/home/ann/Library/Application Support/Mesh Desktop',
    );
    expect(
      resolveHomeDirectory({
        userHome: 'C:\\Users\\ann',
        cwd: 'C:\\',
        env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
        platform: 'win32',
      }),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Mesh Desktop');
    expect(
      resolveHomeDirectory({ userHome: 'C:\\Users\\ann', cwd: 'C:\\', env: {}, platform: 'win32' }),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Mesh Desktop');
  });
});
