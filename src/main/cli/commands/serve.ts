/** `objectdesk serve`: browser mode — the headless host on 127.0.0.1 with the built renderer. */
import { createApi } from '../../api';
import { rendererBuildDir } from '../../app/version';
import { startHost } from '../../host/server';
import { workspaceDrift } from '../../introspect/workspace-drift';
import { formatDrift } from '../../introspect/diff';
import { startFlowScheduler } from '../../flows';
import { openContext, type GlobalOptions } from '../global-options';
import { println, type CliIO } from '../io';

export interface ServeOptions extends GlobalOptions {
  port?: number;
  /** Why browser mode rather than the window; printed so the user knows (e.g. no Electron binary). */
  why?: string;
}

export async function runServe(opts: ServeOptions, io: CliIO, until?: Promise<void>): Promise<number> {
  const app = await openContext({ ...opts, watch: true }, 'browser');
  const api = createApi(app);
  const host = await startHost({ api, port: opts.port ?? 0, rendererDir: rendererBuildDir() });
  // Scheduled and change-triggered flows run while the app (or `serve`) runs.
  const flows = startFlowScheduler(app, api);
  if (opts.json) {
    println(io.out, JSON.stringify({ url: host.url, origin: host.origin, port: host.port, workspace: app.workspaceName, user: app.user.name }));
  } else {
    if (opts.why) println(io.out, opts.why);
    println(io.out, `ObjectDesk is serving "${app.workspaceName}" as ${app.user.name} in browser mode.`);
    println(io.out, `Open: ${host.url}`);
    println(io.out, 'The link carries a one-time token for this launch; press Ctrl+C to stop.');
  }
  // Drift at workspace load: reported as soon as it is known, without delaying the URL.
  if (app.workspace && !opts.json) {
    void workspaceDrift(app.workspace, (name) => app.drivers.get(name)).then(
      (d) => {
        if (d.items.length) println(io.err, `Schema drift found:\n${formatDrift(d.items)}`);
        for (const u of d.unreachable) println(io.err, `Could not check ${u.datasource} for drift: ${u.message}`);
      },
      () => undefined,
    );
  }
  await (until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await flows.stop();
  await host.close();
  await app.close();
  return 0;
}
