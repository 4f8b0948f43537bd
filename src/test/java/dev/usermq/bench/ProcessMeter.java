package dev.usermq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Memory and CPU of a running process, from {@code /proc/<pid>}: its peak resident set ({@code
 * VmHWM}, sampled while it runs, since the file is gone once it exited) and the CPU time it used.
 */
final class ProcessMeter implements AutoCloseable {

  static final long CLOCK_TICKS = clockTicks();

  private final long pid;
  private final Thread sampler;
  private volatile long peakKb;
  private volatile boolean running = true;

  ProcessMeter(long pid) {
    this.pid = pid;
    this.sampler =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "meter-" + pid);
    sampler.setDaemon(true);
    sampler.start();
  }

  /** The peak resident set so far in KiB; read it before the process is stopped. */
  long peakRssKb() {
    sample();
    return peakKb;
  }

  /** User plus system CPU time the process used so far, in seconds; -1 once it is gone. */
  double cpuSeconds() {
    return ProcessCpu.seconds(pid);
  }

  private synchronized void sample() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          peakKb = Math.max(peakKb, kb);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process has exited: the last sample stands
    }
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      getconf.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
