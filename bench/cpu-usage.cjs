'use strict';
// Preload (`node -r`) for the benchmarks: at exit, the process's own CPU time (user + system, in
// microseconds) and peak RSS, on stderr for the parent to read: a measure that a busy machine
// disturbs far less than wall time.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nRDB_USAGE ${user + system} ${process.resourceUsage().maxRSS}\n`);
});
