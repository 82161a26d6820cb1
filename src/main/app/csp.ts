/**
 * The renderer's Content-Security-Policy, used by both the Electron window and the headless host. No
 * remote content of any kind: scripts, styles, images and connections are the app's own.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets inline style attributes (virtualised rows, chart sizes); no inline <style>/<script> tags are ours.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
