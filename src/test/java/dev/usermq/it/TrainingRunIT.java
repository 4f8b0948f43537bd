package dev.usermq.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usermq.App;
import dev.usermq.faults.Procs;
import dev.usermq.slowstart.SlowEndOfStart;
import dev.usermq.support.ImageLaunch;
import dev.usermq.support.PackagedJar;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The image's training run of the class-data-sharing archive (the {@value
 * ImageLaunch#TRAINING_PROFILE} profile) ends well however long the packaged service's start takes:
 * here Camel's start of its routes waits three seconds for another thread, as a start on a busy
 * machine may, longer than the two seconds the run lingers once the service has started.
 */
class TrainingRunIT {

  private static final Path DIR = Path.of("target", "training-run-slow-start");

  @Test
  void aStartSlowerThanTheRunLingersStillEndsTheRunWell() throws Exception {
    Path log = DIR.resolveSibling(DIR.getFileName() + ".log");
    Path jar = ImageLaunch.extract(PackagedJar.find(), DIR.resolve("image"), log);
    Path slow = classFileAlone(SlowEndOfStart.class, DIR.resolve("slow"));
    // a route of its own whose start takes the time, beside the service's
    Path slowRoute = DIR.resolve("slow-start.camel.yaml").toAbsolutePath();
    Files.writeString(
        slowRoute,
        """
        - route:
            id: slow-start
            routePolicy: "#class:%s"
            from:
              uri: direct:slow-start
              steps:
                - log: started slowly
        """
            .formatted(SlowEndOfStart.class.getName()));

    // fails, naming the log, unless the run ends with exit code 0
    ImageLaunch.run(
        List.of(
            Procs.serviceJavaBin(),
            "-Dspring.profiles.active=" + ImageLaunch.TRAINING_PROFILE,
            "-Droutes.include-pattern=classpath:routes/*.camel.yaml,file:" + slowRoute,
            "-cp",
            jar + File.pathSeparator + slow.toAbsolutePath(),
            App.class.getName()),
        log);

    assertThat(Files.readString(log)).contains("Started App");
  }

  /** A directory holding the class's own class file, under its package's path, and nothing else. */
  private static Path classFileAlone(Class<?> type, Path dir)
      throws IOException, URISyntaxException {
    String file = type.getName().replace('.', '/') + ".class";
    Path target = dir.resolve(file);
    Files.createDirectories(target.getParent());
    Files.copy(
        Path.of(type.getResource("/" + file).toURI()), target, StandardCopyOption.REPLACE_EXISTING);
    return dir;
  }
}
