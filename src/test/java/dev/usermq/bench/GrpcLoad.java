package dev.usermq.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.usermq.proto.user.v1.GetUserByThirdAuthRequest;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.proto.user.v1.UserServiceGrpc;
import dev.usermq.proto.user.v1.UserServiceGrpc.UserServiceFutureStub;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A load generator for {@code user.v1.UserService}: grpc-java future stubs over a few channels (one
 * HTTP/2 connection each, calls spread round-robin), latencies in an HdrHistogram (microseconds).
 *
 * <ul>
 *   <li>{@link #closedLoop}: at most {@code concurrency} calls in flight, each completion starts
 *       the next one, until {@code maxCalls} calls or the duration: the highest rate the service
 *       keeps up with at that concurrency. Latency is from a call's start to its answer.
 *   <li>{@link #openLoop}: calls start at fixed intervals whatever the answers do, and latency is
 *       measured from the time a call was due, not the time it was sent, so that a stall of the
 *       service (or of this generator) counts against every call it delayed (no coordinated
 *       omission).
 * </ul>
 *
 * Calls run asynchronously and answers are handled on the channels' event loops, so the generator
 * needs little CPU of its own and no thread per call in flight.
 */
public final class GrpcLoad implements AutoCloseable {

  /** One call of the workload: the {@code n}-th call of a run. */
  @FunctionalInterface
  public interface Call {
    ListenableFuture<?> start(UserServiceFutureStub stub, long n);
  }

  /** {@code GetUser} of the ids, in their order, round and round. */
  public static Call getUser(List<Long> ids) {
    GetUserRequest[] requests =
        ids.stream()
            .map(id -> GetUserRequest.newBuilder().setUserId(id).build())
            .toArray(GetUserRequest[]::new);
    return (stub, n) -> stub.getUser(requests[(int) (n % requests.length)]);
  }

  /** {@code GetUserByThirdAuth} of the accounts ({@code platform, open_id}), round and round. */
  public static Call getUserByThirdAuth(String platform, List<String> openIds) {
    GetUserByThirdAuthRequest[] requests =
        openIds.stream()
            .map(
                o ->
                    GetUserByThirdAuthRequest.newBuilder()
                        .setPlatform(platform)
                        .setOpenId(o)
                        .build())
            .toArray(GetUserByThirdAuthRequest[]::new);
    return (stub, n) -> stub.getUserByThirdAuth(requests[(int) (n % requests.length)]);
  }

  /** What a run measured. Latencies in microseconds. */
  public record Result(
      String name,
      String mode,
      long calls,
      Map<Status.Code, Long> errorsByStatus,
      double seconds,
      Histogram latencyMicros,
      double clientCpuSeconds,
      Histogram hiccupMicros,
      long[] worstMicrosPerSlot) {

    /** The width of a slot of {@link #worstMicrosPerSlot}: calls by the time they were due. */
    public static final long SLOT_MILLIS = 100;

    public long errors() {
      return errorsByStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    public double callsPerSecond() {
      return calls / seconds;
    }

    public double p50Millis() {
      return latencyMicros.getValueAtPercentile(50) / 1000.0;
    }

    public double p99Millis() {
      return latencyMicros.getValueAtPercentile(99) / 1000.0;
    }

    public double p999Millis() {
      return latencyMicros.getValueAtPercentile(99.9) / 1000.0;
    }

    public double maxMillis() {
      return latencyMicros.getMaxValue() / 1000.0;
    }

    /**
     * The 99th percentile of how late a thread of this JVM woke up from a 1 ms sleep during the
     * run: the stalls the machine (other processes, GC of this JVM) imposed on the client, which
     * the service's process suffers alike.
     */
    public double hiccupP99Millis() {
      return hiccupMicros.getValueAtPercentile(99) / 1000.0;
    }

    public double hiccupMaxMillis() {
      return hiccupMicros.getMaxValue() / 1000.0;
    }

    @Override
    public String toString() {
      return String.format(
          "%s (%s): %d calls in %.1f s = %.0f calls/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
              + " max %.2f ms, errors %s; client CPU %.1f s, hiccups p99 %.2f ms, max %.2f ms",
          name,
          mode,
          calls,
          seconds,
          callsPerSecond(),
          p50Millis(),
          p99Millis(),
          p999Millis(),
          maxMillis(),
          errorsByStatus,
          clientCpuSeconds,
          hiccupP99Millis(),
          hiccupMaxMillis());
    }
  }

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<UserServiceFutureStub> stubs = new ArrayList<>();
  private final Duration callDeadline;

  /**
   * @param channels connections to open to the service
   * @param callDeadline the deadline of every call
   */
  public GrpcLoad(String host, int port, int channels, Duration callDeadline) {
    this.callDeadline = callDeadline;
    for (int i = 0; i < channels; i++) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
              // answers are handled on the event loop: recording one is cheap and never blocks
              .directExecutor()
              .build();
      this.channels.add(channel);
      stubs.add(UserServiceGrpc.newFutureStub(channel));
    }
  }

  /**
   * At most {@code concurrency} calls in flight until {@code maxCalls} calls were started or the
   * duration is over, whichever comes first.
   */
  public Result closedLoop(
      String name, Call call, int concurrency, long maxCalls, Duration duration)
      throws InterruptedException {
    Run run = new Run(call);
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    AtomicLong started = new AtomicLong();
    CountDownLatch chains = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Runnable() {
        @Override
        public void run() {
          long n = started.getAndIncrement();
          long now = System.nanoTime();
          if (n >= maxCalls || now - end >= 0) {
            chains.countDown();
            return;
          }
          run.start(n, now, this);
        }
      }.run();
    }
    awaitOrFail(chains, duration);
    long elapsed = run.lastAnswer.get() - start;
    return run.result(name, "closed loop, " + concurrency + " in flight", elapsed, cpu0);
  }

  /** Calls due every {@code 1/rate} seconds for the duration, whatever the answers do. */
  public Result openLoop(String name, Call call, double ratePerSecond, Duration duration)
      throws InterruptedException {
    Run run = new Run(call);
    long cpu0 = processCpuNanos();
    double interval = 1e9 / ratePerSecond;
    long calls = (long) (duration.toNanos() / interval);
    long start = System.nanoTime();
    for (long n = 0; n < calls; n++) {
      long due = start + (long) (n * interval);
      long now;
      while ((now = System.nanoTime()) - due < 0) {
        LockSupport.parkNanos(due - now);
      }
      run.start(n, due, null);
    }
    awaitOrFail(run.allAnswered(calls), duration);
    long elapsed = run.lastAnswer.get() - start;
    return run.result(
        name, String.format("open loop, %.0f calls/s offered", ratePerSecond), elapsed, cpu0);
  }

  /** Waits for the answers, up to the run's duration plus a call's deadline. */
  private void awaitOrFail(CountDownLatch done, Duration duration) throws InterruptedException {
    if (!done.await(
        duration.plus(callDeadline).plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("calls still unanswered after their deadline");
    }
  }

  /** The state of one run. */
  private final class Run {
    final Call call;
    final Recorder latencies = new Recorder(3);
    final Hiccups hiccups = Hiccups.begin();
    final LongAdder answered = new LongAdder();
    final Map<Status.Code, LongAdder> errors = new ConcurrentHashMap<>();
    final AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
    final long started = System.nanoTime();
    final AtomicLongArray worst = new AtomicLongArray(36_000);
    volatile CountDownLatch allAnswered;
    volatile long expected = Long.MAX_VALUE;

    Run(Call call) {
      this.call = call;
    }

    /**
     * Starts call {@code n}; its latency counts from {@code since}. {@code next} runs once it is
     * answered (closed loop).
     */
    void start(long n, long since, Runnable next) {
      UserServiceFutureStub stub =
          stubs
              .get((int) (n % stubs.size()))
              .withDeadlineAfter(callDeadline.toNanos(), TimeUnit.NANOSECONDS);
      ListenableFuture<?> answer;
      try {
        answer = call.start(stub, n);
      } catch (RuntimeException e) {
        answered(since, Status.fromThrowable(e).getCode(), next);
        return;
      }
      Futures.addCallback(
          answer,
          new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
              answered(since, null, next);
            }

            @Override
            public void onFailure(Throwable t) {
              answered(since, Status.fromThrowable(t).getCode(), next);
            }
          },
          MoreExecutors.directExecutor());
    }

    private void answered(long since, Status.Code error, Runnable next) {
      long now = System.nanoTime();
      latencies.recordValue(Math.max(0, (now - since) / 1_000));
      lastAnswer.accumulateAndGet(now, Math::max);
      int slot = (int) ((since - started) / (Result.SLOT_MILLIS * 1_000_000));
      if (slot >= 0 && slot < worst.length()) {
        worst.accumulateAndGet(slot, (now - since) / 1_000, Math::max);
      }
      if (error != null) {
        errors.computeIfAbsent(error, c -> new LongAdder()).increment();
      }
      answered.increment();
      CountDownLatch all = allAnswered;
      if (all != null && answered.sum() >= expected) {
        all.countDown();
      }
      if (next != null && error == null) {
        // in the root context, not the answered call's: contexts would otherwise chain, each call
        // a child of the one before
        Context.ROOT.run(next);
      } else if (next != null) {
        // a failed call may be answered at once, on this stack: the next one starts on another
        // thread, so that a run of failures cannot overflow the stack
        ForkJoinPool.commonPool().execute(Context.ROOT.wrap(next));
      }
    }

    /** A latch that opens once {@code calls} calls were answered. */
    CountDownLatch allAnswered(long calls) {
      CountDownLatch latch = new CountDownLatch(1);
      expected = calls;
      allAnswered = latch;
      if (answered.sum() >= calls) {
        latch.countDown();
      }
      return latch;
    }

    /** The worst latency of the calls due in each slot of the run. */
    long[] worstPerSlot(long elapsedNanos) {
      int slots =
          (int) Math.min(worst.length(), elapsedNanos / (Result.SLOT_MILLIS * 1_000_000) + 1);
      long[] out = new long[slots];
      for (int i = 0; i < slots; i++) {
        out[i] = worst.get(i);
      }
      return out;
    }

    Result result(String name, String mode, long elapsedNanos, long cpu0) {
      Map<Status.Code, Long> byStatus = new EnumMap<>(Status.Code.class);
      errors.forEach((code, count) -> byStatus.put(code, count.sum()));
      Histogram histogram = latencies.getIntervalHistogram();
      return new Result(
          name,
          mode,
          histogram.getTotalCount(),
          byStatus,
          elapsedNanos / 1e9,
          histogram,
          (processCpuNanos() - cpu0) / 1e9,
          hiccups.end(),
          worstPerSlot(elapsedNanos));
    }
  }

  /** A thread that sleeps 1 ms at a time and records how much later than that it woke up. */
  private static final class Hiccups extends Thread {
    private final Recorder late = new Recorder(3);
    private volatile boolean running = true;

    static Hiccups begin() {
      Hiccups h = new Hiccups();
      h.setDaemon(true);
      h.setName("grpc-load-hiccups");
      h.start();
      return h;
    }

    @Override
    public void run() {
      while (running) {
        long before = System.nanoTime();
        LockSupport.parkNanos(1_000_000);
        late.recordValue(Math.max(0, (System.nanoTime() - before - 1_000_000) / 1_000));
      }
    }

    Histogram end() {
      running = false;
      try {
        join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return late.getIntervalHistogram();
    }
  }

  /** CPU time of this JVM (the generator and whatever else runs in it). */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      c.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
