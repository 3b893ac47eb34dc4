/**
 * Desktop notifications for devices that ask to connect (docs/architecture.md section 7): one per
 * new request, naming the device (its description stripped of control characters, since another
 * party wrote it) and saying where to compare the witness. Clicking it opens the approvals.
 * A request already notified is not notified again when the pending list is read anew.
 */

/** What a notification needs of a pending request. */
export interface PendingRequestNotice {
  readonly requestId: string;
  readonly deviceDescription: string;
  readonly pinVerified: boolean;
}

export interface ApprovalNotifierOptions {
  /** Electron's `Notification` (the calls used of it). */
  readonly Notification: {
    new (options: { title: string; body: string }): {
      show(): void;
      on(event: 'click', listener: () => void): unknown;
    };
    isSupported(): boolean;
  };
  readonly onClick: (requestId: string) => void;
}

/** Text from another party, made safe to show: no control characters, at most `max` long. */
export function displayText(text: string, max = 80): string {
  const clean = text
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** The notification's title and body for one request. */
export function approvalNotice(request: PendingRequestNotice): { title: string; body: string } {
  const name = displayText(request.deviceDescription) || 'A device';
  return {
    title: 'A device asks to connect',
    body: request.pinVerified
      ? `${name} used a PIN you issued. Open Mesh Desktop to approve or reject it.`
      : `${name} waits for approval. Open Mesh Desktop and compare the code it shows.`,
  };
}

export interface ApprovalNotifier {
  /** Notifies each request not notified before. */
  notify(requests: readonly PendingRequestNotice[]): void;
}

export function createApprovalNotifier(options: ApprovalNotifierOptions): ApprovalNotifier {
  const notified = new Set<string>();
  return {
    notify(requests) {
      if (!options.Notification.isSupported()) return;
      for (const request of requests) {
        if (notified.has(request.requestId)) continue;
        notified.add(request.requestId);
        const notification = new options.Notification(approvalNotice(request));
        notification.on('click', () => options.onClick(request.requestId));
        notification.show();
      }
    },
  };
}
