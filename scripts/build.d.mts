// Types of scripts/build.mjs for the TypeScript tests that import it.
export const root: string;
export const distDir: string;
export const externalModules: string[];
export const nodeOnlyModules: string[];
export function buildRenderer(options?: { outDir?: string }): Promise<string>;
export function buildElectron(options?: { outDir?: string }): Promise<string>;
export const serviceExternalModules: string[];
export function buildService(options?: { outDir?: string }): Promise<string>;
export function buildAll(): Promise<void>;
export function isStale(): boolean;
export const nodeDistDir: string;
export function buildCli(options?: { outDir?: string }): Promise<string>;
export function buildNodeService(options?: { outDir?: string }): Promise<string>;
export function buildNodeBundles(): Promise<void>;
export function isNodeBundleStale(output: string): boolean;
