// Headless Chromium for the browser tests: Debian's package (docs/development.md),
// driven by playwright-core. Without it the browser tests are skipped with a
// message on a developer's machine, and fail in CI (CI=true), where .ci/run
// installs it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { projectPath } from '../../src/paths.js';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(chromiumPath);

if (!available && process.env.CI) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);

/** `describe`, or `describe.skip` with a note when there is no Chromium here. */
export const describeInBrowser: typeof describe = available
  ? describe
  : (((name: string, fn: () => void) => {
      console.warn(`skipped "${name}": no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      describe.skip(name, fn);
    }) as typeof describe);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // Without the networking flags Chromium keeps calling Google's hosts, which this network refuses.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Where screenshots go (gitignored, kept by CI as artefacts). */
export function artifactPath(name: string): string {
  const dir = projectPath('test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
