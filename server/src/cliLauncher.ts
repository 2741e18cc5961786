#!/usr/bin/env node
/**
 * The `logwarden` command (dist/cli.js). Loading the CLI takes ~75 ms (compiling and
 * initialising its bundle, dist/cliMain.js); so does starting a big file's reader thread. This
 * small entry starts that thread first, when the arguments name a file big enough for one,
 * then loads the CLI and hands it the thread (see prestartReaderThread).
 */
import * as path from 'node:path';
import { prestartReaderThread } from './io/readerThread';

const readerThread = prestartReaderThread(process.argv.slice(2));
// Not bundled in: a separate file, loaded only now.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cli = require(path.join(__dirname, 'cliMain.js')) as typeof import('./cli');
cli.main({ readerThread });
