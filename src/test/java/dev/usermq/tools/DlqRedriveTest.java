package dev.usermq.tools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DlqRedriveTest {

  @Test
  void withoutAChoiceOfRecordsItRefusesToRunAndSaysHow() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code = DlqRedrive.run(new String[] {"--kafka.brokers=127.0.0.1:9"}, new PrintStream(out, true, UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(out.toString(UTF_8)).contains("choose what to redrive").contains("usage: redrive-dlq");
  }

  @Test
  void selectsByMessageIdOrOffsetRangeAndPassesConfigurationOn() {
    List<String> configuration = new ArrayList<>();
    DlqRedrive.Selection selection =
        DlqRedrive.Selection.parse(
            new String[] {"--message-id=a,b", "--offsets=2:10-20", "--topics.dlq=x.dlq", "--dry-run"},
            configuration);

    assertThat(configuration).containsExactly("--topics.dlq=x.dlq");
    assertThat(selection.dryRun()).isTrue();
    assertThat(selection.matches(0, 5, Optional.of("b"))).isTrue();
    assertThat(selection.matches(2, 15, Optional.empty())).isTrue();
    assertThat(selection.matches(2, 21, Optional.of("c"))).isFalse();
    assertThat(selection.matches(1, 15, Optional.empty())).isFalse();
  }

  @Test
  void malformedOffsetRangesAreRefusedWithTheExpectedForm() {
    assertThatThrownBy(() -> DlqRedrive.Selection.parse(new String[] {"--offsets=0:9-3"}, new ArrayList<>()))
        .hasMessageContaining("FROM is after TO");
    assertThatThrownBy(() -> DlqRedrive.Selection.parse(new String[] {"--offsets=zero"}, new ArrayList<>()))
        .hasMessageContaining("PARTITION:FROM-TO");
  }
}
