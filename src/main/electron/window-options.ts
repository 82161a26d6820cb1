/**
 * The hardened BrowserWindow options. Kept free of any 'electron' import so a unit test can check them
 * exactly where the window is created from.
 */
export interface HardenedWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    experimentalFeatures: false;
    navigateOnDragDrop: false;
    spellcheck: boolean;
  };
}

export function hardenedWindowOptions(preloadPath: string, bounds?: { width: number; height: number }): HardenedWindowOptions {
  return {
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'ObjectDesk',
    backgroundColor: '#101418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The only URLs the window may show: the bundled renderer (file://) or, in `electron-vite dev`, its dev server. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  if (url.startsWith('file://')) return true;
  return Boolean(devServerUrl && url.startsWith(devServerUrl));
}
