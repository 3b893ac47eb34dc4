#!/usr/bin/env node
// The `mesh` bin: run the TypeScript CLI through tsx, no build needed (electron/cli/README.md).
import { register } from 'tsx/esm/api';

register();
await (await import('./main.ts')).main();
