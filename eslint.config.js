// Lint, including the import rules of the rooms (docs/architecture.md section 2).
// A file that crosses a room's wall fails `npm run lint` with "Bad layering".
import tseslint from 'typescript-eslint';

// Anchored ('/crypto'): a bare 'crypto' pattern would also forbid shared/crypto/ by relative path.
const nodeBuiltins = [
  'node:*',
  '/fs',
  '/path',
  '/os',
  '/crypto',
  '/child_process',
  '/http',
  '/https',
  '/net',
];

/**
 * Where the secrets of a device home live: the key store (seeds, private keys), the local store
 * it unlocks, and the device context that holds both (and the way to it that the core's own
 * tests use). Only electron/core reaches them; the desktop and the CLI hold a MeshDevice and use
 * its feature groups (docs/architecture.md, "One owner per open home").
 */
const keyStoreRooms = [
  '**/core/keystore/**',
  '**/core/store/**',
  '**/core/session/device-context',
  '**/core/session/device-internals',
];

/**
 * The core's inner objects that MeshDevice's feature groups stand on: the applications of a home
 * (mesh-applications.ts). The desktop and the CLI use the groups only (docs/core-api.md).
 */
const coreInsides = ['**/core/mesh-applications'];

/** What no file of electron/core imports (the core's room below). */
const coreForbidden = [
  'electron',
  'electron/*',
  '**/renderer/**',
  '**/service/**',
  '**/app/**',
  '**/cli/**',
];

/**
 * The feature folders of electron/core (electron/core/README.md). A feature imports the shared
 * layers (session/, protocol/, profile/, catalog/) and the foundations, never another feature;
 * the shared layers import no feature. Only mesh-device.ts and mesh-applications.ts, at the
 * top of the core, gather them all.
 */
const coreFeatures = ['connect', 'devices', 'escrow', 'passwords', 'mail', 'network'];
const coreSharedLayers = ['session', 'protocol', 'profile', 'catalog'];

/** Rooms of the core's features and shared layers; for one file a later rule replaces an earlier. */
function coreFeatureRooms() {
  const feature = (name) => `**/${name}/**`;
  return [
    ...coreFeatures.map((name) =>
      room(
        [`electron/core/${name}/**/*.ts`],
        [...coreForbidden, ...coreFeatures.filter((other) => other !== name).map(feature)],
        `electron/core/${name}/ is a feature: it imports shared/ and the core's shared layers (session/, protocol/, profile/, catalog/) and foundations, never another feature folder, electron, renderer/, service/, app/ or cli/`,
      ),
    ),
    room(
      coreSharedLayers.map((name) => `electron/core/${name}/**/*.ts`),
      [...coreForbidden, ...coreFeatures.map(feature)],
      'the shared layers of electron/core (session/, protocol/, profile/, catalog/) import no feature folder, nor electron, renderer/, service/, app/ or cli/',
    ),
  ];
}

/** One no-restricted-imports rule for a room: patterns it may not import, and why. */
function room(files, forbidden, why) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: forbidden, message: `Bad layering: ${why} (docs/architecture.md section 2).` },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'release/',
      '.cache/',
      'dist/',
      'dist-node/',
      'coverage/',
      'test-results/',
      'bench/.tmp/',
      '**/*.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  room(
    ['shared/**/*.ts'],
    ['**/electron/**', '**/renderer/**', '**/service/**', 'electron', ...nodeBuiltins],
    'shared/ is isomorphic and imports nothing from the other rooms',
  ),
  room(
    ['renderer/**/*.{ts,tsx}'],
    ['**/electron/**', '**/service/**', 'electron', ...nodeBuiltins],
    'renderer/ imports only shared/ and its own files',
  ),
  room(
    ['electron/core/**/*.ts'],
    coreForbidden,
    'electron/core/ imports shared/ only, never electron, renderer/, service/, app/ or cli/',
  ),
  ...coreFeatureRooms(),
  room(
    ['electron/app/**/*.ts'],
    ['**/renderer/**', '**/service/**', '**/cli/**', ...keyStoreRooms, ...coreInsides],
    'electron/app/ imports electron/core/ and shared/ only, never the key store, the local store, the device context or the applications (MeshDevice holds them; use its feature groups)',
  ),
  room(
    ['electron/cli/**/*.ts'],
    ['electron', '**/renderer/**', '**/service/**', '**/app/**', ...keyStoreRooms, ...coreInsides],
    'electron/cli/ imports electron/core/ and shared/ only, never the key store, the local store, the device context or the applications (MeshDevice holds them; use its feature groups)',
  ),
  room(
    ['service/**/*.ts'],
    ['**/electron/**', '**/renderer/**', 'electron'],
    'service/ imports shared/ only, never electron/ or renderer/',
  ),
);
