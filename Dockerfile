# syntax=docker/dockerfile:1
#
# Image of user-mq. Build the jar first, then the image:
#   mvn -B package -DskipTests
#   docker build -t user-mq:0.1.0-SNAPSHOT .
# The YAML routes are inside the jar (classpath:routes/); the Helm chart mounts them from a
# ConfigMap instead.

# --- extract the Spring Boot jar into its layers: dependencies change seldom, the application
# often, so a rebuild mostly reuses the lower layers. Extracted, the application is a plain jar
# with its libraries in lib/, which a class-data-sharing archive can cover (below).
FROM eclipse-temurin:17-jre AS extract
WORKDIR /build
ARG JAR_FILE=target/user-mq-*.jar
COPY ${JAR_FILE} application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted

# --- runtime
FROM eclipse-temurin:17-jre
# numeric IDs, the same as runAsUser/runAsGroup in the Helm chart, so that Kubernetes can verify
# runAsNonRoot
RUN groupadd --system --gid 10001 usermq \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin usermq
WORKDIR /app
COPY --from=extract /build/extracted/dependencies/ ./
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./
# the heap follows the container's memory limit; the JIT's C1 alone (a start takes half the CPU,
# a consumed record less, a gRPC read a third more to twice: docs/performance.md, "C1 by
# default"); the chart overrides this through JAVA_TOOL_OPTIONS
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1"
# Class-data-sharing archive of the classes the service loads to start: a training run
# (application-cds-training.yaml) starts it without any server and stops it; every start then
# maps the archive instead of loading, parsing and verifying those classes again
# (docs/performance.md). The archive is valid only for these jars at these paths and this JVM: it
# is made here, after the last change to either. Its log is shown only when it fails. A flight
# recording (JFR) or a Java agent needs -Xshare:off in JAVA_TOOL_OPTIONS: a JVM 17 crashes when
# one of them hooks the loading of an archived class of a multi-release jar (JDK-8343427).
# The archive extends the JDK's own (lib/server/classes.jsa), made here should the JDK lack it.
RUN { [ -f "$JAVA_HOME/lib/server/classes.jsa" ] || java -Xshare:dump > /dev/null; } \
 && { java -XX:ArchiveClassesAtExit=application.jsa -Xlog:cds=off \
        -Dspring.profiles.active=cds-training -jar application.jar > /tmp/cds-training.log 2>&1 \
      || { cat /tmp/cds-training.log; exit 1; }; } \
 && test -s application.jsa \
 && rm -rf /tmp/cds-training.log /tmp/tomcat.* /tmp/hsperfdata_root
USER 10001:10001
# 8080: HTTP (actuator health and metrics)
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=application.jsa", "-jar", "application.jar"]
