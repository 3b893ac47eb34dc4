/**
 * The Mesh service setting of the desktop program (docs/architecture.md section 5): a URL given by
 * the
 * `MESH_SERVICE_URL` environment variable, or the embedded local service when none is given.
 * Plain HTTP is accepted only on loopback.
 */
import { MeshError } from '../../shared/errors';
import type { ServiceLocation } from '../../shared/ipc/contract';

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Parses the service setting: empty means embedded; otherwise an `https:` URL, or `http:` to a
 * loopback host (docs/architecture.md section 5). Anything else is a MeshError INVALID_ARGUMENT.
 */
export function parseServiceSetting(value: string | undefined): ServiceLocation {
  const text = value?.trim() ?? '';
  if (text === '') return { kind: 'embedded' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MeshError('INVALID_ARGUMENT', 'MESH_SERVICE_URL is not a URL', {
      field: 'MESH_SERVICE_URL',
    });
  }
  const secure = url.protocol === 'https:';
  const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (!secure && !loopback) {
    throw new MeshError(
      'INVALID_ARGUMENT',
      'MESH_SERVICE_URL must be https:, or http: on loopback only',
      { field: 'MESH_SERVICE_URL' },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new MeshError('INVALID_ARGUMENT', 'MESH_SERVICE_URL must not carry credentials', {
      field: 'MESH_SERVICE_URL',
    });
  }
  return { kind: 'configured', url: url.href };
}
