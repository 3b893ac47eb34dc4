// Types of scripts/start.mjs for the TypeScript tests that import it.
export interface ElectronBinary {
  found: boolean;
  path: string;
  version: string;
}
export function locateElectronBinary(options?: {
  env?: NodeJS.ProcessEnv;
  platform?: string;
}): ElectronBinary;
export function missingElectronMessage(binary: { path: string; version: string }): string;
