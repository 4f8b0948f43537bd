package dev.usermq.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.usermq.grpc.SharedPortGrpcConsumer;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.user.v1.GetUserByThirdAuthRequest;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.proto.user.v1.ThirdAuth;
import dev.usermq.proto.user.v1.User;
import dev.usermq.proto.user.v1.UserServiceGrpc;
import dev.usermq.proto.user.v1.UserServiceGrpc.UserServiceBlockingStub;
import dev.usermq.proto.user.v1.UserStatus;
import dev.usermq.repository.xredis.UserCache;
import dev.usermq.support.Db;
import dev.usermq.support.EmbeddedServersIT;
import dev.usermq.support.KafkaTopics;
import dev.usermq.support.Msgs;
import dev.usermq.support.SqlStatements;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The user gRPC service through a real grpc-java client, on the whole service: users written by
 * auth messages through Kafka are read back over gRPC, from the cache when it holds them, a read
 * after a committed write sees the write, and a read the database holds up ends at the caller's
 * deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserGrpcIT extends EmbeddedServersIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A test of the shared context before this one may have left the consumer paused. */
  private static final Duration RESUME = Duration.ofSeconds(90);

  @Autowired JdbcClient jdbc;
  @Autowired CamelContext camel;
  @Autowired SqlStatements sql;
  @Autowired dev.usermq.mq.DeliveryMarks deliveryMarks;
  @Autowired DataSource dataSource;
  @Autowired StringRedisTemplate redis;

  @Value("${spring.datasource.url}")
  String datasourceUrl;

  @Value("${spring.datasource.username}")
  String dbUser;

  @Value("${spring.datasource.password}")
  String dbPassword;

  @Value("${kafka.brokers}")
  String brokers;

  private KafkaTopics kafka;
  private Db db;
  private ManagedChannel channel;
  private UserServiceBlockingStub users;

  @BeforeAll
  void connect() {
    kafka = new KafkaTopics(brokers, "user", "order", "user.auth.dlq", "user.auth");
    db = new Db(jdbc);
    int port = ((SharedPortGrpcConsumer) camel.getRoute("user-grpc").getConsumer()).getPort();
    channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    users = UserServiceGrpc.newBlockingStub(channel);
    await()
        .atMost(RESUME)
        .until(
            () ->
                camel.getRouteController().getRouteStatus("auth-msg-consumer")
                    == ServiceStatus.Started);
  }

  @AfterAll
  void disconnect() throws InterruptedException {
    kafka.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aRegisteredUserIsReadByIdAndByAccountAndTheSecondReadRunsNoSql() {
    String openId = Msgs.openId();
    AuthMsg register = Msgs.register("wechat", openId);
    long userId = apply(register).userOf("wechat", openId).orElseThrow();

    User expected =
        User.newBuilder()
            .setUserId(userId)
            .setNickname(register.getNickname())
            .setAvatarUrl(register.getAvatarUrl())
            .setStatus(UserStatus.USER_STATUS_ACTIVE)
            .addThirdAuths(
                ThirdAuth.newBuilder()
                    .setPlatform("wechat")
                    .setOpenId(openId)
                    .setUnionId(register.getUnionId()))
            .build();
    assertThat(call().getUser(byId(userId))).isEqualTo(expected);
    assertThat(call().getUserByThirdAuth(byAccount("wechat", openId))).isEqualTo(expected);

    // the delivery marks of the REGISTER are written behind it: written now, so that the only
    // statements counted are the read's
    deliveryMarks.flush();
    int mark = sql.mark();
    assertThat(call().getUser(byId(userId))).isEqualTo(expected);
    assertThat(sql.since(mark)).isEmpty();
  }

  @Test
  void aDeactivationAppliedFromKafkaIsSeenByTheNextRead() {
    String openId = Msgs.openId();
    long userId = apply(Msgs.register("wechat", openId)).userOf("wechat", openId).orElseThrow();
    // cached as active
    assertThat(call().getUser(byId(userId)).getStatus()).isEqualTo(UserStatus.USER_STATUS_ACTIVE);
    assertThat(call().getUser(byId(userId)).getStatus()).isEqualTo(UserStatus.USER_STATUS_ACTIVE);

    apply(Msgs.deactivate(userId));

    assertThat(call().getUser(byId(userId)).getStatus())
        .isEqualTo(UserStatus.USER_STATUS_DEACTIVATED);
    assertThat(call().getUserByThirdAuth(byAccount("wechat", openId)).getStatus())
        .isEqualTo(UserStatus.USER_STATUS_DEACTIVATED);
  }

  @Test
  void bindingsAppliedFromKafkaAreSeenByTheNextReadInTheirOrder() {
    String openId = Msgs.openId();
    long userId = apply(Msgs.register("wechat", openId)).userOf("wechat", openId).orElseThrow();
    assertThat(call().getUser(byId(userId)).getThirdAuthsCount()).isEqualTo(1);

    String appleId = Msgs.openId();
    apply(Msgs.bind(userId, "apple", appleId));
    assertThat(call().getUser(byId(userId)).getThirdAuthsList())
        .extracting(ThirdAuth::getPlatform, ThirdAuth::getOpenId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("apple", appleId),
            org.assertj.core.groups.Tuple.tuple("wechat", openId));
    assertThat(call().getUserByThirdAuth(byAccount("apple", appleId)).getUserId())
        .isEqualTo(userId);

    apply(Msgs.unbind(userId, "apple", appleId));
    assertThat(call().getUser(byId(userId)).getThirdAuthsList())
        .extracting(ThirdAuth::getPlatform)
        .containsExactly("wechat");
    assertThat(statusOf(() -> call().getUserByThirdAuth(byAccount("apple", appleId))))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void unknownUsersAndAccountsAreNotFound() {
    assertThat(statusOf(() -> call().getUser(byId(Long.MAX_VALUE))))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(statusOf(() -> call().getUserByThirdAuth(byAccount("wechat", Msgs.openId()))))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void requestsAgainstTheContractAreInvalidArguments() {
    assertThat(statusOf(() -> call().getUser(byId(0)))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(statusOf(() -> call().getUser(byId(-1)))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(statusOf(() -> call().getUserByThirdAuth(byAccount("", "o1"))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(statusOf(() -> call().getUserByThirdAuth(byAccount("wechat", ""))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aReadHeldUpInTheDatabaseEndsAtTheCallersDeadlineAndFreesItsConnection() throws Exception {
    String openId = Msgs.openId();
    // not cached: the registration left a tombstone, so the read goes to the database
    long userId = apply(Msgs.register("wechat", openId)).userOf("wechat", openId).orElseThrow();
    HikariPoolMXBean pool = ((HikariDataSource) dataSource).getHikariPoolMXBean();
    await().atMost(WAIT).until(() -> pool.getActiveConnections() == 0);

    // a connection of its own, outside the service's pool, holds the table: the service's SELECT
    // waits for the lock (a plain read is not blocked by row locks)
    try (Connection locker = DriverManager.getConnection(datasourceUrl, dbUser, dbPassword);
        Statement lock = locker.createStatement()) {
      lock.execute("LOCK TABLES `user` WRITE");

      assertThat(
              statusOf(
                  () ->
                      users.withDeadlineAfter(1_500, TimeUnit.MILLISECONDS).getUser(byId(userId))))
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      // the statement had the 1.5 s left as its query timeout (rounded up to 2 s): the database
      // cuts it off and the connection goes back to the pool, long before the 10 s socket timeout
      await().atMost(Duration.ofSeconds(4)).until(() -> pool.getActiveConnections() == 0);
      assertThat(waitingForTheLock(lock)).isZero();
    }
    assertThat(call().getUser(byId(userId)).getUserId()).isEqualTo(userId);
  }

  /** Statements of other connections waiting for the table lock. */
  private static int waitingForTheLock(Statement locker) throws Exception {
    try (ResultSet rs =
        locker.executeQuery(
            "SELECT COUNT(*) FROM information_schema.processlist"
                + " WHERE state LIKE 'Waiting for table%lock'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aCallLogsWithoutCamelsMdcKeys() {
    String openId = Msgs.openId();
    long userId = apply(Msgs.register("wechat", openId)).userOf("wechat", openId).orElseThrow();
    // an entry the cache cannot read: the read logs it from inside the route, and goes on
    redis.opsForValue().set("user:cache:user:" + userId, "999|{not json");
    Logger cacheLog = (Logger) LoggerFactory.getLogger(UserCache.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    cacheLog.addAppender(lines);
    try {
      assertThat(call().getUser(byId(userId)).getUserId()).isEqualTo(userId);
    } finally {
      cacheLog.detachAppender(lines);
    }
    assertThat(lines.list)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.getFormattedMessage()).contains("cannot be read");
              assertThat(line.getMDCPropertyMap().keySet()).noneMatch(k -> k.startsWith("camel."));
            });
  }

  @Test
  void healthSaysServingOnTheSamePort() {
    HealthCheckRequest all = HealthCheckRequest.getDefaultInstance();
    HealthCheckRequest userService =
        HealthCheckRequest.newBuilder().setService(UserServiceGrpc.SERVICE_NAME).build();
    await()
        .atMost(WAIT)
        .until(
            () ->
                HealthGrpc.newBlockingStub(channel).check(all).getStatus()
                    == ServingStatus.SERVING);
    assertThat(HealthGrpc.newBlockingStub(channel).check(userService).getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void reflectionListsTheServicesOnTheSamePort() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services =
        answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    requests.onCompleted();
    assertThat(services)
        .contains(
            "user.v1.UserService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
  }

  private UserServiceBlockingStub call() {
    return users.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private Db apply(AuthMsg msg) {
    kafka.send(
        new ProducerRecord<>("user.auth", msg.getOpenId().getBytes(UTF_8), msg.toByteArray()));
    await().atMost(WAIT).until(() -> db.outcome(msg.getMessageId()).isPresent());
    assertThat(db.outcome(msg.getMessageId())).contains("APPLIED");
    return db;
  }

  private static GetUserRequest byId(long userId) {
    return GetUserRequest.newBuilder().setUserId(userId).build();
  }

  private static GetUserByThirdAuthRequest byAccount(String platform, String openId) {
    return GetUserByThirdAuthRequest.newBuilder().setPlatform(platform).setOpenId(openId).build();
  }

  private static Status.Code statusOf(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }
}
