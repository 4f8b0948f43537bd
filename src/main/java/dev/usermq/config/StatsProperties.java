package dev.usermq.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The log of the running counts ({@code STATS_LOG_INTERVAL}).
 *
 * @param logInterval how often the running counts are logged (when they changed)
 */
@Validated
@ConfigurationProperties("stats")
public record StatsProperties(
    @DefaultValue("10s") @NotNull @DurationMin(millis = 1) Duration logInterval) {}
