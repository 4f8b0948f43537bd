package dev.usermq.logic;

import dev.usermq.logic.Step.Account;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the auth messages of one sequence should have done, kept in plain maps: users and their
 * status, bindings, the ledger and the events. Identifiers are Java strings, so they compare byte
 * for byte, as the service must compare them.
 */
final class UsersModel {

  static final int ACTIVE = 1;
  static final int DEACTIVATED = 2;
  static final String USER_COUNT = "user.count";
  static final String ORDER_CANCEL = "order.cancel_by_user";

  /** What a message comes to: its outcome and the user it concerns. */
  record Result(Outcome outcome, long userId) {
    @Override
    public String toString() {
      return outcome + " " + (userId == NO_USER ? "(a new user)" : userId);
    }
  }

  /** A ledger row. */
  record Ledger(String kind, Outcome outcome, long userId) {}

  /** An outbox event: its source message and its type. */
  record Event(String sourceMessageId, String type) {}

  /** The user id expected of a REGISTER that creates a user when the logic reported a known one. */
  static final long NO_USER = -1;

  private final Map<Long, Integer> users = new LinkedHashMap<>();
  private final List<Long> created = new ArrayList<>();
  private final Set<Long> barred = new HashSet<>();
  private final Map<Account, Long> bindings = new LinkedHashMap<>();
  private final Map<String, Ledger> ledger = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();

  /**
   * Applies the message to the model and returns what the service should answer. A REGISTER that
   * creates a user takes {@code reportedUserId}, the id the service gave it, if no user has it yet.
   *
   * @param barredIfCreated whether a user this message creates is denied every permission
   */
  Result handle(AuthMsg msg, long reportedUserId, boolean barredIfCreated) {
    Ledger done = ledger.get(msg.getMessageId());
    if (done != null) {
      return new Result(Outcome.DUPLICATE, done.userId());
    }
    Result result =
        switch (msg.getKind()) {
          case AUTH_MSG_KIND_REGISTER -> register(msg, reportedUserId, barredIfCreated);
          case AUTH_MSG_KIND_BIND -> bind(msg);
          case AUTH_MSG_KIND_UNBIND -> unbind(msg);
          case AUTH_MSG_KIND_DEACTIVATE -> deactivate(msg);
          default -> throw new IllegalArgumentException("not generated: " + msg.getKind());
        };
    ledger.put(
        msg.getMessageId(),
        new Ledger(AuthMsgLogic.kindName(msg.getKind()), result.outcome(), result.userId()));
    return result;
  }

  private Result register(AuthMsg msg, long reportedUserId, boolean barredIfCreated) {
    Long bound = bindings.get(account(msg));
    if (bound != null) {
      return new Result(Outcome.NOOP, bound);
    }
    if (reportedUserId <= 0 || users.containsKey(reportedUserId)) {
      return new Result(Outcome.APPLIED, NO_USER);
    }
    long userId = reportedUserId;
    users.put(userId, ACTIVE);
    created.add(userId);
    if (barredIfCreated) {
      barred.add(userId);
    }
    bindings.put(account(msg), userId);
    events.add(new Event(msg.getMessageId(), USER_COUNT));
    return new Result(Outcome.APPLIED, userId);
  }

  private Result bind(AuthMsg msg) {
    long userId = msg.getUserId();
    Integer status = users.get(userId);
    if (status == null || status != ACTIVE || barred.contains(userId)) {
      return new Result(Outcome.REJECTED, userId);
    }
    Long bound = bindings.get(account(msg));
    if (bound != null) {
      return new Result(bound == userId ? Outcome.NOOP : Outcome.REJECTED, userId);
    }
    bindings.put(account(msg), userId);
    return new Result(Outcome.APPLIED, userId);
  }

  private Result unbind(AuthMsg msg) {
    long userId = msg.getUserId();
    boolean deleted = bindings.remove(account(msg), userId);
    return new Result(deleted ? Outcome.APPLIED : Outcome.NOOP, userId);
  }

  private Result deactivate(AuthMsg msg) {
    long userId = msg.getUserId();
    Integer status = users.get(userId);
    if (status == null) {
      return new Result(Outcome.REJECTED, userId);
    }
    if (status == DEACTIVATED) {
      return new Result(Outcome.NOOP, userId);
    }
    users.put(userId, DEACTIVATED);
    events.add(new Event(msg.getMessageId(), ORDER_CANCEL));
    events.add(new Event(msg.getMessageId(), USER_COUNT));
    return new Result(Outcome.APPLIED, userId);
  }

  private static Account account(AuthMsg msg) {
    return new Account(msg.getPlatform(), msg.getOpenId());
  }

  /** The users created so far, in the order of creation. */
  List<Long> created() {
    return List.copyOf(created);
  }

  boolean isBarred(long userId) {
    return barred.contains(userId);
  }

  Map<Long, Integer> users() {
    return Map.copyOf(users);
  }

  Map<Account, Long> bindings() {
    return Map.copyOf(bindings);
  }

  Map<String, Ledger> ledger() {
    return Map.copyOf(ledger);
  }

  List<Event> events() {
    return List.copyOf(events);
  }
}
