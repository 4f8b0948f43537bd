package dev.usermq;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Ends the training run of the class-data-sharing archive (the {@value #PROFILE} profile,
 * application-cds-training.yaml): the service runs for {@link #LINGER} once it has started, so that
 * what its routes load as they first run goes into the archive too, and then stops, closing its
 * context first. The time counts from the end of the start, however long the start took. Camel's
 * {@code camel.main.duration-max-seconds} counts from before its routes start: on a busy machine it
 * could end while the start was waiting for another thread, and Spring, taking the start for stuck,
 * closed the context under it, failing the run.
 */
@Component
@Profile(TrainingRun.PROFILE)
public class TrainingRun implements ApplicationListener<ApplicationReadyEvent> {

  /** The profile of the training run. */
  public static final String PROFILE = "cds-training";

  static final Duration LINGER = Duration.ofSeconds(2);

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    ConfigurableApplicationContext context = event.getApplicationContext();
    CompletableFuture.delayedExecutor(LINGER.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> System.exit(SpringApplication.exit(context)));
  }
}
