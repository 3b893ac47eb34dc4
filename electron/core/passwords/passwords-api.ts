/**
 * `device.passwords` (docs/core-api.md) over the password application: summaries and details
 * without the password or the TOTP secret, `reveal` for one password, `totp` for the current
 * code, and changes, import, export and settings. History versions are listed without their
 * passwords: `passwordChanged` says whether a version's password differed from the one after it.
 */
import type { PasswordEntry } from '../../../shared/apps/password-entry';
import { MeshError } from '../../../shared/errors';
import type { PasswordCsvFormat } from './csv-formats';
import { entryDisplayName } from '../catalog/site-match';
import type { PasswordEntryInput } from './password-catalog';
import { generatePassphrase, generatePassword } from './password-generator';
import { estimateStrength } from './password-strength';
import { type ApiGroup, type DeviceCore, orNull } from '../session/api-group';

type Summary = Awaited<ReturnType<ApiGroup<'passwords'>['add']>>;

function summaryOf(entry: PasswordEntry): Summary {
  return {
    id: entry.Identifier,
    title: entryDisplayName(entry),
    sites: [...entry.Sites],
    username: orNull(entry.Username),
    hasPassword: entry.Password !== undefined && entry.Password !== '',
    hasTotp: entry.TOTP !== undefined && entry.TOTP !== '',
    created: entry.Created,
    updated: entry.Updated,
    updatedBy: entry.UpdatedBy,
    folder: orNull(entry.Folder),
    favorite: entry.Favorite === true,
  };
}

/** The fields of the API's entry input as the catalog's input. */
function inputOf(input: {
  title?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  notes?: string | undefined;
  totp?: string | undefined;
  folder?: string | undefined;
  favorite?: boolean | undefined;
  fields?: ReadonlyArray<{ name: string; value: string; hidden?: boolean | undefined }> | undefined;
}): Omit<PasswordEntryInput, 'Sites'> {
  return {
    ...(input.title !== undefined && { Title: input.title }),
    ...(input.username !== undefined && { Username: input.username }),
    ...(input.password !== undefined && { Password: input.password }),
    ...(input.notes !== undefined && { Notes: input.notes }),
    ...(input.totp !== undefined && { TOTP: input.totp }),
    ...(input.folder !== undefined && { Folder: input.folder.trim() }),
    ...(input.favorite !== undefined && { Favorite: input.favorite }),
    ...(input.fields !== undefined && {
      Fields: input.fields.map((field) => ({
        Name: field.name,
        Value: field.value,
        ...(field.hidden === true && { Hidden: true }),
      })),
    }),
  };
}

export function passwordsApi(core: DeviceCore): ApiGroup<'passwords'> {
  const open = () => core.applications.passwords();
  const require = async (id: string): Promise<PasswordEntry> => {
    const entry = (await open()).entry(id);
    if (entry === undefined) {
      throw new MeshError('NOT_FOUND', 'there is no password entry with this identifier', {
        field: 'id',
      });
    }
    return entry;
  };
  return {
    async list(request = {}) {
      return (await open()).list(request.query ?? '').map(summaryOf);
    },

    async get(request) {
      const entry = await require(request.id);
      const versions = [...entry.History].reverse();
      return {
        ...summaryOf(entry),
        notes: orNull(entry.Notes),
        fields: (entry.Fields ?? []).map((field) => ({
          name: field.Name,
          value: field.Hidden === true ? null : field.Value,
          hidden: field.Hidden === true,
        })),
        history: versions.map((version, position) => {
          const newer = position === 0 ? entry : versions[position - 1]!;
          return {
            title: entryDisplayName(version),
            sites: [...version.Sites],
            username: orNull(version.Username),
            notes: orNull(version.Notes),
            passwordChanged: (version.Password ?? '') !== (newer.Password ?? ''),
            updated: version.Updated,
            updatedBy: version.UpdatedBy,
          };
        }),
      };
    },

    async reveal(request) {
      const entry = await require(request.id);
      return { id: entry.Identifier, password: orNull(entry.Password) };
    },

    async revealField(request) {
      const entry = await require(request.id);
      const field = entry.Fields?.[request.index];
      if (field === undefined) {
        throw new MeshError('NOT_FOUND', 'the entry has no custom field at this position', {
          field: 'index',
        });
      }
      return { id: entry.Identifier, index: request.index, value: field.Value };
    },

    async add(request, options = {}) {
      const passwords = await open();
      return summaryOf(await passwords.add({ Sites: request.sites, ...inputOf(request) }, options));
    },

    async put(request, options = {}) {
      const passwords = await open();
      const { entry, replaced } = await passwords.put(
        { Sites: request.sites, ...inputOf(request) },
        options,
      );
      return { entry: summaryOf(entry), replaced };
    },

    async find(request) {
      return (await open())
        .find(request.site, request.username)
        .map((match) => ({ site: match.site, entry: summaryOf(match.entry) }));
    },

    async deleteBySite(request, options = {}) {
      const deleted = await (await open()).deleteBySite(request.site, request.username, options);
      return deleted.map(summaryOf);
    },

    async update(request, options = {}) {
      const passwords = await open();
      const { sites, ...rest } = request.changes;
      const changes: Partial<PasswordEntryInput> = {
        ...inputOf(rest),
        ...(sites !== undefined && { Sites: sites }),
      };
      return summaryOf(await passwords.update(request.id, changes, options));
    },

    async delete(request, options = {}) {
      await (await open()).delete([request.id], options);
      return { id: request.id };
    },

    async undelete(request, options = {}) {
      return summaryOf(await (await open()).undelete(request.id, options));
    },

    async restore(request, options = {}) {
      const entry = await require(request.id);
      const version = entry.History.find((item) => item.Updated === request.version);
      if (version === undefined) {
        throw new MeshError('NOT_FOUND', 'the entry has no earlier version of this time', {
          field: 'version',
        });
      }
      const restored = await (
        await open()
      ).update(
        entry.Identifier,
        {
          Sites: version.Sites,
          Title: version.Title ?? '',
          Username: version.Username ?? '',
          Password: version.Password ?? '',
          Notes: version.Notes ?? '',
          TOTP: version.TOTP ?? '',
          // What imports keep (kind, whole URLs, folder, favourite, custom fields) comes back too.
          Kind: version.Kind ?? 'login',
          URLs: version.URLs ?? [],
          Folder: version.Folder ?? '',
          Favorite: version.Favorite ?? false,
          Fields: version.Fields ?? [],
        },
        options,
      );
      return summaryOf(restored);
    },

    async totp(request) {
      const passwords = await open();
      const code = passwords.totp(await require(request.id));
      if (code === undefined) return null;
      return {
        code: code.code,
        remainingSeconds: code.remainingSeconds,
        period: code.period,
        digits: code.digits,
      };
    },

    async generate(request = {}) {
      const secret =
        request.kind === 'passphrase'
          ? generatePassphrase({
              ...(request.words !== undefined && { words: request.words }),
              ...(request.separator !== undefined && { separator: request.separator }),
              ...(request.capitalize !== undefined && { capitalize: request.capitalize }),
              ...(request.includeNumber !== undefined && { includeNumber: request.includeNumber }),
            })
          : generatePassword({
              ...(request.length !== undefined && { length: request.length }),
              ...(request.classes !== undefined && { classes: request.classes }),
              ...(request.excludeAmbiguous !== undefined && {
                excludeAmbiguous: request.excludeAmbiguous,
              }),
              ...(request.exclude !== undefined && { exclude: request.exclude }),
            });
      return { kind: secret.kind, secret: secret.secret, entropyBits: secret.entropyBits };
    },

    async strength(request) {
      const estimate = await estimateStrength(request.password);
      return {
        score: estimate.score,
        guessesLog10: estimate.guessesLog10,
        crackTimeDisplay: estimate.crackTimeDisplay,
        warning: estimate.feedback.warning,
        suggestions: estimate.feedback.suggestions,
      };
    },

    async import(request, options = {}) {
      const report = await (
        await open()
      ).import(request.csv, {
        signal: options.signal,
        format: request.format as PasswordCsvFormat | undefined,
        onProgress: ({ done, total }) =>
          core.context.events.emit('progress', {
            operation: 'import-passwords',
            step: 'rows',
            done,
            total,
          }),
      });
      return {
        format: report.format,
        rows: report.rows,
        added: report.added.length,
        merged: report.merged.length,
        skipped: report.skipped.map((item) => ({
          row: item.row,
          line: item.line,
          reason: item.reason,
        })),
        warnings: report.warnings.map((item) => ({
          row: item.row ?? null,
          line: item.line ?? null,
          message: item.message,
        })),
      };
    },

    async export(request = {}) {
      const passwords = await open();
      return { csv: passwords.export(request.format ?? 'bitwarden'), entries: passwords.size };
    },

    async pending() {
      return { pending: (await open()).pending };
    },

    async settings(request = {}, options = {}) {
      const passwords = await open();
      if (request.neverAsk !== undefined) await passwords.neverAsk(request.neverAsk, options);
      if (request.askAgain !== undefined) await passwords.askAgain(request.askAgain, options);
      if (request.autoGenerate !== undefined) {
        await passwords.autoGenerate(request.autoGenerate, options);
      }
      const settings = passwords.settings();
      return { neverAsk: [...settings.NeverAsk], autoGenerate: settings.AutoGenerate ?? false };
    },
  };
}
