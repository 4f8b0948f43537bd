package dev.usermq.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the YAML routes come from ({@code ROUTES_INCLUDE_PATTERN}); application.yaml hands it to
 * {@code camel.main.routes-include-pattern}.
 *
 * @param includePattern where the YAML routes are loaded from; Helm mounts them from a ConfigMap
 */
@Validated
@ConfigurationProperties("routes")
public record RoutesProperties(
    @DefaultValue("classpath:routes/*.camel.yaml") @NotBlank String includePattern) {}
