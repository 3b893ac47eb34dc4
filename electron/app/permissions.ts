/**
 * Permissions (Electron security checklist item 5): the renderer needs none of the web's
 * permissions (camera, notifications, geolocation, clipboard reads, devices...), so every
 * request and every check is denied. Clipboard writes with clearing go through the main
 * process when the password screens arrive.
 */
import type { Session } from 'electron';

type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/** Denies every permission request, permission check and device permission of `session`. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
