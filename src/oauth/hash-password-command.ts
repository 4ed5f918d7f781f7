// `npm run hash-password`: a scrypt hash for a users file (DEV_USERS_FILE),
// which production mode requires instead of plain passwords. The password is
// read from standard input (piped, or typed without echo at a terminal), never
// from the command line, where shell history and `ps` would keep it. The hash
// alone goes to stdout.
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { MIN_PASSWORD_LENGTH, hashPassword } from './passwords.js';

export const HASH_PASSWORD_USAGE = `usage: npm run --silent hash-password < password.txt   (or type it when asked)
  Prints a scrypt hash ($scrypt$ln=17,r=8,p=1$…) of the password on standard input
  (its first line), for the "password" of a user in DEV_USERS_FILE.
  The password must be at least ${MIN_PASSWORD_LENGTH} characters.`;

/** Longest first line read: a password, not a file. */
const MAX_INPUT = 4096;

export interface HashPasswordIo {
  /** Where a piped password comes from. */
  stdin: Readable;
  /** At a terminal: asks for a line without echoing it (the CLI supplies it). */
  ask?(prompt: string): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

/** The first line of a stream (without its line end), or undefined when it is too long. */
async function firstLine(stream: Readable): Promise<string | undefined> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const end = text.search(/\r?\n/);
    if (end >= 0) return end <= MAX_INPUT ? text.slice(0, end) : undefined;
    if (text.length > MAX_INPUT) return undefined;
  }
  return text;
}

/** Runs the command; returns the process exit code (0 ok, 2 usage or a password refused). */
export async function runHashPasswordCommand(argv: string[], io: HashPasswordIo): Promise<number> {
  let help: boolean | undefined;
  try {
    ({ help } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values);
  } catch (error) {
    io.err(`${(error as Error).message}\n${HASH_PASSWORD_USAGE}`);
    return 2;
  }
  if (help) {
    io.out(HASH_PASSWORD_USAGE);
    return 0;
  }

  let password: string | undefined;
  if (io.ask) {
    password = await io.ask('Password: ');
    if ((await io.ask('Again: ')) !== password) {
      io.err('the two passwords differ');
      return 2;
    }
  } else {
    password = await firstLine(io.stdin);
  }
  if (password === undefined) {
    io.err(`the first line of standard input is longer than ${MAX_INPUT} characters: not a password`);
    return 2;
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    io.err(`the password must be at least ${MIN_PASSWORD_LENGTH} characters${password ? '' : ' (none was given)'}\n${HASH_PASSWORD_USAGE}`);
    return 2;
  }
  io.out(await hashPassword(password));
  return 0;
}
