// Types of build/fuses.mjs for the TypeScript tests that import it.
export type FuseSettings = Readonly<Record<string, boolean>>;
export const releaseFuses: FuseSettings;
export function fusesFor(options?: { forPlaywright?: boolean }): FuseSettings;
export function fuseOptionName(name: string): string;
