package dev.usermq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.bench.Targets.Figures;
import org.junit.jupiter.api.Test;

class TargetsTest {

  /** As the service peaked in the benchmark: 304 MB. */
  private static final double RSS_290_MIB = 290;

  @Test
  void everyTargetMetIsSaidWithItsFigures() {
    Figures perRecord = new Figures("usermq-default", 1.22, 1.44, 4.7, RSS_290_MIB);
    Figures batch = new Figures("usermq-batch", 8.48, 3.99, 5.0, 297);

    assertThat(Targets.judge(perRecord, batch))
        .containsExactly(
            "per-record drain at least 1.0x the baseline's: 1.22x, met",
            "per-record duplicates at least 0.8x the baseline's: 1.44x, met",
            "batch mode drain at least 5.0x the baseline's: 8.48x, met",
            "first record applied at most 5 s after the start: usermq-default 4.70 s,"
                + " usermq-batch 5.00 s, met",
            "peak RSS at most 400 MB: usermq-default 304 MB, usermq-batch 311 MB, met");
  }

  @Test
  void aFigureOnTheWrongSideOfItsTargetMissesIt() {
    Figures perRecord = new Figures("usermq-default", 0.93, 0.79, 6.8, 381.5);
    Figures batch = new Figures("usermq-batch", 4.88, 3.0, 4.9, RSS_290_MIB);

    assertThat(Targets.judge(perRecord, batch))
        .containsExactly(
            "per-record drain at least 1.0x the baseline's: 0.93x, missed",
            "per-record duplicates at least 0.8x the baseline's: 0.79x, missed",
            "batch mode drain at least 5.0x the baseline's: 4.88x, missed",
            "first record applied at most 5 s after the start: usermq-default 6.80 s,"
                + " usermq-batch 4.90 s, missed",
            "peak RSS at most 400 MB: usermq-default 400 MB, usermq-batch 304 MB, missed");
  }

  @Test
  void aRunWithoutTheBaselineHasNoRatiosToJudge() {
    Figures perRecord = new Figures("usermq-default", Double.NaN, Double.NaN, 4.2, RSS_290_MIB);

    assertThat(Targets.judge(perRecord, null))
        .containsExactly(
            "per-record drain at least 1.0x the baseline's: -, not measured",
            "per-record duplicates at least 0.8x the baseline's: -, not measured",
            "first record applied at most 5 s after the start: 4.20 s, met",
            "peak RSS at most 400 MB: 304 MB, met");
  }

  @Test
  void onlyTheSystemsThatRanAreJudged() {
    Figures batch = new Figures("usermq-batch", 5.5, 2.0, 5.3, RSS_290_MIB);

    assertThat(Targets.judge(null, batch))
        .containsExactly(
            "batch mode drain at least 5.0x the baseline's: 5.50x, met",
            "first record applied at most 5 s after the start: 5.30 s, missed",
            "peak RSS at most 400 MB: 304 MB, met");
    assertThat(Targets.judge(null, null)).isEmpty();
  }
}
