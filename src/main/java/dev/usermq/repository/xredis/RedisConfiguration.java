package dev.usermq.repository.xredis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.usermq.config.CacheProperties;
import dev.usermq.config.IdempotencyProperties;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserThirdAuthModel;
import java.time.LocalDateTime;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Builds the Redis side of the repository layer beyond the idempotency keys: the user cache. */
@Configuration(proxyBeanMethods = false)
public class RedisConfiguration {

  /** Cache-aside for user reads ({@code cache.user-ttl}, {@code CACHE_USER_TTL}). */
  @Bean
  public UserCache userCache(
      StringRedisTemplate redis,
      UserModel users,
      UserThirdAuthModel bindings,
      IdempotencyProperties keys,
      CacheProperties cache) {
    return new UserCache(redis, users, bindings, json(), keys.prefix(), cache.userTtl());
  }

  /** How cache entries are written and read. */
  static ObjectMapper json() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        // the same timestamps, read without DateTimeFormatter (IsoLocalDateTimeDeserializer)
        .registerModule(
            new SimpleModule()
                .addDeserializer(LocalDateTime.class, new IsoLocalDateTimeDeserializer()))
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // entries written by an older or newer version of the row still read
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
