/**
 * Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own).
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { isolatedEnv, type RunFolders } from './codeServer';

export const CHROMIUM = process.env.LW_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(run: RunFolders): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set LW_CHROMIUM)`);
  const profile = path.join(run.root, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: isolatedEnv(run) as Record<string, string>,
    // No sandbox: CI runs as root. The rest keeps Chromium from reaching out to the network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
