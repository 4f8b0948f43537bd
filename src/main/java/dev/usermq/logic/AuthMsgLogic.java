package dev.usermq.logic;

import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import dev.usermq.repository.Repository;
import dev.usermq.repository.model.AuthMsgRow;
import dev.usermq.repository.model.OutboxRow;
import dev.usermq.repository.model.UserRow;
import dev.usermq.repository.model.UserThirdAuthRow;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies one validated auth message. The ledger row, the business rows and the outbound events
 * (in the outbox) commit or roll back together, so a message is applied at most once and an event
 * exists only for committed work.
 *
 * <p>Authz calls happen inside the transaction, before the commit: they are idempotent, so when a
 * later step fails and the message is retried they are simply repeated.
 */
@Service
public class AuthMsgLogic {

  static final String MEMBER_ROLE = "member";
  static final String BIND_PERMISSION = "user.third_auth.bind";
  static final String DEACTIVATED_REASON = "user_deactivated";
  private static final String KIND_PREFIX = "AUTH_MSG_KIND_";

  private final Repository repo;

  public AuthMsgLogic(Repository repo) {
    this.repo = repo;
  }

  /** Applies the message, or reports it as a duplicate if the ledger already has it. */
  @Transactional
  public AuthMsgResult handle(AuthMsg msg) {
    String messageId = msg.getMessageId();
    String kind = kindName(msg.getKind());
    Optional<AuthMsgRow> done = repo.authMsgModel().findByMessageId(messageId);
    if (done.isPresent()) {
      List<OutboxRow> unsent =
          repo.outboxModel().findBySourceMessageIdAndSentAtIsNullOrderById(messageId);
      return new AuthMsgResult(messageId, kind, Outcome.DUPLICATE, done.get().userId(), unsent);
    }
    repo.authMsgModel().claim(messageId, kind, msg.getUserId());
    Decision decision =
        switch (msg.getKind()) {
          case AUTH_MSG_KIND_REGISTER -> register(msg);
          case AUTH_MSG_KIND_BIND -> bind(msg);
          case AUTH_MSG_KIND_UNBIND -> unbind(msg);
          case AUTH_MSG_KIND_DEACTIVATE -> deactivate(msg);
          default -> throw new IllegalArgumentException("not a valid kind: " + msg.getKind());
        };
    repo.authMsgModel().markAsProcessed(messageId, decision.outcome().name(), decision.userId());
    return new AuthMsgResult(
        messageId, kind, decision.outcome(), decision.userId(), decision.events());
  }

  /** The ledger's name of a kind: the enum name without its prefix, e.g. {@code REGISTER}. */
  public static String kindName(AuthMsgKind kind) {
    String name = kind.name();
    return name.startsWith(KIND_PREFIX) ? name.substring(KIND_PREFIX.length()) : name;
  }

  private Decision register(AuthMsg msg) {
    Optional<UserThirdAuthRow> bound =
        repo.userThirdAuthModel().findByPlatformAndOpenId(msg.getPlatform(), msg.getOpenId());
    if (bound.isPresent()) {
      return Decision.of(Outcome.NOOP, bound.get().userId());
    }
    UserRow user = repo.userModel().save(UserRow.newActive(msg.getNickname(), msg.getAvatarUrl()));
    long userId = user.id();
    repo.userThirdAuthModel()
        .save(
            UserThirdAuthRow.newBinding(
                userId, msg.getPlatform(), msg.getOpenId(), msg.getUnionId()));
    repo.authzSrv().grantRole(userId, MEMBER_ROLE);
    OutboxRow count = repo.userEvent().sendCount(msg.getMessageId(), userId);
    return new Decision(Outcome.APPLIED, userId, List.of(count));
  }

  private Decision bind(AuthMsg msg) {
    long userId = msg.getUserId();
    Optional<UserRow> user = repo.userModel().lockById(userId);
    if (user.isEmpty() || !user.get().isActive()) {
      return Decision.of(Outcome.REJECTED, userId);
    }
    if (!repo.authzSrv().checkPermission(userId, BIND_PERMISSION)) {
      return Decision.of(Outcome.REJECTED, userId);
    }
    Optional<UserThirdAuthRow> bound =
        repo.userThirdAuthModel().findByPlatformAndOpenId(msg.getPlatform(), msg.getOpenId());
    if (bound.isPresent()) {
      return Decision.of(bound.get().userId() == userId ? Outcome.NOOP : Outcome.REJECTED, userId);
    }
    repo.userThirdAuthModel()
        .save(
            UserThirdAuthRow.newBinding(
                userId, msg.getPlatform(), msg.getOpenId(), msg.getUnionId()));
    return Decision.of(Outcome.APPLIED, userId);
  }

  private Decision unbind(AuthMsg msg) {
    long userId = msg.getUserId();
    boolean deleted =
        repo.userThirdAuthModel().deleteBinding(userId, msg.getPlatform(), msg.getOpenId());
    return Decision.of(deleted ? Outcome.APPLIED : Outcome.NOOP, userId);
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
    repo.userModel().updateStatus(userId, UserRow.DEACTIVATED);
    repo.authzSrv().revokeRoles(userId);
    OutboxRow cancel =
        repo.orderEvent().sendCancelUserOrders(msg.getMessageId(), userId, DEACTIVATED_REASON);
    OutboxRow count = repo.userEvent().sendCount(msg.getMessageId(), userId);
    return new Decision(Outcome.APPLIED, userId, List.of(cancel, count));
  }

  private record Decision(Outcome outcome, long userId, List<OutboxRow> events) {
    static Decision of(Outcome outcome, long userId) {
      return new Decision(outcome, userId, List.of());
    }
  }
}
