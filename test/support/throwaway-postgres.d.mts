// Types of test/support/throwaway-postgres.mjs for the TypeScript that imports it (the bench).
export function findPostgresBin(): string | undefined;
export function startThrowawayPostgres():
  { readonly url: string; stop(): void } | { readonly skipped: string };
