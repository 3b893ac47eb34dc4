/**
 * IPC registration in the main process (docs/architecture.md section 8; Electron security checklist
 * item 17): one handler on the contract's channel that first checks who sent the message (the top
 * frame of our own window, showing a page of `app://mesh`), then hands the request to the
 * contract's dispatcher, which checks it against its schema.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { MESH_EVENT_CHANNEL, MESH_INVOKE_CHANNEL, meshEvents } from '../../shared/ipc/contract';
import type { MeshEventMessage, MeshReply } from '../../shared/ipc/contract';
import { meshFailure, type MeshDispatcher } from '../../shared/ipc/dispatcher';
import { MeshError } from '../../shared/errors';
import { isAppUrl } from './app-protocol';

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;
type OurWindow = Pick<BrowserWindow, 'webContents' | 'isDestroyed'>;

/**
 * True when an IPC message comes from our window's top frame showing an `app://mesh` page:
 * not from a subframe, another window, a page that navigated elsewhere, or a frame that is gone.
 */
export function isTrustedSender(event: SenderEvent, window: OurWindow | null): boolean {
  const frame = event.senderFrame;
  if (window === null || window.isDestroyed() || frame === null) return false;
  if (event.sender !== window.webContents) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/** The reply to a message from an untrusted sender. */
export const untrustedSenderReply: MeshReply<never> = meshFailure(
  'UNAUTHORIZED',
  'This frame may not call Mesh Desktop',
);

/**
 * Registers the one request handler on `ipcMain` (checklist 17: sender checked first, then the
 * schema). Exactly one argument is accepted, the request itself.
 */
export function registerMeshIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatcher: MeshDispatcher,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipcMain.handle(MESH_INVOKE_CHANNEL, async (event, ...args: unknown[]) => {
    if (!isTrusted(event)) return untrustedSenderReply;
    if (args.length !== 1) {
      return meshFailure('INVALID_ARGUMENT', 'Bad request: send exactly one request object', {
        field: 'request',
      });
    }
    return dispatcher(args[0]);
  });
}

type EventTarget = Pick<WebContents, 'send' | 'isDestroyed' | 'getURL'>;

/**
 * Returns the function that pushes events to the renderer (docs/architecture.md section 8): the
 * payload is checked against the event's schema (a MeshError INTERNAL if it is not), and sent only
 * while the window shows our own page.
 */
export function createMeshEventSender(
  target: () => EventTarget | null,
): (message: MeshEventMessage) => void {
  return (message) => {
    const schema = meshEvents[message.event];
    const checked = schema.safeParse(message.payload);
    if (!checked.success) {
      throw new MeshError('INTERNAL', `event ${message.event} does not match the contract`, {
        event: message.event,
      });
    }
    const contents = target();
    if (contents === null || contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
    contents.send(MESH_EVENT_CHANNEL, { event: message.event, payload: checked.data });
  };
}
