package dev.usermq.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code auth_msg} ledger ({@code LEDGER_RETENTION}).
 *
 * @param retention how long a processed message id is kept in the ledger. A record older than this
 *     that comes again is processed again, so it must exceed the time a record can come back: the
 *     inbound topic's retention (a consumer group reset to the earliest offset) plus the time a
 *     dead letter may wait for {@code redrive-dlq}
 */
@Validated
@ConfigurationProperties("ledger")
public record LedgerProperties(
    @DefaultValue("30d") @NotNull @DurationMin(days = 1) Duration retention) {}
