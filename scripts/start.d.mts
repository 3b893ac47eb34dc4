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
export const nativeModules: Readonly<Record<string, string>>;
export const electronNativeDir: string;
export const NATIVE_STAMP_FILE: string;
export const ELECTRON_HEADERS_URL: string;
export interface NativeBuildTarget {
  electron: string;
  platform: string;
  arch: string;
  modules: Record<string, string>;
}
export function nativeBuildTarget(options: {
  electronVersion: string;
  platform?: string;
  arch?: string;
  modulesRoot?: string;
}): NativeBuildTarget;
export function readNativeStamp(directory?: string): NativeBuildTarget | null;
export function nativeBinariesPresent(directory?: string): boolean;
export function electronRebuildReason(options: {
  stamp: NativeBuildTarget | null;
  target: NativeBuildTarget;
  binariesPresent: boolean;
}): string | null;
export function findNodeGyp(options?: {
  env?: NodeJS.ProcessEnv;
  exists?: (path: string) => boolean;
  execPath?: string;
}): string | null;
export interface BuildStep {
  command: string;
  args: string[];
}
export function electronBuildSteps(options: {
  electronVersion: string;
  nodeGyp: string | null;
  arch?: string;
  platform?: string;
}): BuildStep[];
export function electronBuildEnvironment(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function ensureElectronNativeModules(options: {
  electronVersion: string;
  log?: (line: string) => void;
}): boolean;
