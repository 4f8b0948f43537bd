package dev.usermq.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

class DeadLetterAwareIdempotentRepositoryTest {

  @SuppressWarnings("unchecked")
  private final ValueOperations<String, String> values = mock(ValueOperations.class);

  private final DeadLetterAwareIdempotentRepository repository = repository();
  private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

  private DeadLetterAwareIdempotentRepository repository() {
    StringRedisTemplate redis = mock(StringRedisTemplate.class);
    when(redis.opsForValue()).thenReturn(values);
    return new DeadLetterAwareIdempotentRepository(redis, "p");
  }

  @Test
  void anIdTheMgetOfThePollFoundIsNotAskedForAgain() {
    when(values.multiGet(List.of("p:a", "p:b"))).thenReturn(Arrays.asList("a", null));

    repository.prefetch(List.of("a", "b"));

    assertThat(repository.contains(exchange, "a")).isTrue();
    verify(values, never()).get("p:a");
  }

  @Test
  void anIdTheMgetDidNotFindIsAskedForAsUsual() {
    when(values.multiGet(List.of("p:b"))).thenReturn(Arrays.asList((String) null));
    repository.prefetch(List.of("b"));
    // written since by an earlier copy in the same poll
    when(values.get("p:b")).thenReturn("b");

    assertThat(repository.contains(exchange, "b")).isTrue();
  }

  @Test
  void aFailingMgetRemembersNothingAndTheRecordAsksRedisItself() {
    when(values.multiGet(anyList())).thenThrow(new RedisConnectionFailureException("down"));
    when(values.get("p:a")).thenThrow(new RedisConnectionFailureException("still down"));

    repository.prefetch(List.of("a"));

    assertThatThrownBy(() -> repository.contains(exchange, "a"))
        .isInstanceOf(RedisConnectionFailureException.class);
  }

  @Test
  void whatAPollFoundIsOnlyKnownToItsOwnThreadAndOnlyUntilItsNextPoll() throws Exception {
    when(values.multiGet(List.of("p:a"))).thenReturn(List.of("a"));
    repository.prefetch(List.of("a"));

    boolean onAnotherThread =
        CompletableFuture.supplyAsync(() -> repository.contains(exchange, "a")).get();
    repository.prefetch(List.of());

    assertThat(onAnotherThread).isFalse();
    assertThat(repository.contains(exchange, "a")).isFalse();
  }
}
