/**
 * Internal: a description of the machine a benchmark ran on.
 *
 * @module
 */

/** What BENCHMARKS.md prints about the machine. */
export interface MachineInfo {
  /** ISO date and time of the run. */
  date: string;
  /** Logical cores. */
  cores: number;
  /** CPU model name, from /proc/cpuinfo when readable. */
  cpu: string;
  /** Total memory in GiB. */
  ramGiB: number;
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** Operating system and kernel. */
  os: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine). */
  loadavg: number[];
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  let cpu = "unknown";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = info.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? cpu;
  } catch { /* not Linux */ }
  return {
    date: new Date().toISOString(),
    cores: navigator.hardwareConcurrency,
    cpu,
    ramGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30 * 10) / 10,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    loadavg: Deno.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
