package dev.usermq.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The retention routes ({@code RETENTION_*}), which delete old rows of the outbox, authz_command
 * and auth_msg tables ({@code outbox.retention}, {@code ledger.retention}).
 *
 * @param interval how often the retention routes run; each run deletes batches until the old rows
 *     are gone
 * @param batchSize rows deleted by one statement: each batch is a short transaction of its own, so
 *     no lock is held for long
 */
@Validated
@ConfigurationProperties("retention")
public record RetentionProperties(
    @DefaultValue("1m") @NotNull @DurationMin(millis = 1) Duration interval,
    @DefaultValue("500") @Min(1) @Max(10_000) int batchSize) {}
