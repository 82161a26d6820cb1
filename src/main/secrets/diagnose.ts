/**
 * Turns what libsecret / the macOS and Windows keychains say when they cannot serve us into a reason a
 * user understands and a way out. The common case is a headless Linux (server, container, CI) where no
 * Secret Service runs: that is not a bug to retry, it is a machine that has no keychain.
 */
import type { Availability } from './store';
import { SECRET_SERVICE, suggestedEnvVar } from './store';

type Unavailable = Extract<Availability, { ok: false }>;

function envRoute(account?: string): string {
  const envVar = suggestedEnvVar(account ?? 'business_primary');
  return (
    'Or skip the keychain: keep the password in an environment variable and refer to it from the datasource file ' +
    `(\`password: process.env.${envVar}\`). ObjectDesk never falls back to storing passwords in a plaintext file.`
  );
}

/** Native messages rarely end in a full stop; ours are sentences. */
function details(m: string): string {
  return `Details: ${m}${/[.!?]$/.test(m) ? '' : '.'}`;
}

const LINUX_START =
  'Start a Secret Service in your session (a desktop session runs gnome-keyring or KWallet; on a server: ' +
  "`dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets; exec <your command>'`, " +
  'which is what scripts/with-keychain.sh does).';

export function diagnoseLoadFailure(message: string, account?: string): Unavailable {
  const envHint = envRoute(account);
  return {
    ok: false,
    reason: `The OS keychain library could not be loaded (${message.split('\n')[0]}).`,
    howToFix:
      process.platform === 'linux'
        ? `Install libsecret (Debian/Ubuntu: \`apt-get install libsecret-1-0\`; Fedora: \`dnf install libsecret\`) and restart ObjectDesk. ${envHint}`
        : `Reinstall ObjectDesk (its keychain module is missing or was built for another platform). ${envHint}`,
  };
}

export function diagnoseKeychainFailure(message: string, account?: string): Unavailable {
  const envHint = envRoute(account);
  const m = message.split('\n')[0];
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect|Connection refused|No such file or directory|Address does not contain/i.test(m)) {
    return {
      ok: false,
      reason: `No OS keychain is available: there is no D-Bus session here, so no Secret Service can store passwords (typical of a headless Linux, a container or CI). ${details(m)}`,
      howToFix: `${LINUX_START} ${envHint}`,
    };
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files|Secret Service/i.test(m)) {
    return {
      ok: false,
      reason: `No OS keychain is available: D-Bus runs, but no Secret Service (gnome-keyring, KWallet) answers on it. ${details(m)}`,
      howToFix: `Install and start gnome-keyring (\`apt-get install gnome-keyring\`) or KWallet. ${LINUX_START} ${envHint}`,
    };
  }
  if (/collection\/login|does not exist at path/i.test(m)) {
    return {
      ok: false,
      reason: `The OS keychain has no login keyring to store passwords in (a Secret Service runs, but nobody has created or unlocked the default keyring in this session). ${details(m)}`,
      howToFix: `Log in to a desktop session once so the login keyring is created, or unlock one (for gnome-keyring: \`echo -n <password> | gnome-keyring-daemon --unlock --replace\`). ${envHint}`,
    };
  }
  if (/locked|prompt|dismissed|cancel/i.test(m)) {
    return {
      ok: false,
      reason: `The OS keychain is locked and could not be unlocked (no desktop prompt could be shown). ${details(m)}`,
      howToFix: `Unlock your login keyring (for gnome-keyring: \`echo -n <login password> | gnome-keyring-daemon --unlock --replace\`). ${envHint}`,
    };
  }
  if (/timed out|did not answer/i.test(m)) {
    return {
      ok: false,
      reason: `The OS keychain did not answer. ${details(m)}`,
      howToFix: `Check that the keychain service (service name "${SECRET_SERVICE}") is running and not waiting on a hidden prompt. ${envHint}`,
    };
  }
  return {
    ok: false,
    reason: `The OS keychain refused the request: ${m}`,
    howToFix: `Check that your keychain is running and unlocked. ${envHint}`,
  };
}
