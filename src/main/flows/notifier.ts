/**
 * Desktop notifications are Electron-only (src/main/electron owns the `Notification` class): the Electron
 * entry registers an implementation once; everywhere else notify steps reach only the in-app inbox.
 */
import type { DesktopNotifier } from './runner/deps';

let current: DesktopNotifier | undefined;

export function setDesktopNotifier(notifier: DesktopNotifier | undefined): void {
  current = notifier;
}

export function desktopNotifier(): DesktopNotifier | undefined {
  return current;
}
