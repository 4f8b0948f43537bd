package dev.usermq.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain Kafka clients for integration tests: a producer of raw records and a reader that keeps
 * every record seen on the given topics, from their beginning.
 */
public final class KafkaTopics implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

  public KafkaTopics(String brokers, String... readTopics) {
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : readTopics) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Sends a record and waits for the broker's acknowledgement. */
  public void send(ProducerRecord<byte[], byte[]> record) {
    try {
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not produce", e);
    }
  }

  /** Waits until exactly {@code count} records seen so far match, and returns them. */
  public List<ConsumerRecord<byte[], byte[]>> await(
      Predicate<ConsumerRecord<byte[], byte[]>> match, int count, Duration timeout) {
    org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> matching(match).size() >= count);
    return matching(match);
  }

  /** The records seen so far that match, after reading what is on the topics now. */
  public synchronized List<ConsumerRecord<byte[], byte[]>> matching(
      Predicate<ConsumerRecord<byte[], byte[]>> match) {
    consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    return seen.stream().filter(match).toList();
  }

  @Override
  public void close() {
    producer.close();
    consumer.close();
  }
}
