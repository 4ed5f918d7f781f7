// npm run token -- --scope "read create" : prints an access token (see src/oauth/token-command.ts).
import { runTokenCommand } from '../oauth/token-command.js';

process.exitCode = await runTokenCommand(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
