package dev.usermq.mq;

import dev.usermq.grpc.SharedPortGrpcEndpoint;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.engine.DefaultUnitOfWork;
import org.apache.camel.impl.engine.DefaultUnitOfWorkFactory;
import org.apache.camel.spi.UnitOfWork;

/**
 * Camel's units of work, with the log context ({@code camel.main.use-mdc-logging}) kept for the
 * exchange as a whole instead of around each of its steps.
 *
 * <p>With {@code use-mdc-logging}, an exchange that comes from Kafka, a timer or the outbox relay
 * gets a {@link LogContextUnitOfWork}: its {@code camel.*} keys are put into the MDC once, when it
 * is created, {@code camel.routeId} follows the route it is in, and when it is done the keys are
 * restored and those of {@code camel.main.mdc-logging-keys-pattern} (the record's {@code
 * messageId}) removed. Camel's own {@code MDCUnitOfWork} does that before and after every step, so
 * that an exchange carries its keys when it moves to another thread, and matches every key of the
 * MDC against the pattern (compiling it as a regular expression) each time: a tenth of the CPU of a
 * duplicate record. These routes do not move an exchange to another thread: the Kafka producers are
 * synchronous and redeliveries wait on the exchange's own thread.
 *
 * <p>The exchange of a gRPC call (one that comes from a {@link SharedPortGrpcEndpoint}) gets a
 * plain unit of work: its log lines carry no {@code camel.*} keys. The gRPC route logs nothing of
 * its own and its failures are logged after the exchange has ended, without those keys anyway.
 */
public class LogContextUnitOfWorkFactory extends DefaultUnitOfWorkFactory {

  /** A key pattern without a character a regular expression reads otherwise than itself. */
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private CamelContext camel;
  private boolean mdcLogging;
  private Predicate<String> customKeys;
  private boolean allowUseOriginalMessage;
  private boolean useBreadcrumb;

  @Override
  public void afterPropertiesConfigured(CamelContext camelContext) {
    super.afterPropertiesConfigured(camelContext);
    this.camel = camelContext;
    this.mdcLogging = Boolean.TRUE.equals(camelContext.isUseMDCLogging());
    this.customKeys = keysMatching(camelContext.getMDCLoggingKeysPattern());
    this.allowUseOriginalMessage = Boolean.TRUE.equals(camelContext.isAllowUseOriginalMessage());
    this.useBreadcrumb = Boolean.TRUE.equals(camelContext.isUseBreadcrumb());
  }

  @Override
  public UnitOfWork createUnitOfWork(Exchange exchange) {
    if (!mdcLogging || exchange.getFromEndpoint() instanceof SharedPortGrpcEndpoint) {
      return new DefaultUnitOfWork(
          exchange, camel.getInflightRepository(), allowUseOriginalMessage, useBreadcrumb);
    }
    return new LogContextUnitOfWork(
        exchange,
        camel.getInflightRepository(),
        allowUseOriginalMessage,
        useBreadcrumb,
        customKeys);
  }

  /**
   * The MDC keys a comma-separated {@code mdc-logging-keys-pattern} names, as Camel matches them
   * ({@code PatternHelper}): the name itself (ignoring case), a wildcard ({@code messageId*}) or a
   * regular expression; compiled once.
   */
  static Predicate<String> keysMatching(String patterns) {
    if (patterns == null || patterns.isBlank()) {
      return key -> false;
    }
    List<Predicate<String>> each =
        Arrays.stream(patterns.split(",")).map(LogContextUnitOfWorkFactory::keyMatching).toList();
    return each.size() == 1 ? each.get(0) : key -> each.stream().anyMatch(p -> p.test(key));
  }

  private static Predicate<String> keyMatching(String pattern) {
    Predicate<String> matches = pattern::equalsIgnoreCase;
    if (PLAIN_NAME.matcher(pattern).matches()) {
      // as a regular expression it matches itself only, as the name does
      return matches;
    }
    if (pattern.endsWith("*")) {
      String prefix = pattern.substring(0, pattern.length() - 1).toLowerCase(Locale.ROOT);
      matches = matches.or(key -> key.toLowerCase(Locale.ROOT).startsWith(prefix));
    }
    try {
      Pattern regex = Pattern.compile(pattern, Pattern.CASE_INSENSITIVE);
      return matches.or(key -> regex.matcher(key).matches());
    } catch (PatternSyntaxException notARegex) {
      return matches;
    }
  }
}
