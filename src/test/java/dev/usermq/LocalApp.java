package dev.usermq;

import dev.usermq.embedded.EmbeddedServersInitializer;
import dev.usermq.embedded.LocalRoutesInitializer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * The local run: the service on real embedded servers, for a bare machine. It is on the test
 * classpath only, so the packaged jar has none of the servers; {@code mvn spring-boot:test-run}
 * runs it (the main class the pom names for it), with {@code -Dspring-boot.run.profiles=demo} for
 * sample traffic.
 *
 * <p>Every external endpoint that is not configured gets an embedded server ({@link
 * EmbeddedServersInitializer}); an endpoint set in the environment is used instead. From a
 * checkout, the routes are loaded from {@code routes/} and reloaded when a file there is saved
 * ({@link LocalRoutesInitializer}).
 *
 * <p>Ctrl-C (or SIGTERM) closes the application before the JVM starts to shut down: Camel finishes
 * its records while the servers still run, and the servers stop after it. Left to the JVM, the
 * servers' libraries would stop them from shutdown hooks of their own, at the same time as Camel. A
 * second Ctrl-C exits at once; a SIGTERM while it stops (Maven sends one when the run has not ended
 * 5 s after Ctrl-C) does not cut it short.
 */
public final class LocalApp {

  private LocalApp() {}

  public static void main(String[] args) {
    ConfigurableApplicationContext context =
        App.application()
            .initializers(new EmbeddedServersInitializer(), new LocalRoutesInitializer())
            .run(args);
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            int status = 128 + signal.getNumber();
            if (stopping.compareAndSet(false, true)) {
              new Thread(() -> stop(context, status), "local-run-stop").start();
            } else if ("INT".equals(signal.getName())) {
              // a second Ctrl-C; a SIGTERM meanwhile (Maven's, 5 s after the first Ctrl-C) waits
              System.exit(status);
            }
          });
    }
  }

  private static void stop(ConfigurableApplicationContext context, int status) {
    context.close();
    System.exit(status);
  }
}
