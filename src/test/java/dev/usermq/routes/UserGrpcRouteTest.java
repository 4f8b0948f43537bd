package dev.usermq.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.usermq.proto.user.v1.GetUserByThirdAuthRequest;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.proto.user.v1.ThirdAuth;
import dev.usermq.proto.user.v1.User;
import dev.usermq.proto.user.v1.UserStatus;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthModel;
import dev.usermq.repository.model.UserThirdAuthRow;
import dev.usermq.repository.xredis.CachedUser;
import dev.usermq.support.Msgs;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.component.grpc.GrpcConstants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The gRPC route from {@code direct:user-grpc}, as camel-grpc hands it a unary call: the request as
 * the body, the method in {@code CamelGrpcMethodName}. The user cache is a spy (stubbed where a
 * test needs a state the database cannot show); bindings come from the database.
 */
class UserGrpcRouteTest extends RouteTestBase {

  @Autowired UserModel users;
  @Autowired UserThirdAuthModel bindings;

  @Test
  void getUserAnswersTheCachedUserWithItsAccountsInOrder() {
    UserRow row =
        new UserRow(42L, "nick", "https://a.test/x.png", UserRow.DEACTIVATED, 3, null, null);
    doReturn(
            Optional.of(
                new CachedUser(
                    row,
                    List.of(
                        binding(42, "wechat", "o2"),
                        binding(42, "apple", "o9"),
                        binding(42, "wechat", "o1")))))
        .when(userCache)
        .findWithThirdAuths(42L);

    Exchange done = call("getUser", GetUserRequest.newBuilder().setUserId(42).build());

    assertThat(done.getException()).isNull();
    User user = done.getMessage().getBody(User.class);
    assertThat(user.getUserId()).isEqualTo(42);
    assertThat(user.getNickname()).isEqualTo("nick");
    assertThat(user.getAvatarUrl()).isEqualTo("https://a.test/x.png");
    assertThat(user.getStatus()).isEqualTo(UserStatus.USER_STATUS_DEACTIVATED);
    assertThat(user.getThirdAuthsList())
        .extracting(ThirdAuth::getPlatform, ThirdAuth::getOpenId, ThirdAuth::getUnionId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("apple", "o9", "u-o9"),
            org.assertj.core.groups.Tuple.tuple("wechat", "o1", "u-o1"),
            org.assertj.core.groups.Tuple.tuple("wechat", "o2", "u-o2"));
  }

  @Test
  void getUserOfAnUnknownUserIsNotFound() {
    doReturn(Optional.empty()).when(userCache).findWithThirdAuths(7L);

    assertThat(statusOf(call("getUser", GetUserRequest.newBuilder().setUserId(7).build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aUserIdBelowOneIsAnInvalidArgumentAndReadsNothing() {
    assertThat(statusOf(call("getUser", GetUserRequest.newBuilder().setUserId(0).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(statusOf(call("getUser", GetUserRequest.newBuilder().setUserId(-5).build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    verify(userCache, never()).findWithThirdAuths(anyLong());
  }

  @Test
  void getUserByThirdAuthReadsTheBindingThenTheUserFromTheCache() {
    long userId = users.save(UserRow.newActive("n", "")).id();
    String openId = Msgs.openId();
    bindings.save(UserThirdAuthRow.newBinding(userId, "apple", openId, "u"));

    Exchange done = call("getUserByThirdAuth", byAccount("apple", openId));

    assertThat(done.getException()).isNull();
    assertThat(done.getMessage().getBody(User.class).getUserId()).isEqualTo(userId);
    verify(userCache).findWithThirdAuths(userId);
  }

  @Test
  void anAccountUnboundBetweenTheBindingAndTheUserReadIsNotFound() {
    long userId = users.save(UserRow.newActive("n", "")).id();
    String openId = Msgs.openId();
    bindings.save(UserThirdAuthRow.newBinding(userId, "apple", openId, "u"));
    // the cache already holds the user as the UNBIND left it
    UserRow row = users.findById(userId).orElseThrow();
    doReturn(Optional.of(new CachedUser(row, List.of())))
        .when(userCache)
        .findWithThirdAuths(userId);

    assertThat(statusOf(call("getUserByThirdAuth", byAccount("apple", openId))))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void anUnboundAccountIsNotFoundAndAMissingFieldIsAnInvalidArgument() {
    assertThat(statusOf(call("getUserByThirdAuth", byAccount("apple", Msgs.openId()))))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(statusOf(call("getUserByThirdAuth", byAccount("", "o1"))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(statusOf(call("getUserByThirdAuth", byAccount("apple", ""))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aFailingDependencyFailsTheCallWithItsOwnException() {
    doThrow(new DataAccessResourceFailureException("database down"))
        .when(userCache)
        .findWithThirdAuths(9L);

    Exchange done = call("getUser", GetUserRequest.newBuilder().setUserId(9).build());

    // the server's FailureStatusInterceptor turns it into UNAVAILABLE
    assertThat(done.getException()).isInstanceOf(DataAccessResourceFailureException.class);
  }

  @Test
  void aCallWhoseDeadlinePassedIsNotWorkedOn() {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Context.CancellableContext expired =
        Context.current().withDeadline(Deadline.after(-1, TimeUnit.SECONDS), timer);
    AtomicReference<Exchange> done = new AtomicReference<>();
    try {
      expired.run(
          () -> done.set(call("getUser", GetUserRequest.newBuilder().setUserId(3).build())));
    } finally {
      expired.cancel(null);
      timer.shutdownNow();
    }

    assertThat(statusOf(done.get())).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    verify(userCache, never()).findWithThirdAuths(anyLong());
  }

  @Test
  void anotherMethodIsUnimplemented() {
    assertThat(statusOf(call("deleteUser", GetUserRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  private Exchange call(String method, Object request) {
    return producer.send(
        GRPC_IN,
        e -> {
          e.getIn().setBody(request);
          e.getIn().setHeader(GrpcConstants.GRPC_METHOD_NAME_HEADER, method);
        });
  }

  private static Status.Code statusOf(Exchange done) {
    assertThat(done.getException()).isInstanceOf(StatusRuntimeException.class);
    return ((StatusRuntimeException) done.getException()).getStatus().getCode();
  }

  private static GetUserByThirdAuthRequest byAccount(String platform, String openId) {
    return GetUserByThirdAuthRequest.newBuilder().setPlatform(platform).setOpenId(openId).build();
  }

  private static UserThirdAuthRow binding(long userId, String platform, String openId) {
    return new UserThirdAuthRow(null, userId, platform, openId, "u-" + openId, null);
  }
}
