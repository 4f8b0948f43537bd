package dev.usermq.logic;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.repository.Repository;
import dev.usermq.repository.model.AuthMsgLedger;
import dev.usermq.repository.model.AuthMsgRow;
import dev.usermq.repository.model.AuthzCommandRow;
import dev.usermq.repository.model.HeldInserts;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Applies one validated auth message. The ledger row, the business rows, the outbound events (in
 * the outbox) and the authz commands commit or roll back together, so a message is applied at most
 * once and an event or an authz write exists only for committed work.
 *
 * <p>No remote call runs inside the transaction: authz writes are only written down here and
 * delivered after the commit, and BIND's permission check is asked before the transaction starts,
 * so no row lock waits on the authz service.
 */
@Service
public class AuthMsgLogic {

  static final String MEMBER_ROLE = "member";
  static final String BIND_PERMISSION = "user.third_auth.bind";
  static final String DEACTIVATED_REASON = "user_deactivated";
  private static final String KIND_PREFIX = "AUTH_MSG_KIND_";

  private final Repository repo;
  private final TransactionOperations tx;

  public AuthMsgLogic(Repository repo, TransactionOperations tx) {
    this.repo = repo;
    this.tx = tx;
  }

  /**
   * Applies the message, or reports it as a duplicate if the ledger already has it: its claim of
   * the ledger row, the transaction's first statement, fails then (after waiting for a concurrent
   * transaction that claimed it, if that one commits). A BIND looks in the ledger first, so that a
   * duplicate does not ask authz for its permission.
   */
  public AuthMsgResult handle(AuthMsg msg) {
    if (msg.getKind() == AuthMsgKind.AUTH_MSG_KIND_BIND) {
      Optional<AuthMsgRow> done = repo.authMsgModel().findByMessageId(msg.getMessageId());
      if (done.isPresent()) {
        return duplicate(msg, done.get());
      }
    }
    Prepared prepared = prepare(msg);
    return tx.execute(status -> applyOrDuplicate(prepared));
  }

  /** The ledger rows of those of the messages that were processed, by message id (one query). */
  public Map<String, AuthMsgRow> processed(Collection<String> messageIds) {
    Map<String, AuthMsgRow> rows = new HashMap<>();
    if (!messageIds.isEmpty()) {
      for (AuthMsgRow row : repo.authMsgModel().findByMessageIdIn(messageIds)) {
        rows.put(row.messageId(), row);
      }
    }
    return rows;
  }

  /**
   * What a message needs from outside before its transaction: BIND's permission, asked of authz for
   * an active user. Called outside any transaction, so that no row lock waits on authz.
   */
  public Prepared prepare(AuthMsg msg) {
    return new Prepared(
        msg,
        msg.getKind() == AuthMsgKind.AUTH_MSG_KIND_BIND ? askBindPermission(msg) : Permission.NONE);
  }

  /**
   * After the commit, a user the message wrote (or, for a message read again, may have written)
   * gets a tombstone of its committed version in the cache once more: the one written before the
   * commit is gone if Redis lost its data in between. A failure fails the record, which is retried.
   */
  public void refreshCache(AuthMsgResult result) {
    boolean wroteUser =
        result.outcome() == Outcome.APPLIED
                && !kindName(AuthMsgKind.AUTH_MSG_KIND_REGISTER).equals(result.kind())
            || result.outcome() == Outcome.DUPLICATE;
    if (wroteUser && result.userId() > 0) {
      repo.userCache().invalidateCommitted(result.userId());
    }
  }

  /** The ledger's name of a kind: the enum name without its prefix, e.g. {@code REGISTER}. */
  public static String kindName(AuthMsgKind kind) {
    String name = kind.name();
    return name.startsWith(KIND_PREFIX) ? name.substring(KIND_PREFIX.length()) : name;
  }

  /**
   * The result of a message the ledger already has: what an earlier attempt committed but did not
   * get out is delivered again.
   */
  public AuthMsgResult duplicate(AuthMsg msg, AuthMsgRow done) {
    String messageId = msg.getMessageId();
    return new AuthMsgResult(
        messageId,
        kindName(msg.getKind()),
        Outcome.DUPLICATE,
        done.userId(),
        repo.outboxModel().findBySourceMessageIdAndSentAtIsNullOrderById(messageId),
        repo.authzCommandModel().findBySourceMessageIdAndDoneAtIsNullOrderById(messageId));
  }

  /**
   * Claims the ledger rows of prepared messages, whose ids must differ, in one statement, in the
   * caller's transaction, which must be open; each is then applied with {@link #applyClaimed} and
   * all completed with {@link #markProcessed}, in the same transaction. The transaction's new
   * events and authz commands are held back until then and inserted together ({@link HeldInserts}).
   * A message already in the ledger, or claimed by a concurrent transaction that commits, fails the
   * claim of all of them with a {@link org.springframework.dao.DuplicateKeyException}.
   */
  public void claim(List<Prepared> prepared) {
    HeldInserts.hold();
    repo.authMsgModel()
        .claimAll(
            prepared.stream()
                .map(
                    p ->
                        new AuthMsgLedger.Claim(
                            p.msg.getMessageId(), kindName(p.msg.getKind()), p.msg.getUserId()))
                .toList());
  }

  /**
   * Applies a message whose ledger row the caller's open transaction claimed ({@link #claim}): its
   * business rows, events and authz commands; its outcome is for {@link #markProcessed}.
   */
  public AuthMsgResult applyClaimed(Prepared prepared) {
    return decide(prepared.msg, prepared.permission);
  }

  /**
   * Inserts the events and authz commands held back since {@link #claim}, and records the outcomes
   * of the claimed messages in one statement, in the caller's open transaction; returns the results
   * with their events' ids.
   */
  public List<AuthMsgResult> markProcessed(List<AuthMsgResult> results) {
    Map<String, Long> eventIds = HeldInserts.flush();
    List<AuthMsgResult> inserted = new ArrayList<>(results.size());
    for (AuthMsgResult result : results) {
      List<OutboxRow> events = new ArrayList<>(result.events().size());
      for (OutboxRow event : result.events()) {
        Long id = eventIds.get(event.eventId());
        if (id == null) {
          throw new IllegalStateException("event " + event.eventId() + " was not inserted");
        }
        events.add(event.withId(id));
      }
      inserted.add(result.withEvents(events));
    }
    int marked =
        repo.authMsgModel()
            .markAllAsProcessed(
                results.stream()
                    .map(
                        r ->
                            new AuthMsgLedger.Processed(
                                r.messageId(), r.outcome().name(), r.userId()))
                    .toList());
    if (marked != results.size()) {
      throw new IllegalStateException(
          "marked " + marked + " of " + results.size() + " claimed messages processed");
    }
    return inserted;
  }

  /**
   * Claims the message's ledger row in the open transaction and applies it, or, when the ledger has
   * the message, returns its duplicate result: only the failed claim was undone, and the ledger row
   * read now is the committed one.
   */
  private AuthMsgResult applyOrDuplicate(Prepared prepared) {
    AuthMsg msg = prepared.msg;
    try {
      repo.authMsgModel().claim(msg.getMessageId(), kindName(msg.getKind()), msg.getUserId());
    } catch (DuplicateKeyException e) {
      return duplicate(
          msg, repo.authMsgModel().findByMessageId(msg.getMessageId()).orElseThrow(() -> e));
    }
    return decideAndMark(msg, prepared.permission);
  }

  /** The work of a message whose ledger row the open transaction claimed, and its outcome. */
  private AuthMsgResult decideAndMark(AuthMsg msg, Permission permission) {
    AuthMsgResult result = decide(msg, permission);
    repo.authMsgModel()
        .markAsProcessed(result.messageId(), result.outcome().name(), result.userId());
    return result;
  }

  /**
   * The end of the prepared messages from {@code from} that {@link #applyClaimedRegisters} can
   * apply together: the REGISTERs in a row whose accounts differ (a REGISTER must see the binding
   * of one before it of the same account).
   */
  public static int registersTogether(List<Prepared> prepared, int from) {
    Set<List<String>> accounts = new HashSet<>();
    int end = from;
    while (end < prepared.size()) {
      AuthMsg msg = prepared.get(end).msg;
      if (msg.getKind() != AuthMsgKind.AUTH_MSG_KIND_REGISTER || !accounts.add(account(msg))) {
        break;
      }
      end++;
    }
    return end;
  }

  /**
   * Applies REGISTERs whose ledger rows the caller's open transaction claimed ({@link #claim}), as
   * {@link #applyClaimed} would one by one, with statements shared by all of them: one look-up of
   * their accounts' bindings a platform, the new users in one batch and their bindings in one. They
   * must be REGISTERs of different accounts ({@link #registersTogether}). Returns their results in
   * order, for {@link #markProcessed}.
   */
  public List<AuthMsgResult> applyClaimedRegisters(List<Prepared> registers) {
    if (registersTogether(registers, 0) != registers.size()) {
      throw new IllegalArgumentException("not REGISTERs of different accounts");
    }
    Map<List<String>, UserThirdAuthRow> bound = bindingsOf(registers);
    List<AuthMsg> unbound = new ArrayList<>();
    for (Prepared prepared : registers) {
      if (!bound.containsKey(account(prepared.msg))) {
        unbound.add(prepared.msg);
      }
    }
    List<UserRow> users =
        repo.userModel()
            .saveAll(
                unbound.stream()
                    .map(msg -> UserRow.newActive(msg.getNickname(), msg.getAvatarUrl()))
                    .toList());
    List<UserThirdAuthRow> bindings = new ArrayList<>(unbound.size());
    for (int i = 0; i < unbound.size(); i++) {
      bindings.add(newBinding(users.get(i).id(), unbound.get(i)));
    }
    repo.userThirdAuthModel().saveAll(bindings);
    Iterator<UserRow> created = users.iterator();
    List<AuthMsgResult> results = new ArrayList<>(registers.size());
    for (Prepared prepared : registers) {
      AuthMsg msg = prepared.msg;
      UserThirdAuthRow binding = bound.get(account(msg));
      results.add(
          result(
              msg,
              binding != null
                  ? Decision.of(Outcome.NOOP, binding.userId())
                  : registered(msg, created.next().id())));
    }
    return results;
  }

  /** The bindings of the REGISTERs' accounts that are bound, by account (one query a platform). */
  private Map<List<String>, UserThirdAuthRow> bindingsOf(List<Prepared> registers) {
    Map<String, Set<String>> openIds = new HashMap<>();
    for (Prepared prepared : registers) {
      openIds
          .computeIfAbsent(prepared.msg.getPlatform(), p -> new HashSet<>())
          .add(prepared.msg.getOpenId());
    }
    Map<List<String>, UserThirdAuthRow> bound = new HashMap<>();
    openIds.forEach(
        (platform, ids) -> {
          for (UserThirdAuthRow row :
              repo.userThirdAuthModel().findByPlatformAndOpenIdIn(platform, ids)) {
            bound.put(List.of(row.platform(), row.openId()), row);
          }
        });
    return bound;
  }

  /** A message's account: its platform and open id, compared as they are (byte for byte). */
  private static List<String> account(AuthMsg msg) {
    return List.of(msg.getPlatform(), msg.getOpenId());
  }

  private AuthMsgResult decide(AuthMsg msg, Permission permission) {
    return result(
        msg,
        switch (msg.getKind()) {
          case AUTH_MSG_KIND_REGISTER -> register(msg);
          case AUTH_MSG_KIND_BIND -> bind(msg, permission);
          case AUTH_MSG_KIND_UNBIND -> unbind(msg);
          case AUTH_MSG_KIND_DEACTIVATE -> deactivate(msg);
          default -> throw new IllegalArgumentException("not a valid kind: " + msg.getKind());
        });
  }

  private static AuthMsgResult result(AuthMsg msg, Decision decision) {
    return new AuthMsgResult(
        msg.getMessageId(),
        kindName(msg.getKind()),
        decision.outcome(),
        decision.userId(),
        decision.events(),
        decision.authzCommands());
  }

  private Decision register(AuthMsg msg) {
    Optional<UserThirdAuthRow> bound =
        repo.userThirdAuthModel().findByPlatformAndOpenId(msg.getPlatform(), msg.getOpenId());
    if (bound.isPresent()) {
      return Decision.of(Outcome.NOOP, bound.get().userId());
    }
    UserRow user = repo.userModel().save(UserRow.newActive(msg.getNickname(), msg.getAvatarUrl()));
    repo.userThirdAuthModel().save(newBinding(user.id(), msg));
    return registered(msg, user.id());
  }

  private static UserThirdAuthRow newBinding(long userId, AuthMsg msg) {
    return UserThirdAuthRow.newBinding(
        userId, msg.getPlatform(), msg.getOpenId(), msg.getUnionId());
  }

  /** A REGISTER's new user, with its binding saved: the member role and the count event. */
  private Decision registered(AuthMsg msg, long userId) {
    AuthzCommandRow grant =
        repo.authzCommandModel()
            .save(AuthzCommandRow.grantRole(msg.getMessageId(), userId, MEMBER_ROLE));
    OutboxRow count = repo.userEvent().sendCount(msg.getMessageId(), userId);
    return new Decision(Outcome.APPLIED, userId, List.of(count), List.of(grant));
  }

  /**
   * Asks authz before the transaction, for an active user only; the transaction decides again under
   * the user's row lock, and asks itself in the rare case the user appeared in between.
   */
  private Permission askBindPermission(AuthMsg msg) {
    Optional<UserRow> user = repo.userCache().findById(msg.getUserId());
    if (user.isEmpty() || !user.get().isActive()) {
      return Permission.NONE;
    }
    return repo.authzSrv().checkPermission(msg.getUserId(), BIND_PERMISSION)
        ? Permission.GRANTED
        : Permission.DENIED;
  }

  private Decision bind(AuthMsg msg, Permission permission) {
    long userId = msg.getUserId();
    Optional<UserRow> user = repo.userModel().lockById(userId);
    if (user.isEmpty() || !user.get().isActive()) {
      return Decision.of(Outcome.REJECTED, userId);
    }
    boolean permitted =
        permission == Permission.NONE
            ? repo.authzSrv().checkPermission(userId, BIND_PERMISSION)
            : permission == Permission.GRANTED;
    if (!permitted) {
      return Decision.of(Outcome.REJECTED, userId);
    }
    Optional<UserThirdAuthRow> bound =
        repo.userThirdAuthModel().findByPlatformAndOpenId(msg.getPlatform(), msg.getOpenId());
    if (bound.isPresent()) {
      return Decision.of(bound.get().userId() == userId ? Outcome.NOOP : Outcome.REJECTED, userId);
    }
    repo.userThirdAuthModel().save(newBinding(userId, msg));
    newCacheVersion(user.get());
    return Decision.of(Outcome.APPLIED, userId);
  }

  private Decision unbind(AuthMsg msg) {
    long userId = msg.getUserId();
    boolean deleted =
        repo.userThirdAuthModel().deleteBinding(userId, msg.getPlatform(), msg.getOpenId());
    if (!deleted) {
      return Decision.of(Outcome.NOOP, userId);
    }
    repo.userModel().lockById(userId).ifPresent(this::newCacheVersion);
    return Decision.of(Outcome.APPLIED, userId);
  }

  private Decision deactivate(AuthMsg msg) {
    long userId = msg.getUserId();
    Optional<UserRow> user = repo.userModel().lockById(userId);
    if (user.isEmpty()) {
      return Decision.of(Outcome.REJECTED, userId);
    }
    if (!user.get().isActive()) {
      return Decision.of(Outcome.NOOP, userId);
    }
    long version = user.get().nextCacheVersion();
    repo.userModel().updateStatus(userId, UserRow.DEACTIVATED, version);
    repo.userCache().invalidate(userId, version);
    AuthzCommandRow revoke =
        repo.authzCommandModel().save(AuthzCommandRow.revokeRoles(msg.getMessageId(), userId));
    OutboxRow cancel =
        repo.orderEvent().sendCancelUserOrders(msg.getMessageId(), userId, DEACTIVATED_REASON);
    OutboxRow count = repo.userEvent().sendCount(msg.getMessageId(), userId);
    return new Decision(Outcome.APPLIED, userId, List.of(cancel, count), List.of(revoke));
  }

  /**
   * A write of the user's bindings: a new cache version, and its tombstone in the cache before the
   * commit, so that no read racing this transaction can cache the user as it was.
   */
  private void newCacheVersion(UserRow lockedUser) {
    long version = lockedUser.nextCacheVersion();
    repo.userModel().updateCacheVersion(lockedUser.id(), version);
    repo.userCache().invalidate(lockedUser.id(), version);
  }

  /** A message with what was asked for it before its transaction ({@link #prepare}). */
  public static final class Prepared {
    private final AuthMsg msg;
    private final Permission permission;

    private Prepared(AuthMsg msg, Permission permission) {
      this.msg = msg;
      this.permission = permission;
    }

    public AuthMsg msg() {
      return msg;
    }
  }

  /** BIND's permission as asked before the transaction; NONE when it was not asked. */
  private enum Permission {
    NONE,
    GRANTED,
    DENIED
  }

  private record Decision(
      Outcome outcome, long userId, List<OutboxRow> events, List<AuthzCommandRow> authzCommands) {
    static Decision of(Outcome outcome, long userId) {
      return new Decision(outcome, userId, List.of(), List.of());
    }
  }
}
