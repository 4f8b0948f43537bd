package dev.usermq.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {

  @Test
  void readsWhileBackgroundThreadsRecordStatements() {
    SqlStatements statements = new SqlStatements();
    statements.record("SELECT 1");
    int mark = statements.mark();
    int calls = statements.callsMark();
    // the background delivery and the delivery marks run statements while a test reads
    CompletableFuture<Void> background =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 100_000; i++) {
                statements.record("UPDATE outbox");
              }
            });
    do {
      assertThat(statements.since(mark)).allMatch("UPDATE outbox"::equals);
      assertThat(statements.callsSince(calls)).isEmpty();
    } while (!background.isDone());
    background.join();
    assertThat(statements.since(mark)).hasSize(100_000);
  }
}
