package dev.usermq.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class TracingConfigurationTest {

  private final ObservationPredicate predicate =
      new TracingConfiguration().actuatorRequestsUnobserved();

  @Test
  void theProbesAndTheScrapesAreNotObserved() {
    assertThat(predicate.test("http.server.requests", request("/actuator/health/readiness")))
        .isFalse();
    assertThat(predicate.test("http.server.requests", request("/actuator/prometheus"))).isFalse();
  }

  @Test
  void otherRequestsAndOtherObservationsAre() {
    assertThat(predicate.test("http.server.requests", request("/other"))).isTrue();
    assertThat(predicate.test("authz.call", new Observation.Context())).isTrue();
  }

  private static ServerRequestObservationContext request(String path) {
    return new ServerRequestObservationContext(
        new MockHttpServletRequest("GET", path), new MockHttpServletResponse());
  }
}
