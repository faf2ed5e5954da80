package io.ailurus.tier.s3;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Small actor systems for this module's tests, logging through SLF4J (logback-test.xml) like a node does. */
final class TestActorSystems {

    private TestActorSystems() {
    }

    static ActorSystem<Void> create(final String name) {
        return ActorSystem.create(Behaviors.empty(), name, ConfigFactory.parseString("""
                pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                pekko.loglevel = WARNING
                pekko.stdout-loglevel = OFF
                pekko.log-dead-letters = off
                """).withFallback(ConfigFactory.load()));
    }

    static void terminate(final ActorSystem<?> system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(10).toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
