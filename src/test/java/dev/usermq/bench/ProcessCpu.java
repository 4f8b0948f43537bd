package dev.usermq.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time processes and their threads used so far, from {@code /proc/<pid>/stat} and {@code
 * /proc/<pid>/task/<tid>/stat} (user plus system time, in the machine's clock ticks). Two readings
 * give what each process, and each group of a process's threads, took during a phase.
 *
 * <p>A thread is known by the name the kernel keeps for it, the first 15 characters of the Java
 * thread's name, without the digits at its end that number threads of the same kind: Camel's
 * threads ({@code Camel (camel-1)}, the consumers among them), {@code plain-consumer}, {@code
 * kafka-producer}, {@code grpc-default-wo}, {@code lettuce-epollEv}, {@code C1 CompilerThre} and so
 * on. A thread that ended between the readings is not counted.
 */
final class ProcessCpu {

  private ProcessCpu() {}

  /** The user plus system CPU seconds the process used so far; -1 once it is gone. */
  static double seconds(long pid) {
    try {
      return inSeconds(ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (IOException gone) {
      return -1;
    }
  }

  /** The CPU seconds of each named process; a process that is gone is left out. */
  static Map<String, Double> seconds(Map<String, Long> pids) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    pids.forEach(
        (name, pid) -> {
          double used = seconds(pid);
          if (used >= 0) {
            seconds.put(name, used);
          }
        });
    return seconds;
  }

  /** The CPU seconds of the process's threads by thread id, each with its group's name. */
  static Map<Long, ThreadTime> threads(long pid) {
    Map<Long, ThreadTime> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        Path stat = task.resolve("stat");
        String line;
        try {
          line = Files.readString(stat);
        } catch (IOException gone) {
          continue;
        }
        long ticks = ticks(line);
        if (ticks >= 0) {
          threads.put(
              Long.parseLong(task.getFileName().toString()),
              new ThreadTime(group(line), inSeconds(ticks)));
        }
      }
    } catch (IOException gone) {
      // the process has exited
    }
    return threads;
  }

  /**
   * The CPU seconds each group of threads took between two readings of {@link #threads}, most
   * first; a thread that started in between counts from nothing.
   */
  static Map<String, Double> threadGroupsSince(
      Map<Long, ThreadTime> earlier, Map<Long, ThreadTime> later) {
    Map<String, Double> byGroup = new TreeMap<>();
    later.forEach(
        (tid, now) -> {
          ThreadTime before = earlier.get(tid);
          double used = now.seconds() - (before != null ? before.seconds() : 0);
          byGroup.merge(now.group(), used, Double::sum);
        });
    Map<String, Double> sorted = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** A thread's group and the CPU seconds it used so far. */
  record ThreadTime(String group, double seconds) {}

  /** Ticks as seconds; -1 stays -1, a stat line that could not be read. */
  private static double inSeconds(long ticks) {
    return ticks < 0 ? -1 : (double) ticks / ProcessMeter.CLOCK_TICKS;
  }

  /** The user plus system ticks in a stat line; -1 when it is not one. */
  private static long ticks(String stat) {
    try {
      // the name in brackets may hold spaces and brackets; the fields after the last one are fixed
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (RuntimeException malformed) {
      return -1;
    }
  }

  /**
   * The thread's name from its stat line, without the digits that number threads of a kind at its
   * end.
   */
  private static String group(String stat) {
    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return name.replaceAll("[-#_ 0-9]+$", "");
  }
}
