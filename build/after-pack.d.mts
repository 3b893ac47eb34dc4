// Types of build/after-pack.mjs for the TypeScript tests that import it.
export const PLACEHOLDER_MARKER: string;
export const FUSES_NODE_MAJOR: number;
export const LINUX_DESKTOP_FOLDER: string;
export function fusePlan(options: {
  placeholder: boolean;
  platform: string;
  arch: string;
  nodeVersion?: string;
  forPlaywright?: boolean;
}): { skip: string } | { fuses: Record<string, boolean> };
declare function afterPack(context: unknown): Promise<void>;
export default afterPack;
