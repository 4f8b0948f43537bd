package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.usermq.config.OutboxProperties;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.OutboxModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;

class DeliveryMarksTest {

  private final OutboxModel outbox = mock(OutboxModel.class);
  private final AuthzCommandModel commands = mock(AuthzCommandModel.class);
  private final PlatformTransactionManager transactions = mock(PlatformTransactionManager.class);
  private final TransactionStatus status = mock(TransactionStatus.class);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private DeliveryMarks marks;

  @BeforeEach
  void setUp() {
    when(transactions.getTransaction(any())).thenReturn(status);
    OutboxProperties properties =
        new OutboxProperties(
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            500,
            Duration.ofMillis(100),
            Duration.ofDays(7));
    marks = new DeliveryMarks(outbox, commands, transactions, properties, meters);
  }

  @Test
  void theMarksOfEveryRecordAreWrittenInOneTransaction() {
    marks.eventSent(1);
    marks.eventSent(2);
    marks.commandsDone(List.of(10L, 11L));
    assertThat(meters.get("usermq.outbox.marks.pending").gauge().value()).isEqualTo(4);

    assertThat(marks.flush()).isEqualTo(4);

    InOrder order = inOrder(transactions, outbox, commands);
    order.verify(transactions).getTransaction(any());
    order.verify(outbox).markSent(List.of(1L, 2L));
    order.verify(commands).markDone(List.of(10L, 11L));
    order.verify(transactions).commit(status);
    assertThat(marks.pending()).isZero();
  }

  @Test
  void nothingToMarkWritesNothing() {
    assertThat(marks.flush()).isZero();

    verify(transactions, never()).getTransaction(any());
  }

  @Test
  void marksThatCouldNotBeWrittenAreKeptForTheNextFlush() {
    marks.eventSent(1);
    marks.commandsDone(List.of(10L));
    doThrow(new DataAccessResourceFailureException("database down")).when(commands).markDone(any());

    assertThat(marks.flush()).isZero();
    assertThat(marks.pending()).isEqualTo(2);
    verify(transactions).rollback(status);

    reset(commands);
    assertThat(marks.flush()).isEqualTo(2);
    verify(outbox, times(2)).markSent(List.of(1L));
    verify(commands).markDone(List.of(10L));
  }

  @Test
  void manyMarksAreWrittenInChunks() {
    LongStream.range(0, DeliveryMarks.CHUNK + 5).forEach(marks::eventSent);
    List<List<Long>> written = new ArrayList<>();
    when(outbox.markSent(any()))
        .thenAnswer(
            call -> {
              written.add(new ArrayList<>(call.<List<Long>>getArgument(0)));
              return 0;
            });

    assertThat(marks.flush()).isEqualTo(DeliveryMarks.CHUNK + 5);

    assertThat(written).hasSize(2);
    assertThat(written.get(0)).hasSize(DeliveryMarks.CHUNK);
    assertThat(written.get(1)).hasSize(5);
    verify(commands, never()).markDone(any());
  }

  @Test
  void stoppingWritesWhatIsLeft() {
    marks.start();
    marks.eventSent(7);

    marks.stop();

    verify(outbox).markSent(List.of(7L));
    assertThat(marks.isRunning()).isFalse();
  }
}
