package dev.usermq.slowstart;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Waits three seconds as its route starts, in the middle of Camel's start, for something another
 * thread does, as a start on a busy machine may wait for a consumer or a server to come up: {@code
 * TrainingRunIT} adds it, alone, to the packaged service's classpath, with a route that names it as
 * its policy. It uses nothing of the tests'.
 */
public class SlowEndOfStart extends RoutePolicySupport {

  @Override
  public void onStart(Route route) {
    // waiting (not sleeping), without a timeout, as a start waits for another thread's work
    CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS))
        .join();
  }
}
