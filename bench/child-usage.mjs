// Preloaded into a measured process (node --import): at exit, writes its peak resident set size
// (getrusage ru_maxrss, which counts every thread of the process, onnxruntime's included) and its
// CPU time to the file named by BENCH_USAGE_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKiB: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime }) + '\n');
  });
}
