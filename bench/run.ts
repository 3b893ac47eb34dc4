/**
 * `npm run bench [-- <section>...]`: the performance targets of docs/architecture.md section 10,
 * measured as ratios within one run, with the machine and date beside them; printed and written to
 * bench/RESULTS.md (each section's block replaced). Sections: proofs, verify, http, publish,
 * sync, renderer, cli, lookups. Traffic goes to
 * 127.0.0.1 only; every measurement bounds its own time.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, formatMachine } from './machine';
import { writeSection } from './report';
import type { BenchSection } from './section';
import { approvalSection } from './sections/approval';
import { cliSection } from './sections/cli';
import { lookupsSection } from './sections/lookups';
import { httpSection } from './sections/http';
import { proofsSection } from './sections/proofs';
import { publishSection } from './sections/publish';
import { rendererSection } from './sections/renderer';
import { syncSection } from './sections/sync';
import { verifySection } from './sections/verify';

const sections: readonly BenchSection[] = [
  proofsSection,
  verifySection,
  httpSection,
  publishSection,
  syncSection,
  rendererSection,
  cliSection,
  lookupsSection,
  approvalSection,
];
const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.filter((arg) => !arg.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: npm run bench [-- ${sections.map((s) => s.name).join('|')} ...]`);
    return 0;
  }
  const unknown = names.filter((name) => !sections.some((section) => section.name === name));
  if (unknown.length > 0) {
    console.error(
      `unknown bench section ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const selected = names.length === 0 ? sections : sections.filter((s) => names.includes(s.name));
  const started = performance.now();
  for (const section of selected) {
    const machine = describeMachine();
    console.log(`\n## ${section.title}\n`);
    const sectionStart = performance.now();
    const body = await section.run((line) => console.log(line));
    const seconds = ((performance.now() - sectionStart) / 1000).toFixed(0);
    const lines = [
      `## ${section.title}`,
      '',
      `${formatMachine(machine)} Section took ${seconds} s; load average ${os.loadavg()[0]?.toFixed(2)} at end.`,
      '',
      ...body,
    ];
    console.log(['', ...lines.slice(2)].join('\n'));
    writeSection(
      RESULTS_FILE,
      section.name,
      lines,
      sections.map((s) => s.name),
    );
  }
  const total = ((performance.now() - started) / 1000).toFixed(0);
  console.log(
    `\nbench finished in ${total} s; results in ${path.relative(process.cwd(), RESULTS_FILE)}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
