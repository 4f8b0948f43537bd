package dev.usermq.repository.xredis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserRow;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.LoggingCacheErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/** Builds the Redis cache of the repository layer. */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class RedisConfiguration implements CachingConfigurer {

  /**
   * Cache-aside for user reads. Transaction-aware: an eviction takes effect when the writing
   * transaction commits, so a reader cannot put back the row it is about to replace.
   */
  @Bean
  public RedisCacheManager cacheManager(
      RedisConnectionFactory connections, @Value("${cache.user-ttl:10m}") Duration userTtl) {
    ObjectMapper json =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // entries written by an older or newer version of the row still read
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    RedisCacheConfiguration users =
        RedisCacheConfiguration.defaultCacheConfig()
            .prefixCacheNameWith("user:cache:")
            .entryTtl(userTtl)
            .disableCachingNullValues()
            .serializeValuesWith(
                SerializationPair.fromSerializer(
                    new Jackson2JsonRedisSerializer<>(json, UserRow.class)));
    return RedisCacheManager.builder(connections)
        .withCacheConfiguration(UserModel.CACHE, users)
        .disableCreateOnMissingCache()
        .transactionAware()
        .build();
  }

  /** A cache that cannot be reached is skipped, not fatal: the database has the truth. */
  @Override
  public CacheErrorHandler errorHandler() {
    return new LoggingCacheErrorHandler();
  }
}
