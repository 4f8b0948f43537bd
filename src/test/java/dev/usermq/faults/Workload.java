package dev.usermq.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.support.Msgs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * The records of one scenario and a model of what they must do.
 *
 * <p>Phase 1 registers a base set of users. Phase 2 mixes every kind: a sequential script per user
 * (BIND, UNBIND, DEACTIVATE keyed by the user id, so one user's messages stay in order on one
 * partition), new registrations keyed by the open id, messages whose outcome does not depend on
 * order (REGISTER of a known account, BIND of another user's account, unknown users), repeated
 * message ids on the same partition and on another one, and poison records. Bind targets are named
 * per user, so users never contend for one account, and the model predicts every ledger outcome,
 * business row and event. Repeats after the idempotency TTL are added while the scenario runs, from
 * messages the ledger shows done long enough ago.
 *
 * <p>Identifiers compare byte for byte: the workload holds pairs of REGISTERs whose message ids
 * differ only in case (two messages, both applied) and pairs whose open ids on one platform differ
 * only in case (two accounts, two users).
 */
final class Workload {

  static final int PARTITIONS = 4;

  enum Poison {
    NOT_PROTOBUF("PARSE_ERROR"),
    TOMBSTONE("PARSE_ERROR"),
    MISSING_MESSAGE_ID("VALIDATION_ERROR"),
    MALFORMED_MESSAGE_ID("VALIDATION_ERROR"),
    UNSPECIFIED_KIND("VALIDATION_ERROR"),
    UNKNOWN_KIND("VALIDATION_ERROR"),
    MISSING_OPEN_ID("VALIDATION_ERROR"),
    OVER_SIZE_LIMIT("VALIDATION_ERROR");

    final String reason;

    Poison(String reason) {
      this.reason = reason;
    }
  }

  /** One record to produce; partition and offset are filled in once the broker acknowledged it. */
  static final class Rec {
    final byte[] key;
    final int partition;
    final byte[] value;
    final String messageId;
    final Poison poison;
    final String trace;
    volatile long offset = -1;

    Rec(byte[] key, int partition, byte[] value, String messageId, Poison poison, String trace) {
      this.key = key;
      this.partition = partition;
      this.value = value;
      this.messageId = messageId;
      this.poison = poison;
      this.trace = trace;
    }
  }

  /**
   * What the ledger must hold for a valid message id. For REGISTER the user is the one bound to
   * {@code account}; otherwise {@code userId}.
   */
  record Expect(String kind, String outcome, long userId, String account) {}

  private final String tag;
  private final Random rnd;
  private final int poisonCount;
  private final int sameRepeats;
  private final int crossRepeats;
  private final int ttlRepeats;
  private final int users;
  private final int phase2Originals;
  private int seq;
  private int traceSeq;

  final Map<String, Expect> ledger = new LinkedHashMap<>();
  final Map<String, Rec> originals = new HashMap<>();

  /** Accounts ("platform|open_id") that REGISTER creates a user for. */
  final Set<String> registeredAccounts = new LinkedHashSet<>();

  /** Phase-1 users: index to id, filled after phase 1. */
  final List<Long> userIds = new ArrayList<>();

  /** Accounts each phase-1 user holds at the end besides its registered one. */
  final Map<Long, Set<String>> extraBindings = new HashMap<>();

  final Set<Long> deactivated = new LinkedHashSet<>();
  final List<Rec> sent = new ArrayList<>();
  final List<Rec> poison = new ArrayList<>();
  private final List<String> orderFree = new ArrayList<>();

  /** Message ids (open ids) in the workload that equal another one but for case. */
  int caseVariantMessageIds;

  int caseVariantOpenIds;

  Workload(String tag, int records, long seed) {
    this.tag = tag;
    this.rnd = new Random(seed);
    this.poisonCount = Math.max(Poison.values().length, Math.round(records * 0.01f));
    int repeats = Math.round(records * 0.10f);
    this.ttlRepeats = Math.max(5, Math.round(repeats * 0.2f));
    this.crossRepeats = Math.round(repeats * 0.3f);
    this.sameRepeats = Math.max(0, repeats - ttlRepeats - crossRepeats);
    int originalsCount = records - poisonCount - repeats;
    this.users = Math.max(20, originalsCount / 8);
    this.phase2Originals = originalsCount - users;
  }

  int phase1Size() {
    return users;
  }

  int ttlRepeatQuota() {
    return ttlRepeats;
  }

  static String account(String platform, String openId) {
    return platform + "|" + openId;
  }

  static int partitionOf(byte[] key) {
    return Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
  }

  /** Phase 1: one REGISTER per base user, keyed by the open id. */
  List<Rec> phase1() {
    List<Rec> out = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String openId = baseOpenId(i);
      AuthMsg msg = withId(Msgs.register("wechat", openId));
      registeredAccounts.add(account("wechat", openId));
      ledger.put(
          msg.getMessageId(), new Expect("REGISTER", "APPLIED", 0, account("wechat", openId)));
      out.add(original(msg, openId.getBytes(UTF_8)));
    }
    return out;
  }

  private String baseOpenId(int i) {
    return "base-" + tag + "-" + i;
  }

  /** Phase 2, given the ids of the phase-1 users in order. */
  List<Rec> phase2(List<Long> ids) {
    userIds.addAll(ids);
    List<Rec> phase1 = new ArrayList<>(originals.values());
    record Placed(double pos, Rec rec) {}
    List<Placed> placed = new ArrayList<>();
    List<Rec> script = new ArrayList<>();
    UserState[] states = new UserState[ids.size()];
    for (int i = 0; i < states.length; i++) {
      states[i] = new UserState(ids.get(i));
      extraBindings.put(ids.get(i), states[i].bound);
    }
    int newAccounts = 0;
    while (script.size() < phase2Originals) {
      double r = rnd.nextDouble();
      if (r < 0.07) {
        // a new account registers; sometimes the identity side sends it twice
        String platform = rnd.nextBoolean() ? "wechat" : "apple";
        String openId = "new-" + tag + "-" + newAccounts++;
        byte[] key = openId.getBytes(UTF_8);
        AuthMsg first = withId(Msgs.register(platform, openId));
        registeredAccounts.add(account(platform, openId));
        ledger.put(
            first.getMessageId(), new Expect("REGISTER", "APPLIED", 0, account(platform, openId)));
        script.add(original(first, key));
        if (rnd.nextInt(4) == 0) {
          AuthMsg second = withId(Msgs.register(platform, openId));
          ledger.put(
              second.getMessageId(), new Expect("REGISTER", "NOOP", 0, account(platform, openId)));
          script.add(original(second, key));
        } else {
          orderFree.add(first.getMessageId());
        }
      } else if (r < 0.10) {
        // a known account registers again
        String openId = baseOpenId(rnd.nextInt(users));
        AuthMsg msg = withId(Msgs.register("wechat", openId));
        ledger.put(
            msg.getMessageId(), new Expect("REGISTER", "NOOP", 0, account("wechat", openId)));
        script.add(original(msg, openId.getBytes(UTF_8)));
        orderFree.add(msg.getMessageId());
      } else if (r < 0.12) {
        // a user nobody knows
        long unknown = 9_000_000_000L + rnd.nextInt(1_000_000);
        AuthMsg msg;
        String outcome;
        switch (rnd.nextInt(3)) {
          case 0 -> {
            msg = withId(Msgs.bind(unknown, "apple", "u-" + tag + "-" + seq));
            outcome = "REJECTED";
          }
          case 1 -> {
            msg = withId(Msgs.deactivate(unknown));
            outcome = "REJECTED";
          }
          default -> {
            msg = withId(Msgs.unbind(unknown, "apple", "u-" + tag + "-" + seq));
            outcome = "NOOP";
          }
        }
        ledger.put(msg.getMessageId(), new Expect(kind(msg), outcome, unknown, null));
        script.add(original(msg, Long.toString(unknown).getBytes(UTF_8)));
        orderFree.add(msg.getMessageId());
      } else if (r < 0.14) {
        // a user tries to bind another user's registered account
        int u = rnd.nextInt(users);
        int other = (u + 1 + rnd.nextInt(users - 1)) % users;
        AuthMsg msg = withId(Msgs.bind(ids.get(u), "wechat", baseOpenId(other)));
        ledger.put(msg.getMessageId(), new Expect("BIND", "REJECTED", ids.get(u), null));
        script.add(original(msg, Long.toString(ids.get(u)).getBytes(UTF_8)));
        orderFree.add(msg.getMessageId());
      } else if (r < 0.16) {
        // unbind of an account that was never bound
        int u = rnd.nextInt(users);
        AuthMsg msg = withId(Msgs.unbind(ids.get(u), "github", "never-" + tag + "-" + seq));
        ledger.put(msg.getMessageId(), new Expect("UNBIND", "NOOP", ids.get(u), null));
        script.add(original(msg, Long.toString(ids.get(u)).getBytes(UTF_8)));
        orderFree.add(msg.getMessageId());
      } else if (r < 0.175) {
        // two messages whose ids differ only in case: two messages, both applied
        String platform = rnd.nextBoolean() ? "wechat" : "apple";
        String[] ids2 = caseVariants(String.format("%s-%06d-", tag, seq++));
        for (String id : ids2) {
          String openId = "mid-" + tag + "-" + newAccounts++;
          AuthMsg msg = Msgs.register(platform, openId).toBuilder().setMessageId(id).build();
          registeredAccounts.add(account(platform, openId));
          ledger.put(id, new Expect("REGISTER", "APPLIED", 0, account(platform, openId)));
          script.add(original(msg, openId.getBytes(UTF_8)));
          orderFree.add(id);
        }
        caseVariantMessageIds += 2;
      } else if (r < 0.19) {
        // two accounts on one platform whose open ids differ only in case: two users
        String platform = rnd.nextBoolean() ? "wechat" : "apple";
        String[] openIds = caseVariants("oid-" + tag + "-" + newAccounts++ + "-");
        for (String openId : openIds) {
          AuthMsg msg = withId(Msgs.register(platform, openId));
          registeredAccounts.add(account(platform, openId));
          ledger.put(
              msg.getMessageId(), new Expect("REGISTER", "APPLIED", 0, account(platform, openId)));
          script.add(original(msg, openId.getBytes(UTF_8)));
          orderFree.add(msg.getMessageId());
        }
        caseVariantOpenIds += 2;
      } else {
        script.add(states[rnd.nextInt(states.length)].next());
      }
    }
    for (int i = 0; i < script.size(); i++) {
      placed.add(new Placed(i, script.get(i)));
    }
    // the same message again on its own partition, some time later (a producer retry, a replay)
    for (int i = 0; i < sameRepeats; i++) {
      if (rnd.nextInt(5) == 0 && !phase1.isEmpty()) {
        placed.add(
            new Placed(
                rnd.nextInt(script.size()) + 0.5,
                copy(phase1.get(rnd.nextInt(phase1.size())), false)));
      } else {
        int at = rnd.nextInt(script.size());
        placed.add(
            new Placed(
                Math.min(script.size(), at + 1 + rnd.nextInt(300)) + 0.5,
                copy(script.get(at), false)));
      }
    }
    // the same message id on another partition under another key, anywhere: it may even overtake
    // the original; only messages whose outcome does not depend on order are repeated that way
    for (int i = 0; i < crossRepeats && !orderFree.isEmpty(); i++) {
      Rec of = originals.get(orderFree.get(rnd.nextInt(orderFree.size())));
      placed.add(new Placed(rnd.nextInt(script.size()) + 0.25, copy(of, true)));
    }
    for (int i = 0; i < poisonCount; i++) {
      placed.add(
          new Placed(
              rnd.nextInt(script.size()) + 0.75,
              poison(Poison.values()[i % Poison.values().length])));
    }
    placed.sort(Comparator.comparingDouble(Placed::pos));
    return placed.stream().map(Placed::rec).toList();
  }

  /** A repeat of a processed message, after its Redis key has expired. */
  Rec ttlRepeat(String messageId) {
    return copy(originals.get(messageId), rnd.nextBoolean());
  }

  private Rec copy(Rec of, boolean otherPartition) {
    if (!otherPartition) {
      return new Rec(of.key, of.partition, of.value, of.messageId, null, trace());
    }
    int partition = (of.partition + 1 + rnd.nextInt(PARTITIONS - 1)) % PARTITIONS;
    byte[] key = ("again-" + new String(of.key, UTF_8)).getBytes(UTF_8);
    return new Rec(key, partition, of.value, of.messageId, null, trace());
  }

  private Rec poison(Poison kind) {
    String id = tag + "-poison-" + poison.size();
    AuthMsg valid =
        Msgs.register("wechat", "poison-" + id).toBuilder()
            .setMessageId(id)
            .setNickname(id)
            .build();
    byte[] value =
        switch (kind) {
          // field 1 with wire type 7, which does not exist: never parses
          case NOT_PROTOBUF -> ("\u000f not protobuf " + id).getBytes(UTF_8);
          case TOMBSTONE -> null;
          case MISSING_MESSAGE_ID -> valid.toBuilder().clearMessageId().build().toByteArray();
          case MALFORMED_MESSAGE_ID ->
              valid.toBuilder().setMessageId(id + " /bad").build().toByteArray();
          case UNSPECIFIED_KIND ->
              valid.toBuilder()
                  .setKind(AuthMsgKind.AUTH_MSG_KIND_UNSPECIFIED)
                  .build()
                  .toByteArray();
          case UNKNOWN_KIND -> valid.toBuilder().setKindValue(42).build().toByteArray();
          case MISSING_OPEN_ID -> valid.toBuilder().clearOpenId().build().toByteArray();
          case OVER_SIZE_LIMIT ->
              valid.toBuilder().setAvatarUrl("x".repeat(20_000)).build().toByteArray();
        };
    byte[] key = ("poison-" + id).getBytes(UTF_8);
    Rec rec = new Rec(key, partitionOf(key), value, null, kind, trace());
    poison.add(rec);
    return rec;
  }

  private Rec original(AuthMsg msg, byte[] key) {
    Rec rec = new Rec(key, partitionOf(key), msg.toByteArray(), msg.getMessageId(), null, trace());
    originals.put(msg.getMessageId(), rec);
    return rec;
  }

  /**
   * Two strings that differ only in the case of a few random letters appended to {@code prefix},
   * e.g. {@code k9-000012-aBcD} and {@code k9-000012-AbCd}: a byte-for-byte comparison tells them
   * apart, a case-insensitive collation does not.
   */
  private String[] caseVariants(String prefix) {
    StringBuilder a = new StringBuilder(prefix);
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 0; i < 4; i++) {
      char c = (char) ('a' + rnd.nextInt(26));
      boolean upperFirst = rnd.nextBoolean();
      a.append(upperFirst ? Character.toUpperCase(c) : c);
      b.append(upperFirst ? c : Character.toUpperCase(c));
    }
    return new String[] {a.toString(), b.toString()};
  }

  private String trace() {
    return tag + "-t" + traceSeq++;
  }

  private AuthMsg withId(AuthMsg msg) {
    return msg.toBuilder().setMessageId(String.format("%s-%06d", tag, seq++)).build();
  }

  private static String kind(AuthMsg msg) {
    return msg.getKind().name().substring("AUTH_MSG_KIND_".length());
  }

  /** The sequential model of one phase-1 user. */
  private final class UserState {
    final long id;
    boolean active = true;
    final Set<String> bound = new LinkedHashSet<>();
    final List<String> unbound = new ArrayList<>();
    int k;

    UserState(long id) {
      this.id = id;
    }

    Rec next() {
      byte[] key = Long.toString(id).getBytes(UTF_8);
      double r = rnd.nextDouble();
      AuthMsg msg;
      String outcome;
      if (active) {
        if (r < 0.45 || (r < 0.80 && bound.isEmpty())) {
          String[] target = newTarget();
          msg = Msgs.bind(id, target[0], target[1]);
          bound.add(account(target[0], target[1]));
          outcome = "APPLIED";
        } else if (r < 0.55) {
          String[] target = pick(bound);
          msg = Msgs.bind(id, target[0], target[1]);
          outcome = "NOOP";
        } else if (r < 0.80) {
          String[] target = pick(bound);
          msg = Msgs.unbind(id, target[0], target[1]);
          bound.remove(account(target[0], target[1]));
          unbound.add(account(target[0], target[1]));
          outcome = "APPLIED";
        } else if (r < 0.86 && !unbound.isEmpty()) {
          String[] target = split(unbound.get(rnd.nextInt(unbound.size())));
          msg =
              bound.contains(account(target[0], target[1]))
                  ? null
                  : Msgs.unbind(id, target[0], target[1]);
          outcome = "NOOP";
          if (msg == null) {
            return next();
          }
        } else if (r < 0.90) {
          msg = Msgs.deactivate(id);
          active = false;
          deactivated.add(id);
          outcome = "APPLIED";
        } else {
          String[] target = newTarget();
          msg = Msgs.bind(id, target[0], target[1]);
          bound.add(account(target[0], target[1]));
          outcome = "APPLIED";
        }
      } else {
        if (r < 0.3) {
          msg = Msgs.deactivate(id);
          outcome = "NOOP";
        } else if (r < 0.6 || bound.isEmpty()) {
          String[] target = newTarget();
          msg = Msgs.bind(id, target[0], target[1]);
          outcome = "REJECTED";
        } else {
          String[] target = pick(bound);
          msg = Msgs.unbind(id, target[0], target[1]);
          bound.remove(account(target[0], target[1]));
          unbound.add(account(target[0], target[1]));
          outcome = "APPLIED";
        }
      }
      msg = withId(msg);
      ledger.put(msg.getMessageId(), new Expect(kind(msg), outcome, id, null));
      return original(msg, key);
    }

    private String[] newTarget() {
      String[] platforms = {"apple", "github", "google"};
      return new String[] {platforms[rnd.nextInt(3)], "b-" + tag + "-" + id + "-" + k++};
    }

    private String[] pick(Set<String> accounts) {
      List<String> list = new ArrayList<>(accounts);
      return split(list.get(rnd.nextInt(list.size())));
    }
  }

  private static String[] split(String account) {
    int bar = account.indexOf('|');
    return new String[] {account.substring(0, bar), account.substring(bar + 1)};
  }
}
