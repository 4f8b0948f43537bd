package dev.usermq.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox relay ({@code OUTBOX_*}): events and authz commands that a crash or an outage left
 * undelivered are delivered again by the relay routes.
 *
 * @param relayInterval how often the relay looks for events and authz commands a crash or an outage
 *     left undelivered, the first time one interval after the start (the delay of the relay routes'
 *     SQL consumers, which read it themselves: a number and a unit among d, h, m, s, ms, or
 *     milliseconds; a form only Spring reads, such as PT30S, stops the start)
 * @param relayMinAge age after which an undelivered event or authz command is relayed; younger ones
 *     are still being delivered by the record that wrote them (0: every undelivered one)
 * @param relayBatchSize events, and users with pending authz commands, per relay pass
 * @param markInterval how often the marks of delivered events and authz commands are written to the
 *     database, for all records at once (far below {@code relayMinAge})
 * @param retention how long published events and delivered authz commands are kept before the
 *     retention route deletes them (they are only needed to tell what was delivered)
 */
@Validated
@ConfigurationProperties("outbox")
public record OutboxProperties(
    @DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration relayInterval,
    @DefaultValue("60s") @NotNull @DurationMin(seconds = 0) Duration relayMinAge,
    @DefaultValue("500") @Min(1) int relayBatchSize,
    @DefaultValue("100ms") @NotNull @DurationMin(millis = 1) Duration markInterval,
    @DefaultValue("7d") @NotNull @DurationMin(hours = 1) Duration retention) {}
