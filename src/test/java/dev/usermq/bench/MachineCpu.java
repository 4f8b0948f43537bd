package dev.usermq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time of the whole machine so far, from the first line of {@code /proc/stat}: how long all
 * its CPUs were busy (user, nice, system, interrupts) and how long they were there at all, idle,
 * waiting for I/O and stolen by the host included. Two readings give what a phase cost the machine:
 * the system measured, its servers, the benchmark itself and anything else that ran.
 */
record MachineCpu(long busyTicks, long totalTicks) {

  /** The machine's CPU time now. */
  static MachineCpu now() {
    try {
      // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is
      // counted in user and nice already
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] ticks = new long[9];
      for (int i = 1; i < ticks.length && i < fields.length; i++) {
        ticks[i] = Long.parseLong(fields[i]);
      }
      long busy = ticks[1] + ticks[2] + ticks[3] + ticks[6] + ticks[7];
      return new MachineCpu(busy, busy + ticks[4] + ticks[5] + ticks[8]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The busy CPU time between {@code earlier} and this reading, in milliseconds. */
  double busyMillisSince(MachineCpu earlier) {
    return (busyTicks - earlier.busyTicks) * 1_000.0 / ProcessMeter.CLOCK_TICKS;
  }

  /** The share of the machine's CPU time that was busy between {@code earlier} and this reading. */
  double busyShareSince(MachineCpu earlier) {
    long total = totalTicks - earlier.totalTicks;
    return total > 0 ? (double) (busyTicks - earlier.busyTicks) / total : Double.NaN;
  }
}
