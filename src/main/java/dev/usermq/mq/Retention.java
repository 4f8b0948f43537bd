package dev.usermq.mq;

import dev.usermq.config.LedgerProperties;
import dev.usermq.config.OutboxProperties;
import org.springframework.stereotype.Component;

/**
 * The retention periods in the form the retention routes' SQL takes ({@code INTERVAL :#seconds
 * SECOND}): the cut-off is computed by the database, from the same clock as the rows' timestamps.
 */
@Component("retention")
public class Retention {

  private final OutboxProperties outbox;
  private final LedgerProperties ledger;

  public Retention(OutboxProperties outbox, LedgerProperties ledger) {
    this.outbox = outbox;
    this.ledger = ledger;
  }

  /** {@code outbox.retention} in seconds. */
  public long outboxSeconds() {
    return outbox.retention().toSeconds();
  }

  /** {@code ledger.retention} in seconds. */
  public long ledgerSeconds() {
    return ledger.retention().toSeconds();
  }
}
