package dev.usermq.logic;

import dev.usermq.proto.user.v1.GetUserByThirdAuthRequest;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.proto.user.v1.ThirdAuth;
import dev.usermq.proto.user.v1.User;
import dev.usermq.proto.user.v1.UserStatus;
import dev.usermq.repository.Repository;
import dev.usermq.repository.StatementDeadline;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthRow;
import dev.usermq.repository.xredis.CachedUser;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;

/**
 * The reads of the user gRPC service ({@code user.v1.UserService}), through the same repository and
 * user cache as the MQ logic: a read that follows a committed write sees it.
 *
 * <p>Answers are gRPC statuses: {@code INVALID_ARGUMENT} for a request against the contract, {@code
 * NOT_FOUND} for an unknown user or an unbound account, {@code DEADLINE_EXCEEDED} when the caller's
 * deadline passed before the work started or during it. SQL statements get the time left before the
 * caller's deadline as their query timeout. A dependency that fails is thrown as is; the server
 * turns the transient failures into {@code UNAVAILABLE}.
 */
public class UserQueries {

  private final Repository repo;

  public UserQueries(Repository repo) {
    this.repo = repo;
  }

  /** The user by id. */
  public User getUser(GetUserRequest request) {
    if (request.getUserId() <= 0) {
      throw invalid("user_id must be > 0");
    }
    checkDeadline();
    return withinDeadline(() -> repo.userCache().findWithThirdAuths(request.getUserId()))
        .map(UserQueries::toUser)
        .orElseThrow(() -> notFound("no user " + request.getUserId()));
  }

  /**
   * The user the account is bound to. The binding comes from the database, the user from the cache;
   * an UNBIND that commits between the two gives a cached user without the binding, which is
   * answered as unbound, as it now is.
   */
  public User getUserByThirdAuth(GetUserByThirdAuthRequest request) {
    if (request.getPlatform().isEmpty() || request.getOpenId().isEmpty()) {
      throw invalid("platform and open_id are required");
    }
    checkDeadline();
    Optional<UserThirdAuthRow> binding =
        withinDeadline(
            () ->
                repo.userThirdAuthModel()
                    .findByPlatformAndOpenId(request.getPlatform(), request.getOpenId()));
    checkDeadline();
    return binding
        .flatMap(b -> withinDeadline(() -> repo.userCache().findWithThirdAuths(b.userId())))
        .filter(user -> user.isBound(request.getPlatform(), request.getOpenId()))
        .map(UserQueries::toUser)
        .orElseThrow(() -> notFound("account not bound"));
  }

  /** A method of the service this bean has no answer for. */
  public User unimplemented(String method) {
    throw Status.UNIMPLEMENTED.withDescription("no method " + method).asRuntimeException();
  }

  static User toUser(CachedUser cached) {
    UserRow row = cached.user();
    User.Builder user =
        User.newBuilder()
            .setUserId(row.id())
            .setNickname(nullToEmpty(row.nickname()))
            .setAvatarUrl(nullToEmpty(row.avatarUrl()))
            .setStatus(status(row.status()));
    for (UserThirdAuthRow b : cached.thirdAuths()) {
      user.addThirdAuths(
          ThirdAuth.newBuilder()
              .setPlatform(b.platform())
              .setOpenId(b.openId())
              .setUnionId(nullToEmpty(b.unionId())));
    }
    return user.build();
  }

  private static UserStatus status(int status) {
    return switch (status) {
      case UserRow.ACTIVE -> UserStatus.USER_STATUS_ACTIVE;
      case UserRow.DEACTIVATED -> UserStatus.USER_STATUS_DEACTIVATED;
      default -> UserStatus.USER_STATUS_UNSPECIFIED;
    };
  }

  /**
   * Runs a read with the caller's deadline as the deadline of its SQL statements ({@link
   * StatementDeadline}): a read the database holds up is cut off about when the caller gives up,
   * and frees its connection. A read that fails once the deadline has passed ends the call with
   * {@code DEADLINE_EXCEEDED}: the failure is the deadline's, not a dependency being down.
   */
  private <T> T withinDeadline(Supplier<T> read) {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      return read.get();
    }
    try {
      return repo.statementDeadline()
          .within(Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)), read);
    } catch (DataAccessException e) {
      if (deadline.isExpired()) {
        throw Status.DEADLINE_EXCEEDED
            .withDescription("deadline passed during the read")
            .withCause(e)
            .asRuntimeException();
      }
      throw e;
    }
  }

  /** A call whose deadline has passed is not worked on: nobody waits for the answer. */
  private static void checkDeadline() {
    Deadline deadline = Context.current().getDeadline();
    if (deadline != null && deadline.isExpired()) {
      throw Status.DEADLINE_EXCEEDED.withDescription("deadline passed").asRuntimeException();
    }
  }

  private static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }

  private static StatusRuntimeException notFound(String description) {
    return Status.NOT_FOUND.withDescription(description).asRuntimeException();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
