package dev.usermq.faults;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a topic holds and how far a consumer group is through it, asked of the broker: the records
 * written to every partition (their end offsets, since nothing is deleted during a run) and the
 * group's committed offsets.
 */
public final class TopicOffsets {

  private static final long TIMEOUT_SECONDS = 10;

  private TopicOffsets() {}

  /** The records written to the topic, over all its partitions. */
  public static long records(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    int partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    for (int p = 0; p < partitions; p++) {
      specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(specs).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
        .mapToLong(ListOffsetsResultInfo::offset)
        .sum();
  }

  /** The group's committed offsets on the topic, summed: a partition without one counts 0. */
  public static long committed(Admin admin, String topic, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return committed.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /** The records of the topic the group has not committed yet. */
  public static long lag(Admin admin, String topic, String group) throws Exception {
    return records(admin, topic) - committed(admin, topic, group);
  }
}
