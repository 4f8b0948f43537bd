package dev.usermq.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Redis cache-aside of user reads ({@code CACHE_USER_TTL}).
 *
 * @param userTtl TTL of cached user reads and of the tombstones writes leave
 */
@Validated
@ConfigurationProperties("cache")
public record CacheProperties(
    @DefaultValue("10m") @NotNull @DurationMin(millis = 1) Duration userTtl) {}
