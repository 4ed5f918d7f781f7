// npm run --silent hash-password < password.txt : prints a scrypt hash for DEV_USERS_FILE (see src/oauth/hash-password-command.ts).
import { runHashPasswordCommand } from '../oauth/hash-password-command.js';

/** Reads a line at the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

try {
  process.exitCode = await runHashPasswordCommand(process.argv.slice(2), {
    stdin: process.stdin,
    ask: process.stdin.isTTY ? askHidden : undefined,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
