package dev.usermq.mq;

import static dev.usermq.mq.InvalidAuthMsgException.PARSE_ERROR;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.usermq.logic.AuthMsgLogic;
import dev.usermq.logic.AuthMsgResult;
import dev.usermq.logic.Outcome;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.repository.model.AuthMsgRow;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.tracing.CurrentTraceHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Batch mode of the auth route ({@code consumer.batch.enabled}): the records of one poll handled
 * together by the steps of route {@code auth-msg-batch-consumer}, with the guarantees of the
 * per-record route.
 *
 * <ol>
 *   <li>{@link #apply}: each record is checked and parsed on its own, and one that is bad input
 *       goes to the DLQ alone (through route {@code dead-letter}, as in per-record mode). The ids
 *       of the others are looked up in Redis with one MGET (those found are duplicates, skipped
 *       without touching MySQL), the rest in the ledger with one query (those found are duplicates
 *       whose committed side effects are delivered again), and the rest are applied in one
 *       transaction. A record whose application fails for a reason of its own rolls that
 *       transaction back; the records before it are applied again and committed without it, it is
 *       retried alone ({@code retry.unexpected.*}) and dead-lettered alone if it keeps failing, and
 *       the records after it go on together. A dependency that is down fails the batch.
 *   <li>{@link #events}: the events of the batch, sent together by the route and acknowledged once;
 *       {@link #eventsSent} hands them to the delivery marks.
 *   <li>{@link #finish}: the batch's users with authz commands handed to the background delivery
 *       ({@link AuthzDeliveryQueue}: the batch does not wait for authz), the cache refreshed, the
 *       processed ids written to Redis in one pipeline, the counts.
 *   <li>{@link #commit}: one offset commit a partition, after the batch is done.
 * </ol>
 *
 * A batch that fails (a dependency down, after the route's retries) commits nothing: the consumer
 * resumes from the committed offsets and reads it again; its committed records are then duplicates,
 * whose pending side effects are delivered again.
 */
@Component
public class AuthMsgBatch {

  /** The variable of a record exchange with its untouched value, as the dead-letter route reads. */
  static final String RAW_VALUE = "rawValue";

  private static final Logger log = LoggerFactory.getLogger(AuthMsgBatch.class);

  private final AuthMsgValidator validator;
  private final FailureClassifier classifier;
  private final AuthMsgLogic logic;
  private final TransactionOperations tx;
  private final DeadLetterAwareIdempotentRepository processedIds;
  private final ProcessingStats stats;
  private final AuthzDeliveryQueue authz;
  private final DeliveryMarks marks;
  private final OutboxRelay outbox;
  private final ProducerTemplate producer;
  private final CamelContext camel;
  private final RedeliveryPolicy unexpectedRedelivery;
  private final CurrentTraceHeaders traceHeaders;

  public AuthMsgBatch(
      AuthMsgValidator validator,
      FailureClassifier classifier,
      AuthMsgLogic logic,
      TransactionOperations tx,
      DeadLetterAwareIdempotentRepository processedIds,
      ProcessingStats stats,
      AuthzDeliveryQueue authz,
      DeliveryMarks marks,
      OutboxRelay outbox,
      ProducerTemplate producer,
      CamelContext camel,
      @Qualifier("unexpectedRedeliveryPolicy") RedeliveryPolicy unexpectedRedelivery,
      CurrentTraceHeaders traceHeaders) {
    this.validator = validator;
    this.classifier = classifier;
    this.logic = logic;
    this.tx = tx;
    this.processedIds = processedIds;
    this.stats = stats;
    this.authz = authz;
    this.marks = marks;
    this.outbox = outbox;
    this.producer = producer;
    this.camel = camel;
    // the per-record route's policy for the same failures: the same retries and delays
    this.unexpectedRedelivery = unexpectedRedelivery;
    this.traceHeaders = traceHeaders;
  }

  /** One record of a batch and what became of it. */
  static final class Entry {
    final Exchange record;
    final AuthMsg msg;
    AuthMsgLogic.Prepared prepared;
    AuthMsgResult result;
    boolean duplicateOnFastPath;
    boolean deadLettered;
    RuntimeException failure;

    Entry(Exchange record, AuthMsg msg) {
      this.record = record;
      this.msg = msg;
    }
  }

  /** A batch between the route's steps: its record exchanges in poll order, and its entries. */
  public static final class Batch {
    private final List<Exchange> records;
    private final List<Entry> entries;

    Batch(List<Exchange> records, List<Entry> entries) {
      this.records = records;
      this.entries = entries;
    }

    /** The results of the records that were processed (applied, no-op, rejected, duplicate). */
    public List<AuthMsgResult> results() {
      return entries.stream().filter(e -> e.result != null).map(e -> e.result).toList();
    }

    /** The committed events of the batch still to publish, in record order. */
    public List<OutboxRow> events() {
      return results().stream().flatMap(r -> r.events().stream()).toList();
    }

    /** Whether the batch has events to publish. */
    public boolean hasEvents() {
      return entries.stream().anyMatch(e -> e.result != null && !e.result.events().isEmpty());
    }

    /** How many records the batch has. */
    public int size() {
      return records.size();
    }
  }

  /**
   * Checks, parses, de-duplicates and applies the records of a batch (the body of the batch
   * exchange: the record exchanges in poll order).
   */
  public Batch apply(List<Exchange> records) throws Exception {
    List<Entry> entries = new ArrayList<>(records.size());
    List<Entry> valid = new ArrayList<>(records.size());
    for (Exchange record : records) {
      Entry entry = parse(record);
      if (entry.msg != null) {
        valid.add(entry);
      }
      entries.add(entry);
    }
    List<Entry> fresh = withoutFastPathDuplicates(valid);
    Map<String, AuthMsgRow> processed =
        logic.processed(fresh.stream().map(e -> e.msg.getMessageId()).distinct().toList());
    List<Entry> toApply = new ArrayList<>(fresh.size());
    for (Entry entry : fresh) {
      AuthMsgRow done = processed.get(entry.msg.getMessageId());
      if (done != null) {
        entry.result = logic.duplicate(entry.msg, done);
      } else {
        prepare(entry);
        toApply.add(entry);
      }
    }
    applyAll(toApply);
    return new Batch(records, entries);
  }

  /**
   * The events of the batch as messages for one send: topic, key and headers of each, the batch's
   * trace context included (Kafka's records of one send take the headers of their own message).
   */
  public List<Message> events(Batch batch) {
    List<Message> messages = new ArrayList<>();
    // the same record as route publish-event sends for one event
    for (OutboxRow event : batch.events()) {
      Message message = new DefaultMessage(camel);
      message.setHeader(KafkaConstants.OVERRIDE_TOPIC, event.topic());
      // as bytes: the key serializer takes bytes, and Camel converts a key only for a single send
      message.setHeader(KafkaConstants.KEY, event.recordKey().getBytes(StandardCharsets.UTF_8));
      message.setHeader("event-id", event.eventId());
      message.setHeader("event-type", event.eventType());
      message.setHeader("source-message-id", event.sourceMessageId());
      traceHeaders.putInto(message);
      message.setBody(event.payload());
      messages.add(message);
    }
    return messages;
  }

  /** The batch's events were acknowledged: they are marked sent with the next marks. */
  public void eventsSent(Batch batch) {
    for (OutboxRow event : batch.events()) {
      marks.eventSent(event.id());
    }
  }

  /**
   * Sending the batch's events failed: a dependency that is down fails the batch (it is retried and
   * finds its events pending); any other failure leaves them to the relay.
   */
  public void eventsFailed(Batch batch, Exception failure, Exchange exchange) throws Exception {
    List<Long> ids = batch.events().stream().map(OutboxRow::id).toList();
    outbox.inlineFailed("event", "outbox ids " + ids, failure, exchange);
  }

  /**
   * After the events: hands the users of the batch's authz commands to the background delivery,
   * refreshes the cache of the users written, writes the processed ids to Redis (one pipeline) and
   * counts every record.
   */
  public void finish(Batch batch) {
    for (AuthMsgResult result : batch.results()) {
      if (!result.authzCommands().isEmpty()) {
        authz.handOver(result.userId());
      }
      logic.refreshCache(result);
    }
    // as the per-record route's idempotent consumer: a dead-lettered record's id is not written,
    // so that a redriven copy is processed
    processedIds.addAll(
        batch.entries.stream()
            .filter(e -> e.result != null)
            .map(e -> e.result.messageId())
            .distinct()
            .toList());
    for (Entry entry : batch.entries) {
      if (entry.result != null) {
        stats.record(entry.result, entry.record);
      } else if (entry.duplicateOnFastPath) {
        stats.duplicateOnFastPath(entry.record);
      }
      stats.finished(entry.record);
    }
  }

  /**
   * Commits the offsets of the batch: for each partition, the one after its last record. On the
   * consumer's thread, as every commit must be.
   */
  public void commit(Batch batch) {
    Map<String, KafkaManualCommit> lastOfPartition = new LinkedHashMap<>();
    for (Exchange record : batch.records) {
      Message message = record.getMessage();
      KafkaManualCommit commit =
          message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
      if (commit != null) {
        lastOfPartition.put(
            message.getHeader(KafkaConstants.TOPIC)
                + "-"
                + message.getHeader(KafkaConstants.PARTITION),
            commit);
      }
    }
    lastOfPartition.values().forEach(KafkaManualCommit::commit);
  }

  private Entry parse(Exchange record) throws Exception {
    if (record.getProperty(
        DeadLetterAwareIdempotentRepository.DEAD_LETTERED, false, Boolean.class)) {
      // dead-lettered by an earlier attempt at this batch, which then failed and is retried
      Entry earlier = new Entry(record, null);
      earlier.deadLettered = true;
      return earlier;
    }
    byte[] value = record.getMessage().getBody(byte[].class);
    record.setVariable(RAW_VALUE, value);
    try {
      validator.checkSize(value);
      AuthMsg msg = AuthMsg.parseFrom(value);
      validator.validate(msg);
      return new Entry(record, msg);
    } catch (InvalidProtocolBufferException e) {
      deadLetter(record, PARSE_ERROR, e);
    } catch (InvalidAuthMsgException e) {
      deadLetter(record, e.reason(), e);
    }
    Entry bad = new Entry(record, null);
    bad.deadLettered = true;
    return bad;
  }

  /** Those of the entries whose ids Redis does not have yet (one MGET). */
  private List<Entry> withoutFastPathDuplicates(List<Entry> valid) {
    Set<String> known =
        processedIds.containsAny(valid.stream().map(e -> e.msg.getMessageId()).distinct().toList());
    List<Entry> fresh = new ArrayList<>(valid.size());
    for (Entry entry : valid) {
      if (known.contains(entry.msg.getMessageId())) {
        entry.duplicateOnFastPath = true;
      } else {
        fresh.add(entry);
      }
    }
    return fresh;
  }

  /**
   * Asks what a record needs before the transaction; a failure of the record's own leaves it
   * unprepared, to be retried alone in its turn.
   */
  private void prepare(Entry entry) {
    try {
      entry.prepared = logic.prepare(entry.msg);
    } catch (RuntimeException e) {
      if (classifier.isTransient(e)) {
        throw e;
      }
      entry.failure = e;
    }
  }

  /**
   * Applies the entries, in order, in as few transactions as their failures allow: all in one,
   * unless one fails for a reason of its own; then the ones before it in one, it alone (retried,
   * perhaps dead-lettered), and the ones after it together again. The ledger rows of a
   * transaction's records are claimed in one statement and marked processed in one, so a
   * transaction holds each message id once: a copy of a record starts the next one, and is a
   * duplicate if its first copy was applied.
   */
  private void applyAll(List<Entry> entries) throws Exception {
    // the result of each message id applied so far in this batch
    Map<String, AuthMsgResult> applied = new HashMap<>();
    int from = 0;
    int to = -1;
    int alone = -1;
    while (from < entries.size()) {
      Entry entry = entries.get(from);
      AuthMsgResult first = applied.get(entry.msg.getMessageId());
      if (first != null) {
        entry.result = copyOf(first);
        from++;
        to = -1;
        continue;
      }
      int end = to < 0 ? together(entries, from, applied) : to;
      int failed = end == from || from == alone ? from : applyTogether(entries, from, end);
      if (failed == ONE_BY_ONE) {
        for (int i = from; i < end; i++) {
          applyAlone(entries.get(i), false);
        }
      } else if (failed > from) {
        to = failed;
        alone = failed;
        continue;
      } else if (failed == from) {
        applyAlone(entries.get(from), true);
        end = from + 1;
      }
      for (Entry done : entries.subList(from, end)) {
        if (done.result != null) {
          applied.put(done.result.messageId(), done.result);
        }
      }
      from = end;
      to = -1;
    }
  }

  /**
   * The end of the entries from {@code from} that can go in one transaction: up to the first that
   * is not prepared, or whose message id one before it in the run has, or was applied.
   */
  private static int together(List<Entry> entries, int from, Map<String, AuthMsgResult> applied) {
    Set<String> ids = new HashSet<>();
    int end = from;
    while (end < entries.size()) {
      Entry entry = entries.get(end);
      String id = entry.msg.getMessageId();
      if (entry.prepared == null || applied.containsKey(id) || !ids.add(id)) {
        break;
      }
      end++;
    }
    return end;
  }

  /**
   * A copy of a record applied earlier in the batch: a duplicate, whose events and authz commands
   * its first copy delivers.
   */
  private static AuthMsgResult copyOf(AuthMsgResult first) {
    return new AuthMsgResult(
        first.messageId(), first.kind(), Outcome.DUPLICATE, first.userId(), List.of(), List.of());
  }

  /**
   * Applies entries [from, to), whose message ids differ, in one transaction and returns {@link
   * #APPLIED}; or rolls it back and returns the index of the entry that failed for a reason of its
   * own, or {@link #ONE_BY_ONE} when one of their ledger rows was claimed by another transaction or
   * a statement of them all failed otherwise. A transient failure is thrown.
   */
  private int applyTogether(List<Entry> entries, int from, int to) {
    List<Entry> range = entries.subList(from, to);
    int[] failed = {APPLIED};
    try {
      tx.executeWithoutResult(
          status -> {
            List<AuthMsgLogic.Prepared> prepared = range.stream().map(e -> e.prepared).toList();
            try {
              logic.claim(prepared);
            } catch (DuplicateKeyException e) {
              failed[0] = ONE_BY_ONE;
              throw new RecordFailed();
            }
            for (int k = 0; k < range.size(); ) {
              int end = AuthMsgLogic.registersTogether(prepared, k);
              if (end - k > 1) {
                List<AuthMsgLogic.Prepared> registers = prepared.subList(k, end);
                List<AuthMsgResult> results =
                    ofAll(range, failed, () -> logic.applyClaimedRegisters(registers));
                for (int j = k; j < end; j++) {
                  range.get(j).result = results.get(j - k);
                }
                k = end;
                continue;
              }
              Entry entry = range.get(k);
              try {
                entry.result = logic.applyClaimed(entry.prepared);
              } catch (RuntimeException e) {
                if (classifier.isTransient(e)) {
                  throw e;
                }
                entry.failure = e;
                failed[0] = from + k;
                throw new RecordFailed();
              }
              k++;
            }
            List<AuthMsgResult> results =
                ofAll(
                    range,
                    failed,
                    () -> logic.markProcessed(range.stream().map(e -> e.result).toList()));
            for (int i = 0; i < range.size(); i++) {
              range.get(i).result = results.get(i);
            }
          });
      return APPLIED;
    } catch (RuntimeException e) {
      for (Entry entry : range) {
        entry.result = null;
      }
      if (e instanceof RecordFailed) {
        return failed[0];
      }
      throw e;
    }
  }

  /**
   * The results of a step of the transaction that applies {@code range} and names no record that
   * failed: a failure of its own rolls the transaction back and sends each record alone ({@link
   * #ONE_BY_ONE}); a transient failure is thrown.
   */
  private List<AuthMsgResult> ofAll(
      List<Entry> range, int[] failed, Supplier<List<AuthMsgResult>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      if (classifier.isTransient(e)) {
        throw e;
      }
      log.warn("applying {} records one by one: {}", range.size(), String.valueOf(e));
      failed[0] = ONE_BY_ONE;
      throw new RecordFailed();
    }
  }

  /**
   * A record applied alone, in its own transaction: first tried unless it failed before ({@code
   * failedBefore}, in its batch's transaction or its preparation); one that failed for a reason of
   * its own is retried alone with the per-record route's policy for such failures ({@code
   * unexpectedRedeliveryPolicy}, from {@code retry.unexpected.*}), then dead-lettered as {@code
   * RETRIES_EXHAUSTED}. The consumer's thread waits between the retries, as Camel's redelivery does
   * in the per-record route.
   */
  private void applyAlone(Entry entry, boolean failedBefore) throws Exception {
    RuntimeException last = entry.failure;
    int redeliveries = unexpectedRedelivery.getMaximumRedeliveries();
    long delay = 0;
    for (int attempt = failedBefore ? 1 : 0; attempt <= redeliveries; attempt++) {
      if (attempt > 0) {
        stats.retried(ProcessingStats.UNEXPECTED);
        log.warn(
            "retrying message {} alone ({} of {}): {}",
            entry.msg.getMessageId(),
            attempt,
            redeliveries,
            String.valueOf(last));
        delay = unexpectedRedelivery.calculateRedeliveryDelay(delay, attempt);
        Thread.sleep(delay);
      }
      try {
        entry.result = logic.handle(entry.msg);
        return;
      } catch (RuntimeException e) {
        if (classifier.isTransient(e)) {
          throw e;
        }
        last = e;
      }
    }
    log.error("message {} failed after its retries", entry.msg.getMessageId(), last);
    deadLetter(entry.record, "RETRIES_EXHAUSTED", last);
    entry.deadLettered = true;
  }

  /**
   * Sends a record to the DLQ through route {@code dead-letter}, with the reason and the failure,
   * as the per-record route does; a failure to send fails the batch.
   */
  private void deadLetter(Exchange record, String reason, Exception failure) throws Exception {
    record.getMessage().setHeader("dlq-reason", reason);
    record.setProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, failure);
    producer.send("direct:dead-letter", record);
    if (record.getException() != null) {
      throw record.getException();
    }
  }

  /** What {@link #applyTogether} returns when it applied all its entries. */
  private static final int APPLIED = -1;

  /**
   * What {@link #applyTogether} returns when another transaction had claimed one of its records, or
   * a statement of them all failed for no reason of one record: they go one by one.
   */
  private static final int ONE_BY_ONE = -2;

  /** Rolls back the transaction of a batch when one of its records failed on its own. */
  private static final class RecordFailed extends RuntimeException {
    RecordFailed() {
      super(null, null, false, false);
    }
  }
}
