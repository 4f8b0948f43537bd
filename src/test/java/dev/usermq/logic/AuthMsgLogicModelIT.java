package dev.usermq.logic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.App;
import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.logic.Step.Account;
import dev.usermq.logic.Step.Known;
import dev.usermq.logic.Step.MsgId;
import dev.usermq.logic.Step.Unknown;
import dev.usermq.logic.Step.UserRef;
import dev.usermq.logic.UsersModel.Result;
import dev.usermq.mq.AuthMsgBatch;
import dev.usermq.proto.common.mq.v1.AuthMsg;
import dev.usermq.proto.common.mq.v1.AuthMsgKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Random sequences of auth messages of every kind through {@link AuthMsgLogic#handle}, and in
 * batches through {@link AuthMsgBatch#apply}, on a real MariaDB, each checked against {@link
 * UsersModel}: every answer as it comes, then the users, the bindings, the ledger and the events
 * the sequence left in the tables.
 *
 * <p>The sequences are small worlds where things collide: a few platforms and open ids, message ids
 * from a small pool, most of them differing only in case, users named by the order the sequence
 * created them or unknown, resends of earlier messages. Identifiers are opaque, so {@code m-Ab} and
 * {@code m-aB} are two messages and {@code oAbC} and {@code oabc} two accounts, in the model as in
 * the service.
 *
 * <p>The service runs once for the class, on the embedded servers, with its routes left stopped:
 * the test calls the logic itself. Authz is {@link DenyListAuthz}, so that the answer to a BIND's
 * permission check is known to the model. Every sequence prefixes its identifiers with a token of
 * its own, so sequences never see each other's rows, shrinking runs included.
 */
class AuthMsgLogicModelIT {

  /** Ids that no user has: far above anything AUTO_INCREMENT hands out in a test. */
  private static final long UNKNOWN_USER_IDS = 4_000_000_000_000_000_000L;

  /**
   * Sets this run's tokens apart from those of earlier runs, should the database be shared: five
   * base-36 digits, lower case, so that no two tokens are equal ignoring case.
   */
  private static final String RUN =
      Long.toString(ThreadLocalRandom.current().nextLong(1_679_616L, 60_466_176L), 36);

  private static final AtomicInteger sequences = new AtomicInteger();
  private static ConfigurableApplicationContext service;

  @BeforeContainer
  static void startService() {
    service =
        new SpringApplicationBuilder(App.class)
            .initializers(
                new EmbeddedServersInitializer(),
                context ->
                    ((GenericApplicationContext) context)
                        .registerBean(
                            DenyListAuthz.class, DenyListAuthz::new, bean -> bean.setPrimary(true)))
            .run(
                "--spring.main.web-application-type=none",
                // the test calls the logic: nothing consumes, relays or keeps the JVM alive
                "--camel.main.auto-startup=false",
                "--camel.main.run-controller=false");
  }

  @AfterContainer
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Property(tries = 100)
  void everySequenceOfMessagesLeavesWhatTheModelSays(@ForAll("sequences") List<Step> steps) {
    Sequence sequence = new Sequence(RUN + "." + sequences.incrementAndGet() + ".");
    for (int i = 0; i < steps.size(); i++) {
      sequence.play(i, steps.get(i));
    }
    sequence.checkTables();
  }

  /**
   * The same sequences in batches, as batch mode applies a poll's records ({@link AuthMsgBatch}):
   * the messages of a batch in one transaction, REGISTERs of different accounts with shared
   * statements, copies of a message in the same batch. The messages of a batch are built before it
   * runs, so a user a batch creates is named only by later batches, as a producer could not know it
   * sooner.
   */
  @Property(tries = 100)
  void everySequenceAppliedInBatchesLeavesWhatTheModelSays(
      @ForAll("sequences") List<Step> steps, @ForAll @IntRange(min = 2, max = 12) int batchSize) {
    Sequence sequence = new Sequence(RUN + "." + sequences.incrementAndGet() + ".");
    for (int from = 0; from < steps.size(); from += batchSize) {
      sequence.playBatch(from, steps.subList(from, Math.min(steps.size(), from + batchSize)));
    }
    sequence.checkTables();
  }

  @Provide
  Arbitrary<List<Step>> sequences() {
    return steps().list().ofMinSize(5).ofMaxSize(40);
  }

  private static Arbitrary<Step> steps() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Combinators.combine(msgIds(), accounts(), barred()).as(Step.Register::new)),
        Tuple.of(3, Combinators.combine(msgIds(), users(), accounts()).as(Step.Bind::new)),
        Tuple.of(2, Combinators.combine(msgIds(), users(), accounts()).as(Step.Unbind::new)),
        Tuple.of(2, Combinators.combine(msgIds(), users()).as(Step.Deactivate::new)),
        Tuple.of(1, Arbitraries.integers().between(0, 39).map(Step.Resend::new)));
  }

  /** Fresh ids, and a pool where most names differ only in case. */
  private static Arbitrary<MsgId> msgIds() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(MsgId.FRESH)),
        Tuple.of(
            2, Arbitraries.of("m-ab", "m-Ab", "m-aB", "m-AB", "m-cd", "m-Cd").map(MsgId::new)));
  }

  private static Arbitrary<Account> accounts() {
    return Combinators.combine(
            Arbitraries.of("wx", "WX", "apple"),
            Arbitraries.of("oabc", "oAbC", "OABC", "oxy", "oXy"))
        .as(Account::new);
  }

  private static Arbitrary<UserRef> users() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.integers().between(0, 3).map(Known::new)),
        Tuple.of(1, Arbitraries.integers().between(0, 1).map(Unknown::new)));
  }

  private static Arbitrary<Boolean> barred() {
    return Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true));
  }

  /** One sequence as it runs: its token, the model, the messages sent and a transcript. */
  private static final class Sequence {

    private final String token;
    private final AuthMsgLogic logic = service.getBean(AuthMsgLogic.class);
    private final AuthMsgBatch batch = service.getBean(AuthMsgBatch.class);
    private final CamelContext camel = service.getBean(CamelContext.class);
    private final DenyListAuthz authz = service.getBean(DenyListAuthz.class);
    private final JdbcClient jdbc = service.getBean(JdbcClient.class);
    private final UsersModel model = new UsersModel();
    private final List<AuthMsg> sent = new ArrayList<>();
    private final StringBuilder transcript = new StringBuilder();

    Sequence(String token) {
      this.token = token;
      transcript.append("sequence ").append(token).append('\n');
    }

    void play(int index, Step step) {
      AuthMsg msg = message(index, step);
      if (msg == null) {
        transcript.append(String.format("%2d %s: nothing sent yet%n", index, step));
        return;
      }
      sent.add(msg);
      AuthMsgResult got;
      try {
        got = logic.handle(msg);
      } catch (RuntimeException e) {
        throw new AssertionError(transcript + "step " + index + " " + step + " threw " + e, e);
      }
      check(index, step, msg, got);
    }

    /** The steps from {@code from} on as one batch. */
    void playBatch(int from, List<Step> steps) {
      transcript.append("-- a batch\n");
      List<Exchange> records = new ArrayList<>();
      List<AuthMsg> msgs = new ArrayList<>();
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        AuthMsg msg = message(from + i, steps.get(i));
        if (msg == null) {
          transcript.append(String.format("%2d %s: nothing sent yet%n", from + i, steps.get(i)));
          continue;
        }
        sent.add(msg);
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(msg.toByteArray());
        records.add(record);
        msgs.add(msg);
        indexes.add(from + i);
      }
      List<AuthMsgResult> results;
      try {
        results = batch.apply(records).results();
      } catch (Exception e) {
        throw new AssertionError(transcript + "the batch from step " + from + " threw " + e, e);
      }
      assertThat(results).as(transcript.toString()).hasSameSizeAs(records);
      for (int i = 0; i < results.size(); i++) {
        int index = indexes.get(i);
        check(index, steps.get(index - from), msgs.get(i), results.get(i));
      }
    }

    private void check(int index, Step step, AuthMsg msg, AuthMsgResult got) {
      boolean barred = step instanceof Step.Register register && register.barred();
      Result actual = new Result(got.outcome(), got.userId());
      Result expected = model.handle(msg, got.userId(), barred);
      if (barred && expected.outcome() == Outcome.APPLIED) {
        authz.deny(expected.userId());
      }
      transcript.append(
          String.format(
              "%2d %-40s %s%s%n",
              index,
              step,
              actual,
              actual.equals(expected) ? "" : "   <- the model says " + expected));
      assertThat(actual).as(transcript.toString()).isEqualTo(expected);
    }

    private AuthMsg message(int index, Step step) {
      if (step instanceof Step.Register r) {
        return AuthMsg.newBuilder()
            .setMessageId(messageId(index, r.id()))
            .setKind(AuthMsgKind.AUTH_MSG_KIND_REGISTER)
            .setPlatform(r.account().platform())
            .setOpenId(token + r.account().openId())
            .setUnionId("u-" + r.account().openId())
            .setNickname(token)
            .build();
      }
      if (step instanceof Step.Bind b) {
        return account(index, AuthMsgKind.AUTH_MSG_KIND_BIND, b.id(), b.user(), b.account());
      }
      if (step instanceof Step.Unbind u) {
        return account(index, AuthMsgKind.AUTH_MSG_KIND_UNBIND, u.id(), u.user(), u.account());
      }
      if (step instanceof Step.Deactivate d) {
        return AuthMsg.newBuilder()
            .setMessageId(messageId(index, d.id()))
            .setKind(AuthMsgKind.AUTH_MSG_KIND_DEACTIVATE)
            .setUserId(userId(d.user()))
            .build();
      }
      Step.Resend resend = (Step.Resend) step;
      return sent.isEmpty() ? null : sent.get(resend.step() % sent.size());
    }

    private AuthMsg account(int index, AuthMsgKind kind, MsgId id, UserRef user, Account account) {
      return AuthMsg.newBuilder()
          .setMessageId(messageId(index, id))
          .setKind(kind)
          .setUserId(userId(user))
          .setPlatform(account.platform())
          .setOpenId(token + account.openId())
          .build();
    }

    private String messageId(int index, MsgId id) {
      return token + (id.equals(MsgId.FRESH) ? "n" + index : id.name());
    }

    private long userId(UserRef user) {
      if (user instanceof Unknown unknown) {
        return UNKNOWN_USER_IDS + 1 + unknown.index();
      }
      List<Long> created = model.created();
      int index = ((Known) user).index();
      return created.isEmpty() ? UNKNOWN_USER_IDS : created.get(index % created.size());
    }

    /** The rows the sequence left, all of them, against the model. */
    void checkTables() {
      String like = token + "%";
      List<UserStatus> users =
          jdbc.sql("SELECT id, status FROM `user` WHERE nickname = ?")
              .param(token)
              .query(UserStatus.class)
              .list();
      assertThat(users)
          .as("users\n%s", transcript)
          .containsExactlyInAnyOrderElementsOf(
              model.users().entrySet().stream()
                  .map(e -> new UserStatus(e.getKey(), e.getValue()))
                  .toList());

      List<Binding> bindings =
          jdbc.sql("SELECT platform, open_id, user_id FROM user_third_auth WHERE open_id LIKE ?")
              .param(like)
              .query(Binding.class)
              .list();
      assertThat(bindings)
          .as("bindings\n%s", transcript)
          .containsExactlyInAnyOrderElementsOf(
              model.bindings().entrySet().stream()
                  .map(e -> new Binding(e.getKey().platform(), e.getKey().openId(), e.getValue()))
                  .toList());

      List<LedgerRow> ledger =
          jdbc.sql(
                  "SELECT message_id, kind, outcome, user_id, processed FROM auth_msg"
                      + " WHERE message_id LIKE ?")
              .param(like)
              .query(LedgerRow.class)
              .list();
      assertThat(ledger)
          .as("ledger\n%s", transcript)
          .containsExactlyInAnyOrderElementsOf(
              model.ledger().entrySet().stream()
                  .map(
                      e ->
                          new LedgerRow(
                              e.getKey(),
                              e.getValue().kind(),
                              e.getValue().outcome().name(),
                              e.getValue().userId(),
                              1))
                  .toList());

      List<UsersModel.Event> events =
          jdbc.sql(
                  "SELECT source_message_id, event_type AS type FROM outbox"
                      + " WHERE source_message_id LIKE ? AND event_type IN (?, ?)")
              .params(like, UsersModel.USER_COUNT, UsersModel.ORDER_CANCEL)
              .query(UsersModel.Event.class)
              .list();
      assertThat(events)
          .as("events\n%s", transcript)
          .containsExactlyInAnyOrderElementsOf(model.events());
    }
  }

  record UserStatus(long id, int status) {}

  record Binding(String platform, String openId, long userId) {}

  record LedgerRow(String messageId, String kind, String outcome, long userId, int processed) {}
}
