package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.rpc.AuthzCallException;
import dev.usermq.repository.rpc.AuthzSrv;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;

class AuthzCommandDeliveryTest {

  private static final long USER = 7;
  private static final long OTHER = 8;

  private final AuthzCommandModel commands = mock(AuthzCommandModel.class);
  private final AuthzSrv authz = mock(AuthzSrv.class);
  private final PlatformTransactionManager transactions = mock(PlatformTransactionManager.class);
  private final TransactionStatus status = mock(TransactionStatus.class);
  private final DeliveryMarks marks = mock(DeliveryMarks.class);
  private final ExecutorService calls = Executors.newFixedThreadPool(2);
  private AuthzCommandDelivery delivery;

  @BeforeEach
  void setUp() {
    when(transactions.getTransaction(any())).thenReturn(status);
    delivery =
        new AuthzCommandDelivery(
            commands, authz, transactions, marks, new FailureClassifier(), calls);
  }

  @AfterEach
  void stopCalls() {
    calls.shutdownNow();
  }

  @Test
  void everyPendingCommandOfTheUserIsDeliveredInOrderInOneTransaction() {
    when(commands.lockPendingOf(USER))
        .thenReturn(List.of(command(1, grant()), command(2, revoke())));

    int delivered = delivery.deliverPendingOf(USER);

    assertThat(delivered).isEqualTo(2);
    InOrder order = inOrder(commands, authz, transactions, marks);
    order.verify(transactions).getTransaction(any());
    order.verify(commands).lockPendingOf(USER);
    order.verify(authz).grantRole(USER, "member");
    order.verify(authz).revokeRoles(USER);
    order.verify(transactions).commit(status);
    order.verify(marks).commandsDone(List.of(1L, 2L));
    verify(transactions, times(1)).getTransaction(any());
  }

  @Test
  void aFailureMarksWhatWasDeliveredBeforeItAndLeavesTheRestPending() {
    when(commands.lockPendingOf(USER))
        .thenReturn(List.of(command(1, grant()), command(2, revoke()), command(3, grant())));
    DependencyUnavailableException down =
        new DependencyUnavailableException("authz", new RuntimeException("UNAVAILABLE"));
    doThrow(down).when(authz).revokeRoles(USER);

    assertThatThrownBy(() -> delivery.deliverPendingOf(USER)).isSameAs(down);

    verify(authz, times(1)).grantRole(USER, "member");
    verify(transactions).commit(status);
    verify(marks).commandsDone(List.of(1L));
  }

  @Test
  void aFailureOfTheFirstCommandMarksNothing() {
    when(commands.lockPendingOf(USER)).thenReturn(List.of(command(1, grant())));
    doThrow(new IllegalStateException("boom")).when(authz).grantRole(USER, "member");

    assertThatThrownBy(() -> delivery.deliverPendingOf(USER)).hasMessage("boom");

    verify(marks).commandsDone(List.of());
  }

  @Test
  void ofSeveralUsersEachGetsItsCommandsInOrderAndTheUsersAtOnce() throws Exception {
    AtomicBoolean overlapped = grantsOverlap(null, null);

    assertThat(deliverGrantThenRevokeOfEach()).isEqualTo(4);

    assertThat(overlapped).isTrue();
    InOrder ofUser = inOrder(authz);
    ofUser.verify(authz).grantRole(USER, "member");
    ofUser.verify(authz).revokeRoles(USER);
    InOrder ofOther = inOrder(authz);
    ofOther.verify(authz).grantRole(OTHER, "member");
    ofOther.verify(authz).revokeRoles(OTHER);
    verify(transactions, times(1)).getTransaction(any());
    verify(marks).commandsDone(List.of(1L, 2L, 3L, 4L));
  }

  @Test
  void ofSeveralUsersARefusedCommandHoldsBackOnlyItsUsersLaterOnes() {
    AuthzCallException refused = new AuthzCallException("INVALID_ARGUMENT", null);
    doThrow(refused).when(authz).grantRole(USER, "member");

    assertThatThrownBy(this::deliverGrantThenRevokeOfEach).isSameAs(refused);

    verify(authz, never()).revokeRoles(USER);
    verify(authz).grantRole(OTHER, "member");
    verify(authz).revokeRoles(OTHER);
    verify(marks).commandsDone(List.of(2L, 4L));
  }

  @Test
  void ofSeveralUsersADependencyDownEndsTheDeliveryAndTheCallsInFlightFinish() {
    DependencyUnavailableException down =
        new DependencyUnavailableException("authz", new RuntimeException("UNAVAILABLE"));
    AtomicBoolean overlapped = grantsOverlap(down, null);

    assertThatThrownBy(this::deliverGrantThenRevokeOfEach).isSameAs(down);

    // OTHER's grant was in flight with USER's; no call after them
    assertThat(overlapped).isTrue();
    verify(authz).grantRole(OTHER, "member");
    verify(authz, never()).revokeRoles(anyLong());
    verify(marks).commandsDone(List.of(2L));
  }

  @Test
  void ofSeveralUsersNoCallStartsAfterADependencyDownWasSeen() {
    AuthzCommandDelivery oneCallAtATime =
        new AuthzCommandDelivery(
            commands, authz, transactions, marks, new FailureClassifier(), Runnable::run);
    DependencyUnavailableException down =
        new DependencyUnavailableException("authz", new RuntimeException("DEADLINE_EXCEEDED"));
    doThrow(down).when(authz).grantRole(USER, "member");
    when(commands.lockPendingOfUsers(List.of(USER, OTHER)))
        .thenReturn(
            List.of(
                command(1, grant()), command(2, AuthzCommandRow.grantRole("n", OTHER, "member"))));

    // the calls of a round wait for a free thread: those that would start after authz was seen
    // down (each would wait for its deadline too) are not made
    assertThatThrownBy(
            () -> oneCallAtATime.deliverPendingOf(List.of(USER, OTHER), user -> Context.root()))
        .isSameAs(down);

    verify(authz, never()).grantRole(OTHER, "member");
    verify(marks).commandsDone(List.of());
  }

  @Test
  void ofSeveralUsersTheFailureOfTheLowestCommandIsThrown() {
    AuthzCallException refused = new AuthzCallException("INVALID_ARGUMENT", null);
    DependencyUnavailableException down =
        new DependencyUnavailableException("authz", new RuntimeException("UNAVAILABLE"));
    AtomicBoolean overlapped = grantsOverlap(refused, down);

    assertThatThrownBy(this::deliverGrantThenRevokeOfEach).isSameAs(refused);

    assertThat(overlapped).isTrue();

    verify(marks).commandsDone(List.of());
  }

  /**
   * USER's grant and OTHER's wait until both have started, so that the two calls overlap; then
   * USER's ends with {@code userFailure} and OTHER's with {@code otherFailure} (null: it succeeds).
   * Returns whether OTHER's call started while USER's was in flight. OTHER's waits too: a call that
   * failed before USER's had started would keep USER's from being made when its failure is
   * transient.
   */
  private AtomicBoolean grantsOverlap(RuntimeException userFailure, RuntimeException otherFailure) {
    CountDownLatch userCalled = new CountDownLatch(1);
    CountDownLatch otherCalled = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    doAnswer(
            call -> {
              userCalled.countDown();
              overlapped.set(otherCalled.await(5, TimeUnit.SECONDS));
              return failWith(userFailure);
            })
        .when(authz)
        .grantRole(USER, "member");
    doAnswer(
            call -> {
              otherCalled.countDown();
              userCalled.await(5, TimeUnit.SECONDS);
              return failWith(otherFailure);
            })
        .when(authz)
        .grantRole(OTHER, "member");
    return overlapped;
  }

  private static Void failWith(RuntimeException failure) {
    if (failure != null) {
      throw failure;
    }
    return null;
  }

  /**
   * A batch of both users: USER's grant (id 1), OTHER's grant (2), USER's revoke (3), OTHER's
   * revoke (4).
   */
  private int deliverGrantThenRevokeOfEach() {
    when(commands.lockPendingOfUsers(List.of(USER, OTHER)))
        .thenReturn(
            List.of(
                command(1, grant()),
                command(2, AuthzCommandRow.grantRole("n", OTHER, "member")),
                command(3, revoke()),
                command(4, AuthzCommandRow.revokeRoles("n", OTHER))));
    return delivery.deliverPendingOf(List.of(USER, OTHER), user -> Context.root());
  }

  @Test
  void nothingPendingDeliversNothing() {
    when(commands.lockPendingOf(USER)).thenReturn(List.of());

    assertThat(delivery.deliverPendingOf(USER)).isZero();

    verify(marks).commandsDone(List.of());
  }

  private static AuthzCommandRow grant() {
    return AuthzCommandRow.grantRole("m", USER, "member");
  }

  private static AuthzCommandRow revoke() {
    return AuthzCommandRow.revokeRoles("m", USER);
  }

  private static AuthzCommandRow command(long id, AuthzCommandRow row) {
    return new AuthzCommandRow(
        id,
        row.commandId(),
        row.command(),
        row.userId(),
        row.role(),
        row.sourceMessageId(),
        null,
        null);
  }
}
