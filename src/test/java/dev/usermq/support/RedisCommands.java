package dev.usermq.support;

import java.util.Properties;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/** How many times the Redis server ran a command, from {@code INFO commandstats}. */
public final class RedisCommands {

  private RedisCommands() {}

  /** Calls of the command (lower case, e.g. {@code get}) since the server started. */
  public static long calls(StringRedisTemplate redis, String command) {
    Properties stats =
        redis.execute((RedisCallback<Properties>) c -> c.serverCommands().info("commandstats"));
    String line = stats.getProperty("cmdstat_" + command, "calls=0,");
    return Long.parseLong(line.substring("calls=".length(), line.indexOf(',')));
  }
}
