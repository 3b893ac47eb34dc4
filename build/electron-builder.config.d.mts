// Types of build/electron-builder.config.mjs for the TypeScript tests that import it.
export function desktopEntry(text?: string): Record<string, string>;
export const MESH_URI_SCHEME: string;
export const packagedNodeModules: string[];
export function notarizeFromEnvironment(env?: Record<string, string | undefined>): boolean;
declare const config: {
  files: string[];
  afterPack: string;
  npmRebuild: boolean;
  protocols: Array<{ name: string; schemes: string[] }>;
  mac: {
    entitlements: string;
    entitlementsInherit: string;
    hardenedRuntime: boolean;
    notarize: boolean;
  };
  linux: { desktop: { entry: Record<string, string> }; syncDesktopName: boolean };
  deb: { depends: string[] };
  [key: string]: unknown;
};
export default config;
