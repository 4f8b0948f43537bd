package dev.usermq.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The service's throughput targets (docs/performance.md, "Where the targets stand"), read off a
 * run's figures: each target with the figures it was judged on and whether they meet it. The report
 * prints them; nothing asserts them, as the figures depend on the machine.
 */
final class Targets {

  /** Per-record mode drains at least as fast as the baseline. */
  static final double PER_RECORD_DRAIN = 1.0;

  /** Per-record mode skips duplicates at least this fraction as fast as the baseline. */
  static final double DUPLICATES = 0.8;

  /** Batch mode drains at least this many times as fast as the baseline. */
  static final double BATCH_DRAIN = 5.0;

  /** The first record is applied at most this long after the process starts. */
  static final double START_SECONDS = 5.0;

  /** The peak resident set, in MB (10^6 bytes). */
  static final double PEAK_RSS_MB = 400.0;

  /**
   * A system's figures as the targets read them: its ratios to the baseline of the same round and
   * its own start and peak RSS (medians over the rounds); NaN where the run has no such figure.
   */
  record Figures(
      String system,
      double drainRatio,
      double duplicatesRatio,
      double startSeconds,
      double peakRssMib) {

    double peakRssMb() {
      return peakRssMib * 1024 * 1024 / 1_000_000;
    }
  }

  private Targets() {}

  /**
   * One line a target, for the systems the run measured: per-record mode's figures, batch mode's,
   * either of them null when it did not run.
   */
  static List<String> judge(Figures perRecord, Figures batch) {
    List<String> lines = new ArrayList<>();
    if (perRecord != null) {
      lines.add(atLeast("per-record drain", perRecord, Figures::drainRatio, PER_RECORD_DRAIN));
      lines.add(atLeast("per-record duplicates", perRecord, Figures::duplicatesRatio, DUPLICATES));
    }
    if (batch != null) {
      lines.add(atLeast("batch mode drain", batch, Figures::drainRatio, BATCH_DRAIN));
    }
    List<Figures> services = Stream.of(perRecord, batch).filter(Objects::nonNull).toList();
    if (!services.isEmpty()) {
      lines.add(
          line(
              String.format(
                  Locale.ROOT,
                  "first record applied at most %.0f s after the start",
                  START_SECONDS),
              services,
              Figures::startSeconds,
              v -> String.format(Locale.ROOT, "%.2f s", v),
              v -> v <= START_SECONDS));
      lines.add(
          line(
              String.format(Locale.ROOT, "peak RSS at most %.0f MB", PEAK_RSS_MB),
              services,
              Figures::peakRssMb,
              v -> String.format(Locale.ROOT, "%.0f MB", v),
              v -> v <= PEAK_RSS_MB));
    }
    return lines;
  }

  /** A ratio to the baseline's that is to be at least {@code bound}. */
  private static String atLeast(
      String what, Figures system, ToDoubleFunction<Figures> ratio, double bound) {
    return line(
        what + " at least " + bound(bound) + " the baseline's",
        List.of(system),
        ratio,
        Targets::ratio,
        v -> v >= bound);
  }

  /**
   * "target: figures, met" when every system's figure meets the target, "missed" when one does not,
   * "not measured" when a figure is missing; the system is named when there are several.
   */
  private static String line(
      String target,
      List<Figures> systems,
      ToDoubleFunction<Figures> figure,
      DoubleFunction<String> format,
      DoublePredicate meets) {
    List<String> shown = new ArrayList<>();
    boolean measured = true;
    boolean met = true;
    for (Figures f : systems) {
      double value = figure.applyAsDouble(f);
      String text = Double.isNaN(value) ? "-" : format.apply(value);
      shown.add(systems.size() > 1 ? f.system() + " " + text : text);
      if (Double.isNaN(value)) {
        measured = false;
      } else if (!meets.test(value)) {
        met = false;
      }
    }
    String verdict = !met ? "missed" : measured ? "met" : "not measured";
    return target + ": " + String.join(", ", shown) + ", " + verdict;
  }

  private static String bound(double value) {
    return String.format(Locale.ROOT, "%.1fx", value);
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }
}
