package dev.usermq.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.usermq.proto.user.v1.GetUserByThirdAuthRequest;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.repository.Repository;
import dev.usermq.repository.StatementDeadline;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthModel;
import dev.usermq.repository.xredis.CachedUser;
import dev.usermq.repository.xredis.UserCache;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

/** The caller's deadline in the reads: the deadline of their statements, and the call's status. */
class UserQueriesTest {

  private final UserCache cache = mock(UserCache.class);
  private final UserThirdAuthModel bindings = mock(UserThirdAuthModel.class);
  private final StatementDeadline statements = new StatementDeadline();
  private final UserQueries queries =
      new UserQueries(
          new Repository(null, bindings, null, null, null, null, null, null, cache, statements));

  /** The callers' clock: a call's deadline passes when a test says so. */
  private final AtomicLong now = new AtomicLong();

  private final Deadline.Ticker ticker =
      new Deadline.Ticker() {
        @Override
        public long nanoTime() {
          return now.get();
        }
      };

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  @Test
  void theStatementsOfAReadHaveTheTimeLeftBeforeTheCallersDeadline() throws Exception {
    Statement statement = mock(Statement.class);
    when(cache.findWithThirdAuths(7))
        .thenAnswer(
            read -> {
              statements.applyTo(statement);
              return Optional.of(user(7));
            });

    assertThat(withDeadlineIn(9_500, () -> queries.getUser(byId(7))).getUserId()).isEqualTo(7);

    verify(statement).setQueryTimeout(10);
  }

  @Test
  void aReadThatFailsOnceTheDeadlineHasPassedEndsTheCallWithDeadlineExceeded() {
    when(cache.findWithThirdAuths(7))
        .thenAnswer(
            read -> {
              now.addAndGet(TimeUnit.SECONDS.toNanos(2));
              throw new QueryTimeoutException("max_statement_time exceeded");
            });

    assertThatThrownBy(() -> withDeadlineIn(1_500, () -> queries.getUser(byId(7))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void theBindingsReadOfAnAccountEndsTheCallWithDeadlineExceededToo() {
    when(bindings.findByPlatformAndOpenId("wechat", "o-1"))
        .thenAnswer(
            read -> {
              now.addAndGet(TimeUnit.SECONDS.toNanos(2));
              throw new QueryTimeoutException("max_statement_time exceeded");
            });

    assertThatThrownBy(
            () ->
                withDeadlineIn(
                    1_500,
                    () ->
                        queries.getUserByThirdAuth(
                            GetUserByThirdAuthRequest.newBuilder()
                                .setPlatform("wechat")
                                .setOpenId("o-1")
                                .build())))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void aReadThatFailsBeforeTheDeadlineFailsAsItIs() {
    QueryTimeoutException failure = new QueryTimeoutException("lock wait timeout");
    when(cache.findWithThirdAuths(7)).thenThrow(failure);

    assertThatThrownBy(() -> withDeadlineIn(10_000, () -> queries.getUser(byId(7))))
        .isSameAs(failure);
  }

  private <T> T withDeadlineIn(long millis, Callable<T> call) throws Exception {
    Context.CancellableContext context =
        Context.ROOT.withDeadline(Deadline.after(millis, TimeUnit.MILLISECONDS, ticker), scheduler);
    try {
      return context.call(call);
    } finally {
      context.cancel(null);
    }
  }

  private static GetUserRequest byId(long id) {
    return GetUserRequest.newBuilder().setUserId(id).build();
  }

  private static CachedUser user(long id) {
    return new CachedUser(new UserRow(id, "n", "a", UserRow.ACTIVE, 1, null, null), List.of());
  }
}
