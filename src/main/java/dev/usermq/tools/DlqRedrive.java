package dev.usermq.tools;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.repository.migration.IdentifierCollation;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code redrive-dlq}: replays chosen dead letters to the topic they came from and reports what it
 * did.
 *
 * <p>A record is replayed with its original key, value and headers (without the {@code dlq-*} ones,
 * plus {@code redriven-from}). Each replay is recorded in the {@code dlq_redrive} table, with the
 * record's {@code dlq-source-*} headers, so neither that dead letter nor another copy of the same
 * source record is replayed again. The row is inserted first, in a transaction that waits for the
 * broker's acknowledgement and commits after it: a crash between the two replays the record once
 * more on the next run. That makes delivery at least once, not exactly once, which is harmless
 * because the service de-duplicates by message id (the {@code auth_msg} ledger).
 *
 * <p>The Kafka clients use the service's own {@code camel.component.kafka.*} settings (security
 * protocol, SASL, TLS), and {@code --dry-run} changes nothing, the schema included.
 */
public final class DlqRedrive {

  /** The command word. */
  public static final String COMMAND = "redrive-dlq";

  private static final String USAGE =
      "usage: redrive-dlq (--all | --message-id=ID[,ID...] | --offsets=PARTITION:FROM-TO)..."
          + " [--dry-run] [--name=value configuration...] | --help";

  private static final String HELP =
      String.join(
          "\n",
          USAGE,
          "",
          "Replays chosen dead letters to the topic they came from (dlq-source-topic) with",
          "their key, value and headers (less dlq-*, plus redriven-from), and records each in",
          "the dlq_redrive table. A dead letter that was redriven, or a copy of one (same",
          "dlq-source-topic, -partition and -offset: a crash can dead-letter a record more",
          "than once), is never redriven again.",
          "",
          "  --all                 every dead letter not redriven yet, except those that came",
          "                        back to the DLQ after a redrive (a redriven-from header):",
          "                        they would loop, so they are reported as skipped",
          "  --message-id=ID[,ID]  the dead letters of these messages, came-back ones included",
          "  --offsets=P:FROM-TO   DLQ partition P, offsets FROM to TO; a FROM below the",
          "                        partition's log start is a usage error",
          "  --dry-run             reports what would be redriven; changes nothing, not even",
          "                        the schema",
          "  --name=value          configuration, as for the service (kafka.brokers,",
          "                        camel.component.kafka.*, spring.datasource.*, topics.*)",
          "",
          "Delivery is at least once, not exactly once: a crash after the broker acknowledged",
          "a replay and before its dlq_redrive row committed replays that dead letter again on",
          "the next run. That is harmless: the service de-duplicates by message_id (the",
          "auth_msg ledger), so the second replay is a no-op.",
          "",
          "Exit code: 0 done, 1 failed, 2 usage error.");

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
    if (Arrays.asList(args).contains("--help")) {
      out.println(HELP);
      return 0;
    }
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
      return new DlqRedrive(
              selection, ToolEnvironment.load(configuration.toArray(String[]::new)), out)
          .redrive();
    } catch (UsageException e) {
      out.println("redrive-dlq: " + e.getMessage());
      return 2;
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
    JdbcTemplate jdbc = new JdbcTemplate(db);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));

    int redriven = 0;
    int before = 0;
    int copies = 0;
    int cameBack = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                consumerProperties(env), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerProperties(env), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<ConsumerRecord<byte[], byte[]>> dlq = read(consumer, dlqTopic);
      Redrives redrives =
          selection.dryRun() ? Redrives.readOnly(db, jdbc, out) : Redrives.migrated(db, jdbc);
      // where each source record was redriven from in this run (or would be, in a dry run)
      Map<Source, String> thisRun = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> dead : dlq) {
        Optional<String> messageId = messageId(dead.value());
        if (!selection.matches(dead.partition(), dead.offset(), messageId)) {
          continue;
        }
        String target = header(dead, "dlq-source-topic").orElse(defaultTarget);
        String where = dlqTopic + "/" + dead.partition() + "@" + dead.offset();
        String what =
            messageId.orElse("(no message id)") + ", " + header(dead, "dlq-reason").orElse("?");
        Optional<Source> source = Source.of(dead);
        Optional<String> earlier = redrives.at(dlqTopic, dead);
        if (earlier.isPresent()) {
          out.println("already redriven " + where + " (" + what + ") at " + earlier.get());
          source.ifPresent(
              s -> {
                thisRun.putIfAbsent(s, where);
                if (!selection.dryRun()) {
                  redrives.recordSource(dlqTopic, dead, s);
                }
              });
          before++;
          continue;
        }
        Optional<String> copyOf = source.flatMap(s -> copyOf(s, thisRun, redrives));
        if (copyOf.isPresent()) {
          out.printf(
              "%s %s (%s): a copy of %s, %s%n",
              selection.dryRun() ? "would not redrive" : "already redriven",
              where,
              what,
              source.get(),
              copyOf.get());
          copies++;
          continue;
        }
        Optional<String> redrivenFrom = header(dead, "redriven-from");
        if (redrivenFrom.isPresent()
            && !selection.explicitly(dead.partition(), dead.offset(), messageId)) {
          out.printf(
              "skipped %s (%s): came back after a redrive from %s; --all would loop on it,"
                  + " choose it with --message-id=%s or --offsets=%d:%d-%d once its cause is"
                  + " fixed%n",
              where,
              what,
              redrivenFrom.get(),
              messageId.orElse("ID"),
              dead.partition(),
              dead.offset(),
              dead.offset());
          cameBack++;
          continue;
        }
        source.ifPresent(s -> thisRun.put(s, where));
        if (selection.dryRun()) {
          out.println("would redrive " + where + " (" + what + ") to " + target);
          redriven++;
          continue;
        }
        // the row first, then the replay, then the commit: a crash after the broker's ack and
        // before the commit replays the record again on the next run (at least once)
        RecordMetadata sent =
            tx.execute(
                status -> {
                  redrives.insert(dlqTopic, dead, messageId, source, target);
                  return send(producer, replay(dead, target, where));
                });
        out.printf(
            "redriven %s (%s) to %s/%d@%d%n", where, what, target, sent.partition(), sent.offset());
        redriven++;
      }
    } catch (DuplicateKeyException e) {
      out.println(
          "redrive-dlq: another redrive ran at the same time: "
              + e.getMostSpecificCause().getMessage());
      return 1;
    }
    out.printf(
        "redrive-dlq: %d %s, %d already redriven before, %d copies of a redriven record,"
            + " %d skipped (came back after a redrive)%n",
        redriven,
        selection.dryRun() ? "would be redriven (dry run)" : "redriven",
        before,
        copies,
        cameBack);
    return 0;
  }

  /** Which dead letter of this source record was (or, in a dry run, would be) redriven. */
  private Optional<String> copyOf(Source source, Map<Source, String> thisRun, Redrives redrives) {
    String original = thisRun.get(source);
    if (original == null) {
      return redrives.ofSource(source).map(earlier -> "redriven as " + earlier);
    }
    return Optional.of(
        selection.dryRun()
            ? original + " would be redriven instead"
            : "redriven as " + original + " in this run");
  }

  /**
   * Every record on the topic now, from its beginning (or the selected offsets) to its end. A
   * selected start below a partition's log start is refused: the records before it are gone
   * (retention), and the consumer would silently move to the end instead.
   */
  private List<ConsumerRecord<byte[], byte[]>> read(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    Map<TopicPartition, Long> logStart = consumer.beginningOffsets(partitions);
    for (Map.Entry<Integer, long[]> selected : selection.offsets().entrySet()) {
      int p = selected.getKey();
      long from = selected.getValue()[0];
      String option = "--offsets=" + p + ":" + from + "-" + selected.getValue()[1];
      Long start = logStart.get(new TopicPartition(topic, p));
      if (start == null) {
        throw new UsageException(
            String.format(
                "%s: %s has no partition %d (it has %d)", option, topic, p, partitions.size()));
      }
      if (from < start) {
        throw new UsageException(
            String.format(
                "%s: %s partition %d begins at log-start offset %d; the records before it were"
                    + " deleted (retention). Choose offsets from %d on.",
                option, topic, p, start, start));
      }
    }
    consumer.seekToBeginning(partitions);
    selection
        .offsets()
        .forEach((p, range) -> consumer.seek(new TopicPartition(topic, p), range[0]));
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

  private static RecordMetadata send(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    try {
      return producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "the broker refused the replay: " + e.getCause(), e.getCause());
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
   * (security protocol, SASL, TLS, additional properties), so that it connects wherever the service
   * does, less a group: it commits nothing and reads only committed records.
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
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
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
   * Camel's Kafka configuration bound from {@code camel.component.kafka.*} as the service binds it
   * (application.yaml, {@code CAMEL_COMPONENT_KAFKA_*} variables, arguments), so one set of
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

  /** A usage error found while running, such as offsets the DLQ no longer has: exit code 2. */
  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Where a dead letter came from: its {@code dlq-source-*} headers, the same on every copy. */
  private record Source(String topic, int partition, long offset) {

    static Optional<Source> of(ConsumerRecord<byte[], byte[]> r) {
      Optional<String> topic = header(r, "dlq-source-topic");
      Optional<String> partition = header(r, "dlq-source-partition");
      Optional<String> offset = header(r, "dlq-source-offset");
      if (topic.isEmpty() || partition.isEmpty() || offset.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Source(
                topic.get(),
                Integer.parseInt(partition.get().trim()),
                Long.parseLong(offset.get().trim())));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return topic + "/" + partition + "@" + offset;
    }
  }

  /**
   * The {@code dlq_redrive} table: which dead letters were redriven, and from which source records.
   * A dry run reads it as it is, and a missing table means nothing was redriven yet.
   */
  private static final class Redrives {

    private final JdbcTemplate jdbc;
    private final boolean table;
    private final boolean sources;

    private Redrives(JdbcTemplate jdbc, boolean table, boolean sources) {
      this.jdbc = jdbc;
      this.table = table;
      this.sources = sources;
    }

    /** Migrates the schema first: the table and its source columns exist. */
    static Redrives migrated(DataSource db, JdbcTemplate jdbc) {
      flyway(db).migrate();
      return new Redrives(jdbc, true, true);
    }

    /** For a dry run: the schema as it is, unmigrated, and what a migration would do. */
    static Redrives readOnly(DataSource db, JdbcTemplate jdbc, PrintStream out) {
      int pending = flyway(db).info().pending().length;
      if (pending > 0) {
        out.println("dry run: " + pending + " schema migration(s) pending, not applied");
      }
      List<String> columns =
          jdbc.queryForList(
              "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                  + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'dlq_redrive'",
              String.class);
      if (columns.isEmpty()) {
        out.println("dry run: no dlq_redrive table yet: nothing was redriven before");
      }
      return new Redrives(
          jdbc, !columns.isEmpty(), columns.stream().anyMatch("source_topic"::equalsIgnoreCase));
    }

    private static Flyway flyway(DataSource db) {
      return IdentifierCollation.apply(
              Flyway.configure().dataSource(db).locations("classpath:db/migration"))
          .load();
    }

    /** When this dead letter was redriven, if it was. */
    Optional<String> at(String dlqTopic, ConsumerRecord<byte[], byte[]> r) {
      if (!table) {
        return Optional.empty();
      }
      return jdbc
          .queryForList(
              "SELECT CAST(redriven_at AS CHAR) FROM dlq_redrive"
                  + " WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ?",
              String.class,
              dlqTopic,
              r.partition(),
              r.offset())
          .stream()
          .findFirst();
    }

    /** Which dead letter of this source record was redriven, and when, if one was. */
    Optional<String> ofSource(Source source) {
      if (!sources) {
        return Optional.empty();
      }
      return jdbc
          .query(
              "SELECT dlq_topic, dlq_partition, dlq_offset, CAST(redriven_at AS CHAR)"
                  + " FROM dlq_redrive"
                  + " WHERE source_topic = ? AND source_partition = ? AND source_offset = ?",
              (rs, n) ->
                  String.format(
                      "%s/%d@%d at %s",
                      rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4)),
              source.topic(),
              source.partition(),
              source.offset())
          .stream()
          .findFirst();
    }

    /**
     * Fills in the source of a row written before the table had one, so that later copies are
     * recognised even once retention has removed this dead letter.
     */
    void recordSource(String dlqTopic, ConsumerRecord<byte[], byte[]> r, Source source) {
      try {
        jdbc.update(
            "UPDATE dlq_redrive SET source_topic = ?, source_partition = ?, source_offset = ?"
                + " WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ?"
                + " AND source_topic IS NULL",
            source.topic(),
            source.partition(),
            source.offset(),
            dlqTopic,
            r.partition(),
            r.offset());
      } catch (DuplicateKeyException e) {
        // an older row already holds this source: a copy redriven before copies were recognised
      }
    }

    void insert(
        String dlqTopic,
        ConsumerRecord<byte[], byte[]> r,
        Optional<String> messageId,
        Optional<Source> source,
        String target) {
      jdbc.update(
          "INSERT INTO dlq_redrive (dlq_topic, dlq_partition, dlq_offset, message_id,"
              + " source_topic, source_partition, source_offset, target_topic)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          dlqTopic,
          r.partition(),
          r.offset(),
          messageId.orElse(null),
          source.map(Source::topic).orElse(null),
          source.map(Source::partition).orElse(null),
          source.map(Source::offset).orElse(null),
          target);
    }
  }

  /** Which dead letters to replay. */
  record Selection(
      boolean all, Set<String> messageIds, Map<Integer, long[]> offsets, boolean dryRun) {

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
            throw new IllegalArgumentException(
                "--offsets takes PARTITION:FROM-TO, e.g. 0:120-180; got " + spec);
          }
        } else if (arg.startsWith("--") && arg.contains("=")) {
          configuration.add(arg);
        } else {
          throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      if (!all && ids.isEmpty() && offsets.isEmpty()) {
        throw new IllegalArgumentException(
            "choose what to redrive: --all, --message-id or --offsets");
      }
      return new Selection(all, ids, offsets, dryRun);
    }

    boolean matches(int partition, long offset, Optional<String> messageId) {
      return all || explicitly(partition, offset, messageId);
    }

    /** Chosen by its message id or offset, not only by {@code --all}. */
    boolean explicitly(int partition, long offset, Optional<String> messageId) {
      long[] range = offsets.get(partition);
      if (range != null && offset >= range[0] && offset <= range[1]) {
        return true;
      }
      return messageId.filter(messageIds::contains).isPresent();
    }
  }
}
