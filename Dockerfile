# One image for the coordinator, the workers and the client tools.
#   docker build -t mallard:0.1.0 .
#   docker run --rm mallard:0.1.0 --help
# Stage 1 builds the executable jar with Maven (tests run in CI, not here); the coordinator's web page is built with
# npm, so the stage is Node.js 20 with Debian's JDK 17 and Maven. Stage 2 is a JRE, the jar and a launcher, run as an
# unprivileged user. The Helm chart in deploy/helm/mallard starts this image.
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY mallard-common mallard-common
COPY mallard-data mallard-data
COPY mallard-planner mallard-planner
COPY mallard-protocol mallard-protocol
COPY mallard-oracle mallard-oracle
COPY mallard-worker mallard-worker
COPY mallard-coordinator mallard-coordinator
COPY mallard-client mallard-client
COPY mallard-bench mallard-bench
COPY mallard-testing mallard-testing
COPY mallard-cli mallard-cli
RUN mvn -q -B -DskipTests package -pl mallard-cli -am

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/mallard --create-home mallard
COPY --from=build /src/mallard-cli/target/mallard.jar /opt/mallard/mallard.jar
COPY deploy/docker/mallard /usr/local/bin/mallard
USER 10001
WORKDIR /var/lib/mallard
# Flight SQL, shard downloads, web (metrics, health, readiness)
EXPOSE 31337 31339 31338
ENTRYPOINT ["/usr/local/bin/mallard"]
CMD ["--help"]
