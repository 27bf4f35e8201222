/**
 * siemstream CLI: serve | migrate | token | keys rotate | send-test <config_id>.
 * `npm start` runs `serve`. Every command reads the same environment as the service (README "Configuration").
 */
import { loadSettings, EnvError } from '../config/env.ts';
import { serve } from './serve.ts';
import { migrateCommand } from './migrate.ts';
import { tokenCommand } from './token.ts';
import { keysRotateCommand } from './keys-rotate.ts';
import { sendTestCommand } from './send-test.ts';

const USAGE = `usage: siemstream <command>
  serve [--role api|worker|all]           run the service (default)
  migrate                                 apply database migrations and exit
  token --org-id ID --org-slug SLUG --role owner|admin|member|viewer [--platform-admin] [--scope "events:write"] [--sub USER] [--expires-in SECONDS (3600)]
  token --platform-admin --scope "events:write" (or --scope "events:write:any-org") [--sub USER] [--expires-in SECONDS]
                                          mint a development JWT with the configured HS256 secret (the second form:
                                          a platform token, whose events name their organisation)
  keys rotate                             re-encrypt every stored secret under the first SIEM_ENCRYPTION_KEYS key
  send-test <config_id>                   send one synthetic OCSF event through a config now`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  try {
    const settings = loadSettings();
    switch (command) {
      case 'serve':
        return await serve(settings, rest);
      case 'migrate':
        return await migrateCommand(settings);
      case 'token':
        return await tokenCommand(settings, rest);
      case 'keys':
        if (rest[0] === 'rotate') return await keysRotateCommand(settings);
        break;
      case 'send-test':
        return await sendTestCommand(settings, rest);
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        break;
    }
    console.error(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof EnvError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (err as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      console.error(`siemstream: ${(err as Error).message}`);
      return 2;
    }
    console.error(`siemstream: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== -1) process.exitCode = code;
