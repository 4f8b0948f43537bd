package dev.usermq.config;

import dev.usermq.config.RequiredEndpoints.Endpoint;
import dev.usermq.config.RequiredEndpoints.MissingEndpointsException;
import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link MissingEndpointsException} into Spring Boot's start-up failure report: one message
 * that lists every missing endpoint with its property and environment variable, and no stack trace.
 */
class MissingEndpointsFailureAnalyzer extends AbstractFailureAnalyzer<MissingEndpointsException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MissingEndpointsException cause) {
    String list =
        cause.missing().stream()
            .map(e -> "  " + e.environmentVariable() + " (" + e.property() + "): " + e.what())
            .collect(Collectors.joining("\n"));
    String description = "user-mq cannot start: these endpoints are not configured:\n" + list;
    String action =
        "Set "
            + cause.missing().stream()
                .map(Endpoint::environmentVariable)
                .collect(Collectors.joining(", "))
            + " (environment variables, or the properties as --name=value arguments)."
            + " For a local run on embedded servers, run `mvn spring-boot:test-run` in the project.";
    return new FailureAnalysis(description, action, cause);
  }
}
