package dev.usermq.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the inbound auth messages ({@code AUTH_MSG_MAX_BYTES}).
 *
 * @param maxBytes records with a larger value go to the DLQ as {@code VALIDATION_ERROR}
 */
@Validated
@ConfigurationProperties("auth-msg")
public record AuthMsgProperties(@DefaultValue("16384") @Min(1) int maxBytes) {}
