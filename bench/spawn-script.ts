import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs a module next to `from` in a child Node process: compiled JavaScript when the bench itself
 * runs compiled (`npm run bench`), TypeScript through tsx otherwise.
 */
export function spawnScript(from: string, relative: string, nodeArgs: string[], options: SpawnOptions): ChildProcess {
  const compiled = from.endsWith('.js');
  const file = fileURLToPath(new URL(compiled ? relative.replace(/\.ts$/, '.js') : relative, from));
  return spawn(process.execPath, [...nodeArgs, ...(compiled ? [] : ['--import', 'tsx']), file], options);
}
