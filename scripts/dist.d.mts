// Types of scripts/dist.mjs for the TypeScript tests that import it.
export const releaseDir: string;
export const PLACEHOLDER_OUTPUT: string;
export function parseDistArguments(args: string[]): {
  dir: boolean;
  output: string | undefined;
  platforms: string[];
};
export function placeholderNotice(options: {
  version: string;
  path: string;
  output: string;
}): string;
export function missingElectronForInstallers(options: { version: string; path: string }): string;
export function writePlaceholderElectron(options: {
  folder: string;
  version: string;
  platform?: string;
}): string;
