package dev.usermq.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.mq.FailureClassifier;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.proto.user.v1.User;
import dev.usermq.proto.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * The statuses a client sees for the failures of the route, closed the way camel-grpc closes a
 * failed unary call (INTERNAL, the exception as the status's cause), on an in-process server.
 */
class FailureStatusInterceptorTest {

  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    UserServiceGrpc.UserServiceImplBase failing =
        new UserServiceGrpc.UserServiceImplBase() {
          @Override
          public void getUser(GetUserRequest request, StreamObserver<User> responses) {
            Throwable e = failure.get();
            responses.onError(
                Status.INTERNAL.withDescription(e.getMessage()).withCause(e).asRuntimeException());
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .addService(
                ServerInterceptors.intercept(
                    failing, new FailureStatusInterceptor(new FailureClassifier())))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aStatusThrownOnPurposeKeepsItsCodeAndDescription() {
    failure.set(Status.NOT_FOUND.withDescription("no user 7").asRuntimeException());

    Status status = callStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no user 7");
  }

  @Test
  void aStatusWrappedByCamelIsFoundAmongTheCauses() {
    failure.set(
        new RuntimeCamelException(
            Status.INVALID_ARGUMENT.withDescription("user_id must be > 0").asRuntimeException()));

    assertThat(callStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aDatabaseOrRedisThatIsDownIsUnavailable() {
    failure.set(new DataAccessResourceFailureException("Connection refused"));
    assertThat(callStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    failure.set(new RedisConnectionFailureException("Unable to connect to Redis"));
    assertThat(callStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void anyOtherFailureIsInternalWithoutItsMessage() {
    failure.set(new IllegalStateException("secret detail"));

    Status status = callStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).isEqualTo("internal error");
  }

  private Status callStatus() {
    try {
      UserServiceGrpc.newBlockingStub(channel).getUser(GetUserRequest.newBuilder().build());
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call succeeded");
  }
}
