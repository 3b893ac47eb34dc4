/**
 * The machine a bench run measured on, recorded beside every figure (docs/architecture.md section
 * 10): figures are only comparable as ratios within one run on one machine.
 */
import os from 'node:os';

export interface MachineDescription {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the section started: a busy shared machine shows here. */
  readonly loadAverage: number;
}

/** Describe this machine now. */
export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

/** One markdown line naming the machine and date. */
export function formatMachine(machine: MachineDescription): string {
  return (
    `Run ${machine.date} on ${machine.cores} × ${machine.cpuModel}, ` +
    `${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node}, ${machine.platform}; ` +
    `load average ${machine.loadAverage.toFixed(2)} at start.`
  );
}
