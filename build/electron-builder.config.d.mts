// Types of build/electron-builder.config.mjs for the TypeScript tests that import it.
export function desktopEntry(text?: string): Record<string, string>;
declare const config: {
  files: string[];
  electronFuses: Readonly<Record<string, boolean>>;
  mac: { entitlements: string; entitlementsInherit: string; hardenedRuntime: boolean };
  linux: { desktop: { entry: Record<string, string> } };
  [key: string]: unknown;
};
export default config;
