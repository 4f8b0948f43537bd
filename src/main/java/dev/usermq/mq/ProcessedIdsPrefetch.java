package dev.usermq.mq;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Asks Redis once a poll which of the polled auth messages were processed: the per-record auth
 * route's consumer runs it ({@code interceptorClasses}) on its consumer thread, after each poll and
 * before the records are routed. The ids found are what the idempotent consumer then finds without
 * a GET of its own ({@link DeadLetterAwareIdempotentRepository#prefetch}): a duplicate costs a
 * twentieth of an MGET instead of a Redis round trip.
 *
 * <p>It only reads: a record it cannot read (not protobuf, no message id) is left to the route,
 * which dead-letters it. If Redis does not answer, nothing is remembered and the route asks Redis
 * for each record as it would without this, failing there as a record does when Redis is down. The
 * repository comes in the consumer's configuration under {@link #REPOSITORY}.
 */
public class ProcessedIdsPrefetch implements ConsumerInterceptor<Object, Object> {

  /** Consumer configuration key of the {@link DeadLetterAwareIdempotentRepository}. */
  public static final String REPOSITORY = "usermq.processed-ids";

  private DeadLetterAwareIdempotentRepository repository;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(REPOSITORY) instanceof DeadLetterAwareIdempotentRepository processed) {
      this.repository = processed;
    }
  }

  @Override
  public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
    if (repository != null) {
      List<String> ids = new ArrayList<>(records.count());
      for (ConsumerRecord<Object, Object> record : records) {
        String id = messageIdOf(record.value());
        if (id != null) {
          ids.add(id);
        }
      }
      repository.prefetch(ids);
    }
    return records;
  }

  private static String messageIdOf(Object value) {
    if (value instanceof byte[] bytes) {
      try {
        String id = AuthMsg.parseFrom(bytes).getMessageId();
        return id.isEmpty() ? null : id;
      } catch (InvalidProtocolBufferException notAuthMsg) {
        return null;
      }
    }
    return null;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}
}
