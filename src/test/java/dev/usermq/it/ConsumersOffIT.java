package dev.usermq.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.grpc.SharedPortGrpcConsumer;
import dev.usermq.mq.MqConfiguration;
import dev.usermq.proto.user.v1.GetUserRequest;
import dev.usermq.proto.user.v1.UserServiceGrpc;
import dev.usermq.support.Msgs;
import dev.usermq.support.Readiness;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@code consumer.enabled=false}: a release that serves the gRPC reads only. Neither auth route
 * consumes (nor joins its group), readiness leaves their checks out and comes up, and the user
 * service answers. The service runs on the embedded servers, with a group of its own: the shared
 * service of the other integration tests consumes the same topic in its group.
 */
@SpringBootTest(
    classes = App.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "consumer.enabled=false",
      "consumer.group-id=user-mq-consumers-off",
      "outbox.relay-interval=1h",
      "stats.log-interval=1h",
      "grpc.port=0"
    })
@ContextConfiguration(initializers = EmbeddedServersInitializer.class)
class ConsumersOffIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired CamelContext camel;
  @Autowired TestRestTemplate http;

  @Value("${kafka.brokers}")
  String brokers;

  @Value("${consumer.group-id}")
  String group;

  @Value("${topics.auth}")
  String authTopic;

  @Test
  void noAuthRouteConsumesReadinessComesUpAndTheUserServiceAnswers() throws Exception {
    assertThat(camel.getRouteController().getRouteStatus(MqConfiguration.PER_RECORD_ROUTE))
        .isEqualTo(ServiceStatus.Stopped);
    assertThat(camel.getRouteController().getRouteStatus(MqConfiguration.BATCH_ROUTE))
        .isEqualTo(ServiceStatus.Stopped);

    // a stopped route's checks would say DOWN: they are left out
    assertThat(HealthCheckHelper.invokeReadiness(camel))
        .extracting(result -> result.getCheck().getId())
        .isNotEmpty()
        .noneMatch(id -> id.endsWith(MqConfiguration.PER_RECORD_ROUTE))
        .noneMatch(id -> id.endsWith(MqConfiguration.BATCH_ROUTE));
    Readiness.awaitUp(http, WAIT);

    // a record waits on the topic; this service's group never reads it (the shared service of the
    // other integration tests, in a group of its own, may)
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(authTopic, Msgs.register("wechat", Msgs.openId()).toByteArray()))
          .get(10, TimeUnit.SECONDS);
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      assertThat(description.members()).isEmpty();
      assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
          .isEmpty();
    }

    int port = ((SharedPortGrpcConsumer) camel.getRoute("user-grpc").getConsumer()).getPort();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    try {
      assertThatThrownBy(
              () ->
                  UserServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .getUser(GetUserRequest.newBuilder().setUserId(Long.MAX_VALUE).build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
