package dev.usermq.tools;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code redrive-dlq}: replays chosen dead letters to the topic they came from, each exactly once,
 * and reports what it did.
 *
 * <p>A record is replayed with its original key, value and headers (without the {@code dlq-*}
 * ones, plus {@code redriven-from}). Each replay is recorded in the {@code dlq_redrive} table in
 * the transaction that waits for the broker's acknowledgement, so a dead letter is replayed once
 * however often the command runs; the service's ledger still refuses a second application.
 */
public final class DlqRedrive {

  /** The command word. */
  public static final String COMMAND = "redrive-dlq";

  private static final String USAGE =
      "usage: redrive-dlq (--all | --message-id=ID[,ID...] | --offsets=PARTITION:FROM-TO)..."
          + " [--dry-run] [--name=value configuration...]";

  /** Binding errors of bean references ({@code #bean:...}) are skipped, any other is thrown. */
  private static final BindHandler SKIP_BEAN_REFERENCES =
      new BindHandler() {
        @Override
        public Object onFailure(
            ConfigurationPropertyName name,
            Bindable<?> target,
            BindContext context,
            Exception error)
            throws Exception {
          ConfigurationProperty property = context.getConfigurationProperty();
          if (property != null
              && property.getValue() instanceof String value
              && value.startsWith("#")) {
            return null;
          }
          throw error;
        }
      };

  private final Selection selection;
  private final ConfigurableEnvironment env;
  private final PrintStream out;

  private DlqRedrive(Selection selection, ConfigurableEnvironment env, PrintStream out) {
    this.selection = selection;
    this.env = env;
    this.out = out;
  }

  /** Runs the command; returns the exit code (0 done, 1 failed, 2 usage). */
  public static int run(String[] args, PrintStream out) {
    Selection selection;
    List<String> configuration = new ArrayList<>();
    try {
      selection = Selection.parse(args, configuration);
    } catch (IllegalArgumentException e) {
      out.println("redrive-dlq: " + e.getMessage());
      out.println(USAGE);
      return 2;
    }
    try {
      return new DlqRedrive(selection, ToolEnvironment.load(configuration.toArray(String[]::new)), out)
          .redrive();
    } catch (RuntimeException e) {
      out.println("redrive-dlq: failed: " + e);
      return 1;
    }
  }

  private int redrive() {
    String dlqTopic = env.getProperty("topics.dlq", "user.auth.dlq");
    String defaultTarget = env.getProperty("topics.auth", "user.auth");
    DataSource db =
        new DriverManagerDataSource(
            env.getRequiredProperty("spring.datasource.url"),
            env.getProperty("spring.datasource.username", ""),
            env.getProperty("spring.datasource.password", ""));
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    JdbcTemplate jdbc = new JdbcTemplate(db);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));

    int redriven = 0;
    int before = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                consumerProperties(env), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerProperties(env), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ConsumerRecord<byte[], byte[]> dead : read(consumer, dlqTopic)) {
        Optional<String> messageId = messageId(dead.value());
        if (!selection.matches(dead.partition(), dead.offset(), messageId)) {
          continue;
        }
        String target = header(dead, "dlq-source-topic").orElse(defaultTarget);
        String where = dlqTopic + "/" + dead.partition() + "@" + dead.offset();
        String what = messageId.orElse("(no message id)") + ", " + header(dead, "dlq-reason").orElse("?");
        Optional<String> earlier = redrivenAt(jdbc, dlqTopic, dead);
        if (earlier.isPresent()) {
          out.println("already redriven " + where + " (" + what + ") at " + earlier.get());
          before++;
          continue;
        }
        if (selection.dryRun()) {
          out.println("would redrive " + where + " (" + what + ") to " + target);
          redriven++;
          continue;
        }
        RecordMetadata sent =
            tx.execute(
                status -> {
                  jdbc.update(
                      "INSERT INTO dlq_redrive (dlq_topic, dlq_partition, dlq_offset, message_id, target_topic)"
                          + " VALUES (?, ?, ?, ?, ?)",
                      dlqTopic, dead.partition(), dead.offset(), messageId.orElse(null), target);
                  return send(producer, replay(dead, target, where));
                });
        out.println("redriven " + where + " (" + what + ") to " + target + "/" + sent.partition() + "@" + sent.offset());
        redriven++;
      }
    } catch (DuplicateKeyException e) {
      out.println("redrive-dlq: another redrive ran at the same time: " + e.getMostSpecificCause().getMessage());
      return 1;
    }
    out.printf(
        "redrive-dlq: %d %s, %d already redriven before%n",
        redriven, selection.dryRun() ? "would be redriven (dry run)" : "redriven", before);
    return 0;
  }

  /** Every record on the topic now, from its beginning (or the selected offsets) to its end. */
  private List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    selection.offsets().forEach((p, range) -> consumer.seek(new TopicPartition(topic, p), range[0]));
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          records.add(r);
        }
      }
    }
    return records;
  }

  private static Optional<String> redrivenAt(JdbcTemplate jdbc, String topic, ConsumerRecord<byte[], byte[]> r) {
    return jdbc.queryForList(
            "SELECT CAST(redriven_at AS CHAR) FROM dlq_redrive WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ?",
            String.class, topic, r.partition(), r.offset())
        .stream()
        .findFirst();
  }

  private static ProducerRecord<byte[], byte[]> replay(
      ConsumerRecord<byte[], byte[]> dead, String target, String where) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : dead.headers()) {
      if (!h.key().startsWith("dlq-") && !h.key().equals("redriven-from")) {
        headers.add(h);
      }
    }
    headers.add("redriven-from", where.getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(target, null, dead.key(), dead.value(), headers);
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    try {
      return producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the broker refused the replay: " + e.getCause(), e.getCause());
    }
  }

  private static Optional<String> messageId(byte[] value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      String id = AuthMsg.parseFrom(value).getMessageId();
      return id.isEmpty() ? Optional.empty() : Optional.of(id);
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null
        ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  /**
   * The properties of the consumer that reads the DLQ: the service's own Kafka client settings
   * (security protocol, SASL, TLS, additional properties), so that it connects wherever the
   * service does, less a group: it commits nothing and reads only committed records.
   */
  static Properties consumerProperties(ConfigurableEnvironment env) {
    KafkaConfiguration kafka = kafkaConfiguration(env);
    Properties props = kafka.createConsumerProperties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /**
   * The properties of the producer that replays dead letters: the service's own Kafka client
   * settings, and whatever they say, a replay is acknowledged by every in-sync replica and written
   * once per producer session.
   */
  static Properties producerProperties(ConfigurableEnvironment env) {
    KafkaConfiguration kafka = kafkaConfiguration(env);
    Properties props = kafka.createProducerProperties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
    props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  /**
   * Camel's Kafka configuration bound from {@code camel.component.kafka.*} as the service binds
   * it (application.yaml, {@code CAMEL_COMPONENT_KAFKA_*} variables, arguments), so one set of
   * settings serves the service and the redrive. Bean references ({@code #bean:...}) name beans of
   * the running service and are left out: none of them is a client property.
   */
  private static KafkaConfiguration kafkaConfiguration(ConfigurableEnvironment env) {
    String brokers = env.getRequiredProperty("kafka.brokers");
    KafkaConfiguration kafka = new KafkaConfiguration();
    Binder.get(env).bind("camel.component.kafka", Bindable.ofInstance(kafka), SKIP_BEAN_REFERENCES);
    if (kafka.getBrokers() == null || kafka.getBrokers().isBlank()) {
      kafka.setBrokers(brokers);
    }
    return kafka;
  }

  /** Which dead letters to replay. */
  record Selection(boolean all, Set<String> messageIds, Map<Integer, long[]> offsets, boolean dryRun) {

    static Selection parse(String[] args, List<String> configuration) {
      boolean all = false;
      boolean dryRun = false;
      Set<String> ids = new LinkedHashSet<>();
      Map<Integer, long[]> offsets = new HashMap<>();
      for (String arg : args) {
        if (arg.equals("--all")) {
          all = true;
        } else if (arg.equals("--dry-run")) {
          dryRun = true;
        } else if (arg.startsWith("--message-id=")) {
          for (String id : arg.substring("--message-id=".length()).split(",")) {
            if (!id.isBlank()) {
              ids.add(id.trim());
            }
          }
        } else if (arg.startsWith("--offsets=")) {
          String spec = arg.substring("--offsets=".length());
          try {
            String[] partitionAndRange = spec.split(":", 2);
            String[] range = partitionAndRange[1].split("-", 2);
            long from = Long.parseLong(range[0]);
            long to = range.length > 1 ? Long.parseLong(range[1]) : from;
            if (from > to) {
              throw new IllegalArgumentException("--offsets=" + spec + ": FROM is after TO");
            }
            offsets.put(Integer.parseInt(partitionAndRange[0]), new long[] {from, to});
          } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--offsets takes PARTITION:FROM-TO, e.g. 0:120-180; got " + spec);
          }
        } else if (arg.startsWith("--") && arg.contains("=")) {
          configuration.add(arg);
        } else {
          throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      if (!all && ids.isEmpty() && offsets.isEmpty()) {
        throw new IllegalArgumentException("choose what to redrive: --all, --message-id or --offsets");
      }
      return new Selection(all, ids, offsets, dryRun);
    }

    boolean matches(int partition, long offset, Optional<String> messageId) {
      if (all) {
        return true;
      }
      long[] range = offsets.get(partition);
      if (range != null && offset >= range[0] && offset <= range[1]) {
        return true;
      }
      return messageId.filter(messageIds::contains).isPresent();
    }
  }
}
