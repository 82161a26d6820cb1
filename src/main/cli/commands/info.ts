/** `objectdesk info`: version, workspace, signed-in user and load problems, through the API as the CLI. */
import { createApi } from '../../api';
import type { AppInfo } from '../../../shared/api/contract';
import { openContext, type GlobalOptions } from '../global-options';
import { println, type CliIO } from '../io';

export async function runInfo(opts: GlobalOptions, io: CliIO): Promise<number> {
  const app = await openContext(opts, 'cli');
  try {
    const api = createApi(app);
    const info = (await api.call('app.info', {}, { user: app.user.name, via: 'cli', reason: 'objectdesk info' })) as AppInfo;
    if (opts.json) {
      println(io.out, JSON.stringify(info, null, 2));
    } else {
      println(io.out, `ObjectDesk ${info.version}`);
      println(io.out, `Workspace: ${info.workspace.name} (${info.workspace.path})`);
      println(io.out, `Objects:   ${info.workspace.objectCount}`);
      println(io.out, `User:      ${info.user.label} (${info.user.name})${info.user.admin ? ', admin' : ''}`);
      if (info.workspace.problems.length) {
        println(io.out, `Problems:  ${info.workspace.problems.length} — run \`objectdesk validate\` to see them`);
      }
    }
    return info.workspace.problems.length ? 1 : 0;
  } finally {
    await app.close();
  }
}
