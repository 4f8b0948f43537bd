package dev.usermq.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.CancelUserOrdersReq;
import dev.usermq.proto.common.mq.v1.UserCountReq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Checks a drained scenario against the workload's model, from MySQL and Kafka only (Redis is never
 * asked). Every broken rule is one line in {@link Verdict#failures}.
 */
final class Oracle {

  /** What the oracle found. */
  static final class Verdict {
    final List<String> failures = new ArrayList<>();
    long applied;
    long noop;
    long rejected;
    long deadLettered;
    long deadLetterCopies;
    long eventsOut;
    long duplicateEvents;

    void fail(String what) {
      if (failures.size() < 200) {
        failures.add(what);
      }
    }
  }

  private record Event(String topic, String type, long userId) {}

  private Oracle() {}

  static Verdict check(
      Workload w, JdbcClient jdbc, String brokers, Topics topics, ControllableAuthz.State authz) {
    Verdict v = new Verdict();

    // the ledger: exactly one processed row per distinct valid message id, with the model's outcome
    Map<String, Object[]> rows = new HashMap<>();
    jdbc.sql("SELECT message_id, kind, user_id, outcome, processed FROM auth_msg")
        .query(
            rs -> {
              rows.put(
                  rs.getString(1),
                  new Object[] {rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5)});
            });
    Map<String, Long> accountUser = new HashMap<>();
    Map<Long, Set<String>> accountsOfUser = new HashMap<>();
    jdbc.sql("SELECT user_id, platform, open_id FROM user_third_auth")
        .query(
            rs -> {
              String account = Workload.account(rs.getString(2), rs.getString(3));
              accountUser.put(account, rs.getLong(1));
              accountsOfUser.computeIfAbsent(rs.getLong(1), id -> new HashSet<>()).add(account);
            });
    int missing = 0;
    for (Map.Entry<String, Workload.Expect> e : w.ledger.entrySet()) {
      Object[] row = rows.get(e.getKey());
      Workload.Expect x = e.getValue();
      if (row == null) {
        if (missing++ < 20) {
          v.fail("lost: no ledger row for " + e.getKey() + " " + x);
        }
        continue;
      }
      long expectedUser =
          x.account() == null ? x.userId() : accountUser.getOrDefault(x.account(), -1L);
      if (!x.kind().equals(row[0])
          || !x.outcome().equals(row[2])
          || expectedUser != (long) row[1]
          || (int) row[3] != 1) {
        v.fail(
            "ledger "
                + e.getKey()
                + ": expected "
                + x.kind()
                + "/"
                + x.outcome()
                + "/user "
                + expectedUser
                + ", found "
                + row[0]
                + "/"
                + row[2]
                + "/user "
                + row[1]
                + "/processed "
                + row[3]);
      }
      switch (String.valueOf(row[2])) {
        case "APPLIED" -> v.applied++;
        case "NOOP" -> v.noop++;
        case "REJECTED" -> v.rejected++;
        default -> {}
      }
    }
    if (missing > 0) {
      v.fail("lost: " + missing + " valid message ids have no ledger row");
      Set<String> lost = new HashSet<>(w.ledger.keySet());
      lost.removeAll(rows.keySet());
      Set<String> caseLost = caseSiblings(lost, w.ledger.keySet());
      if (!caseLost.isEmpty()) {
        v.fail(
            "identifiers compared without case: "
                + caseLost.size()
                + " of the lost message ids differ"
                + " only in case from another message id of the workload ("
                + w.caseVariantMessageIds
                + " such ids sent): "
                + clip(caseLost));
      }
    }
    for (String id : rows.keySet()) {
      if (!w.ledger.containsKey(id)) {
        v.fail("ledger row for a message that must not be applied: " + id);
      }
    }

    // users: exactly one per registered account, none left over from a REGISTER applied twice
    Map<Long, Integer> status = new HashMap<>();
    jdbc.sql("SELECT id, status FROM `user`")
        .query(
            rs -> {
              status.put(rs.getLong(1), rs.getInt(2));
            });
    Set<Long> registeredUsers = new HashSet<>();
    Set<String> unbound = new HashSet<>();
    for (String account : w.registeredAccounts) {
      Long user = accountUser.get(account);
      if (user == null) {
        unbound.add(account);
        if (unbound.size() <= 20) {
          v.fail("registered account has no binding: " + account);
        }
      } else if (!registeredUsers.add(user)) {
        v.fail("two registered accounts share user " + user);
      }
    }
    Set<String> caseUnbound = caseSiblings(unbound, w.registeredAccounts);
    if (!caseUnbound.isEmpty()) {
      v.fail(
          "identifiers compared without case: "
              + caseUnbound.size()
              + " registered accounts without a"
              + " user differ only in the case of the open id from another account ("
              + w.caseVariantOpenIds
              + " such open ids sent): "
              + clip(caseUnbound));
    }
    if (status.size() != w.registeredAccounts.size() || !status.keySet().equals(registeredUsers)) {
      Set<Long> extra = new HashSet<>(status.keySet());
      extra.removeAll(registeredUsers);
      v.fail(
          "users: expected "
              + w.registeredAccounts.size()
              + " (one per registered account), found "
              + status.size()
              + "; users without a registered account: "
              + clip(extra));
    }
    // bindings and status of the scripted users
    for (long user : w.userIds) {
      Set<String> expected = new HashSet<>(w.extraBindings.getOrDefault(user, Set.of()));
      Set<String> actual = new HashSet<>(accountsOfUser.getOrDefault(user, Set.of()));
      actual.removeIf(w.registeredAccounts::contains);
      if (!expected.equals(actual)) {
        v.fail(
            "bindings of user "
                + user
                + ": expected "
                + clip(expected)
                + ", found "
                + clip(actual));
      }
      int expectedStatus = w.deactivated.contains(user) ? 2 : 1;
      if (status.getOrDefault(user, 0) != expectedStatus) {
        v.fail(
            "status of user "
                + user
                + ": expected "
                + expectedStatus
                + ", found "
                + status.get(user));
      }
    }
    long expectedBindings =
        w.registeredAccounts.size() + w.extraBindings.values().stream().mapToLong(Set::size).sum();
    if (accountUser.size() != expectedBindings) {
      v.fail(
          "user_third_auth: expected " + expectedBindings + " rows, found " + accountUser.size());
    }
    checkAuthz(v, w, authz, status, registeredUsers);

    // events: every expected one out, under its stable id; copies counted
    Map<String, Event> expectedEvents = new LinkedHashMap<>();
    for (Map.Entry<String, Workload.Expect> e : w.ledger.entrySet()) {
      Workload.Expect x = e.getValue();
      if (!"APPLIED".equals(x.outcome())) {
        continue;
      }
      if (x.kind().equals("REGISTER")) {
        long user = accountUser.getOrDefault(x.account(), -1L);
        expectedEvents.put(
            e.getKey() + ":user.count", new Event(topics.user(), "user.count", user));
      } else if (x.kind().equals("DEACTIVATE")) {
        expectedEvents.put(
            e.getKey() + ":order.cancel_by_user",
            new Event(topics.order(), "order.cancel_by_user", x.userId()));
        expectedEvents.put(
            e.getKey() + ":user.count", new Event(topics.user(), "user.count", x.userId()));
      }
    }
    long unsent =
        jdbc.sql("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").query(Long.class).single();
    if (unsent != 0) {
      v.fail("outbox: " + unsent + " events never marked sent");
    }
    Set<String> outboxIds =
        new HashSet<>(jdbc.sql("SELECT event_id FROM outbox").query(String.class).list());
    if (!outboxIds.equals(expectedEvents.keySet())) {
      Set<String> extra = new HashSet<>(outboxIds);
      extra.removeAll(expectedEvents.keySet());
      Set<String> absent = new HashSet<>(expectedEvents.keySet());
      absent.removeAll(outboxIds);
      v.fail("outbox: unexpected events " + clip(extra) + ", missing " + clip(absent));
    }
    Map<String, Integer> copies = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        readAll(brokers, List.of(topics.user(), topics.order()))) {
      String id = header(r, "event-id");
      Event x = expectedEvents.get(id);
      copies.merge(String.valueOf(id), 1, Integer::sum);
      if (x == null) {
        v.fail("event out that no applied message explains: " + id + " on " + r.topic());
        continue;
      }
      String source = id.substring(0, id.lastIndexOf(':'));
      byte[] payload =
          x.type().equals("user.count")
              ? UserCountReq.newBuilder().setUserId(x.userId()).build().toByteArray()
              : CancelUserOrdersReq.newBuilder()
                  .setUserId(x.userId())
                  .setReason("user_deactivated")
                  .build()
                  .toByteArray();
      if (!r.topic().equals(x.topic())
          || !Long.toString(x.userId()).equals(new String(r.key(), UTF_8))
          || !Arrays.equals(payload, r.value())
          || !x.type().equals(header(r, "event-type"))
          || !source.equals(header(r, "source-message-id"))) {
        v.fail("event " + id + " differs from its model (topic, key, payload or headers)");
      }
    }
    for (String id : expectedEvents.keySet()) {
      if (!copies.containsKey(id)) {
        v.fail("event never published: " + id);
      }
    }
    v.eventsOut = copies.size();
    v.duplicateEvents = copies.values().stream().mapToLong(c -> c - 1).sum();

    // the DLQ: exactly the poison records, byte-identical, with their reasons; nothing valid
    Map<String, Workload.Rec> bySource = new HashMap<>();
    for (Workload.Rec r : w.sent) {
      bySource.put(r.partition + "@" + r.offset, r);
    }
    Map<Workload.Rec, Integer> dead = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(brokers, List.of(topics.dlq()))) {
      String source = header(r, "dlq-source-partition") + "@" + header(r, "dlq-source-offset");
      Workload.Rec original = bySource.get(source);
      if (original == null) {
        v.fail("DLQ record from an offset the suite never produced: " + source);
        continue;
      }
      dead.merge(original, 1, Integer::sum);
      if (original.poison == null) {
        v.fail(
            "valid record dead-lettered"
                + (rows.containsKey(original.messageId) ? " and also applied" : "")
                + ": "
                + original.messageId
                + " at "
                + source
                + " reason "
                + header(r, "dlq-reason")
                + " "
                + header(r, "dlq-error"));
        continue;
      }
      if (!Arrays.equals(original.value, r.value())
          || !Arrays.equals(original.key, r.key())
          || !original.trace.equals(header(r, "x-trace"))) {
        v.fail(
            "DLQ record of "
                + original.poison
                + " at "
                + source
                + " is not the original (value, key or headers)");
      }
      if (!original.poison.reason.equals(header(r, "dlq-reason"))
          || isBlank(header(r, "dlq-error"))
          || !topics.auth().equals(header(r, "dlq-source-topic"))
          || isBlank(header(r, "dlq-failed-at"))) {
        v.fail(
            "DLQ headers of "
                + original.poison
                + " at "
                + source
                + ": reason "
                + header(r, "dlq-reason")
                + ", error "
                + header(r, "dlq-error")
                + ", topic "
                + header(r, "dlq-source-topic"));
      }
      if (r.value() != null) {
        try {
          String id = AuthMsg.parseFrom(r.value()).getMessageId();
          if (!id.isEmpty() && rows.containsKey(id)) {
            v.fail("record both applied and dead-lettered: " + id);
          }
        } catch (Exception notProtobuf) {
          // nothing that could have been applied
        }
      }
    }
    for (Workload.Rec p : w.poison) {
      if (!dead.containsKey(p)) {
        v.fail("poison record not in the DLQ: " + p.poison + " at " + p.partition + "@" + p.offset);
      }
    }
    v.deadLettered = dead.size();
    v.deadLetterCopies = dead.values().stream().mapToLong(c -> c - 1).sum();
    return v;
  }

  /**
   * G6, side effects follow the data, from the role state authz really holds (every write it
   * applied, also those it answered late or with an error): a user of an applied REGISTER holds
   * {@code member} unless deactivated since; no user id that MySQL lacks holds any role; a user
   * whose DEACTIVATE was applied had RevokeRoles applied after its last GrantRole and holds
   * nothing. Any active user holds {@code member}, any deactivated one nothing.
   */
  private static void checkAuthz(
      Verdict v,
      Workload w,
      ControllableAuthz.State authz,
      Map<Long, Integer> status,
      Set<Long> registeredUsers) {
    Set<Long> orphans = new HashSet<>();
    authz
        .roles()
        .forEach(
            (user, held) -> {
              if (!held.isEmpty() && !status.containsKey(user)) {
                orphans.add(user);
              }
            });
    if (!orphans.isEmpty()) {
      v.fail(
          "G6 orphan grants: authz holds a role for "
              + orphans.size()
              + " user ids MySQL does not have: "
              + clip(orphans));
    }
    Set<Long> notGranted = new HashSet<>();
    for (long user : registeredUsers) {
      if (!w.deactivated.contains(user)
          && !authz.rolesOf(user).contains(ControllableAuthz.MEMBER)) {
        notGranted.add(user);
      }
    }
    if (!notGranted.isEmpty()) {
      v.fail(
          "G6 missing grants: "
              + notGranted.size()
              + " users of applied REGISTERs, never deactivated,"
              + " do not hold "
              + ControllableAuthz.MEMBER
              + " in authz: "
              + clip(notGranted));
    }
    Set<Long> notRevoked = new HashSet<>();
    for (long user : w.deactivated) {
      long granted = authz.lastGrant().getOrDefault(user, 0L);
      long revoked = authz.lastRevoke().getOrDefault(user, 0L);
      if (status.getOrDefault(user, 0) == 2
          && (revoked <= granted || !authz.rolesOf(user).isEmpty())) {
        notRevoked.add(user);
      }
    }
    if (!notRevoked.isEmpty()) {
      v.fail(
          "G6 not revoked: "
              + notRevoked.size()
              + " users whose DEACTIVATE was applied (status 2) still hold"
              + " a role or had no RevokeRoles after their last GrantRole: "
              + clip(notRevoked));
    }
    Set<Long> activeWithout = new HashSet<>();
    Set<Long> inactiveWith = new HashSet<>();
    status.forEach(
        (user, st) -> {
          boolean member = authz.rolesOf(user).contains(ControllableAuthz.MEMBER);
          if (st == 1 && !member) {
            activeWithout.add(user);
          } else if (st != 1 && !authz.rolesOf(user).isEmpty()) {
            inactiveWith.add(user);
          }
        });
    activeWithout.removeAll(notGranted);
    inactiveWith.removeAll(notRevoked);
    if (!activeWithout.isEmpty()) {
      v.fail(
          "G6 revoked without a committed deactivation: "
              + activeWithout.size()
              + " users active in MySQL"
              + " do not hold "
              + ControllableAuthz.MEMBER
              + " in authz: "
              + clip(activeWithout));
    }
    if (!inactiveWith.isEmpty()) {
      v.fail(
          "G6 not revoked: "
              + inactiveWith.size()
              + " users deactivated in MySQL still hold a role in authz: "
              + clip(inactiveWith));
    }
  }

  /** Those of {@code ids} that equal, ignoring case, another member of {@code all}. */
  private static Set<String> caseSiblings(Set<String> ids, Set<String> all) {
    Map<String, Integer> folded = new HashMap<>();
    for (String id : all) {
      folded.merge(id.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    }
    Set<String> out = new HashSet<>();
    for (String id : ids) {
      if (folded.getOrDefault(id.toLowerCase(java.util.Locale.ROOT), 0) > 1) {
        out.add(id);
      }
    }
    return out;
  }

  /** Every record on the topics, from the beginning to the current end. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String brokers, List<String> topicNames) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            brokers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            2000,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_uncommitted");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topicNames) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topicNames + " to their end");
        }
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String clip(Set<?> set) {
    List<String> list = set.stream().map(String::valueOf).sorted().limit(5).toList();
    return list + (set.size() > 5 ? " (+" + (set.size() - 5) + " more)" : "");
  }
}
