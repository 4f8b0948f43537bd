package dev.usermq.faults;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import redis.embedded.RedisServer;

/** A real redis-server process (embedded-redis ships the binary) on a fixed loopback port. */
public final class RedisNode implements AutoCloseable, Freezable {

  private final int port = Ports.free();
  private RedisServer server;

  public int port() {
    return port;
  }

  public synchronized void start() {
    server =
        RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("save \"\"").build();
    server.start();
  }

  /** SHUTDOWN NOSAVE: the server exits at once and every key is gone. */
  public synchronized void shutdownNoSave() {
    try {
      command(c -> c.sync().shutdown(false));
    } catch (RuntimeException expected) {
      // the connection drops as the server exits
    }
    Ports.awaitClosed(port, 30);
    try {
      server.stop();
    } catch (RuntimeException alreadyGone) {
      // nothing left to stop
    }
  }

  /** The pid of the server process, as {@code INFO server} reports it. */
  @Override
  public long pid() {
    long[] pid = {-1};
    command(
        c -> {
          for (String line : c.sync().info("server").split("\\r?\\n")) {
            if (line.startsWith("process_id:")) {
              pid[0] = Long.parseLong(line.substring("process_id:".length()).trim());
            }
          }
        });
    if (pid[0] <= 0) {
      throw new IllegalStateException("redis INFO server has no process_id");
    }
    return pid[0];
  }

  public void flushAll() {
    command(c -> c.sync().flushall());
  }

  private void command(java.util.function.Consumer<StatefulRedisConnection<String, String>> cmd) {
    RedisClient client =
        RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withTimeout(Duration.ofSeconds(5))
                .build());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      cmd.accept(c);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  public synchronized void close() {
    if (server != null && server.isActive()) {
      server.stop();
    }
  }
}
