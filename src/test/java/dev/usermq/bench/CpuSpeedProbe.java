package dev.usermq.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * How much CPU time the same piece of work takes, over a benchmark run: a thread of the test JVM
 * sorts the same 50,000 integers twice a second and keeps the thread CPU time each sort took. On a
 * virtual machine that figure moves with what the host gives its virtual CPUs (another tenant on a
 * core's other hardware thread, a lower clock, the caches shared), and the CPU a record of every
 * system measured at the same time moves with it. {@link #slowdown(long, long)} gives it for a
 * window: the median of the sorts in it divided by their median on the idle machine, measured when
 * the probe starts.
 *
 * <p>It costs the machine about 1 % of one core.
 */
final class CpuSpeedProbe implements AutoCloseable {

  private static final int SIZE = 50_000;
  private static final long INTERVAL_MILLIS = 500;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final int[] unsorted = new SplittableRandom(42).ints(SIZE).toArray();
  private final int[] work = new int[SIZE];
  private final List<Sample> samples = new ArrayList<>();
  private final double idleNanos;
  private final Thread thread;

  private CpuSpeedProbe() {
    // compiled first, then measured on the idle machine
    for (int i = 0; i < 200; i++) {
      sortOnce();
    }
    this.idleNanos =
        ThroughputBenchIT.median(LongStream.generate(this::sortOnce).limit(41).asDoubleStream());
    this.thread = new Thread(this::run, "cpu-speed-probe");
    this.thread.setDaemon(true);
  }

  /** Measures the idle machine, then goes on in the background. */
  static CpuSpeedProbe start() {
    CpuSpeedProbe probe = new CpuSpeedProbe();
    probe.thread.start();
    return probe;
  }

  /** The sort's CPU time on the idle machine, in microseconds. */
  double idleMicros() {
    return idleNanos / 1_000.0;
  }

  /**
   * The median CPU time of the sorts between the two {@link System#nanoTime()}s, divided by the
   * idle machine's: 1.25 means the same work took a quarter more CPU; NaN without a sort in the
   * window.
   */
  double slowdown(long fromNanos, long toNanos) {
    synchronized (samples) {
      return ThroughputBenchIT.median(
              samples.stream()
                  .filter(s -> s.at() >= fromNanos && s.at() <= toNanos)
                  .mapToDouble(Sample::cpuNanos))
          / idleNanos;
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      long cpu = sortOnce();
      synchronized (samples) {
        samples.add(new Sample(System.nanoTime(), cpu));
      }
      try {
        TimeUnit.MILLISECONDS.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One sort of the same numbers; the thread CPU time it took, in nanoseconds. */
  private long sortOnce() {
    System.arraycopy(unsorted, 0, work, 0, SIZE);
    long before = threads.getCurrentThreadCpuTime();
    Arrays.sort(work);
    return threads.getCurrentThreadCpuTime() - before;
  }

  /** One sort: when it ended ({@link System#nanoTime()}) and the thread CPU time it took. */
  private record Sample(long at, long cpuNanos) {}
}
