/**
 * Bench output: markdown tables, number formats, and bench/RESULTS.md, where each section's
 * block is replaced when that section runs again so one file holds the latest of each.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** Nanoseconds as microseconds with sensible precision. */
export function micros(ns: number): string {
  const us = ns / 1000;
  return us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

/** A ratio with three significant digits. */
export function ratio(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** An integer with thousands separators. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** "met" or "MISSED by X" for a figure that must stay at or below / at or above a target. */
export function verdict(value: number, target: number, direction: 'at-most' | 'at-least'): string {
  const met = direction === 'at-most' ? value <= target : value >= target;
  if (met) return 'met';
  const shortfall =
    direction === 'at-most' ? `${ratio(value / target)}× over` : `${ratio(target - value)} short`;
  return `**MISSED** (${shortfall})`;
}

const HEADER = [
  '# Benchmark results',
  '',
  'Written by `npm run bench` (bench/run.ts). Each section is replaced when it runs again',
  '(`npm run bench -- <section>`); every figure in a section comes from one run on the machine',
  'named in it, and targets (docs/architecture.md section 10) are judged on ratios measured in that run.',
  '',
];

/**
 * Replace (or add) the block of `section` in the results file, keeping the other sections'
 * latest blocks; blocks appear in `order`.
 */
export function writeSection(
  file: string,
  section: string,
  lines: readonly string[],
  order: readonly string[],
): void {
  const blocks = new Map<string, string>();
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const match of current.matchAll(
    /<!-- bench:([a-z-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g,
  )) {
    blocks.set(match[1] as string, match[2] as string);
  }
  blocks.set(section, lines.join('\n'));
  const names = [
    ...order.filter((name) => blocks.has(name)),
    ...[...blocks.keys()].filter((name) => !order.includes(name)),
  ];
  const body = names.map(
    (name) => `<!-- bench:${name} -->\n${blocks.get(name)}\n<!-- /bench:${name} -->`,
  );
  writeFileSync(file, `${[...HEADER, body.join('\n\n')].join('\n')}\n`);
}
