# syntax=docker/dockerfile:1
#
# Image of user-mq. Build the jar first, then the image:
#   mvn -B package -DskipTests
#   docker build -t user-mq:0.1.0-SNAPSHOT .
# The YAML routes are inside the jar (classpath:routes/); the Helm chart mounts them from a
# ConfigMap instead.

# --- extract the Spring Boot jar into its layers: dependencies change seldom, the application
# often, so a rebuild mostly reuses the lower layers. Extracted, the application is a plain jar
# with its libraries in lib/, which an ahead-of-time cache can cover (below).
FROM eclipse-temurin:25-jre AS extract
WORKDIR /build
ARG JAR_FILE=target/user-mq-*.jar
COPY ${JAR_FILE} application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted

# --- runtime: JDK 25, for its ahead-of-time cache (the code itself needs Java 17 or later)
FROM eclipse-temurin:25-jre
# numeric IDs, the same as runAsUser/runAsGroup in the Helm chart, so that Kubernetes can verify
# runAsNonRoot
RUN groupadd --system --gid 10001 usermq \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin usermq
WORKDIR /app
COPY --from=extract /build/extracted/dependencies/ ./
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./
# the heap follows the container's memory limit; the chart overrides this through
# JAVA_TOOL_OPTIONS
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError"
# Ahead-of-time cache of the service's start (JEP 483, 514 and 515): a training run
# (application-cds-training.yaml) starts it without any server and stops it; every start then maps
# the classes it loaded, already parsed, verified and linked, with the profiles of the methods it
# ran, instead of loading and linking them again (docs/performance.md). The cache is valid only for
# these jars at these paths and this JVM: it is made here, after the last change to either. Its
# log is shown only when it fails. A flight recording started with the JVM makes it start without
# the cache (slower, nothing else): start one later with jcmd JFR.start instead.
RUN { java -XX:AOTCacheOutput=application.aot \
        -Dspring.profiles.active=cds-training -jar application.jar > /tmp/training.log 2>&1 \
      || { cat /tmp/training.log; exit 1; }; } \
 && test -s application.aot \
 && rm -rf /tmp/training.log /tmp/tomcat.* /tmp/hsperfdata_root
USER 10001:10001
# 8080: HTTP (actuator health and metrics)
EXPOSE 8080
ENTRYPOINT ["java", "-XX:AOTCache=application.aot", "-jar", "application.jar"]
