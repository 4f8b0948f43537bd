package dev.usermq.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;

/** The readiness group as the chart's probe reads it: {@code /actuator/health/readiness}. */
public final class Readiness {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Readiness() {}

  /** Waits until readiness answers UP with 200, and returns that answer. */
  public static JsonNode awaitUp(TestRestTemplate http, Duration wait) {
    AtomicReference<JsonNode> up = new AtomicReference<>();
    await()
        .atMost(wait)
        .untilAsserted(
            () -> {
              ResponseEntity<String> response =
                  http.getForEntity("/actuator/health/readiness", String.class);
              JsonNode health = JSON.readTree(response.getBody());
              assertThat(health.path("status").asText()).as(response.getBody()).isEqualTo("UP");
              assertThat(response.getStatusCode().value()).isEqualTo(200);
              up.set(health);
            });
    return up.get();
  }
}
